/**
 * The BioTrack NY-API adapter: the hub's reports in the state system's words, with every id in the
 * JSON type the recorded shapes give it. A create retried (`account.retry`) first looks its object
 * up by ExternalID, and after a try that went unanswered it waits out a settle window before
 * creating anything again, so no duplicate depends on the server replaying an ExternalID. Every call
 * carries the acting user's session; an expired session is opened again, an expired token is
 * refreshed, one refresher per license at a time.
 */
import { randomUUID } from 'node:crypto';
import type * as z from 'zod';
import type { StateObservation } from '../../domain/reconciliation/observation.ts';
import type { Unit } from '../../domain/transfer/index.ts';
import { unitOf } from '../../domain/transfer/index.ts';
import { DEFAULT_STATE_USER } from '../connections.ts';
import type { ConnectionStore, StateConnection } from '../connections.ts';
import { StateSystemError } from '../port.ts';
import type {
  InboundTransfer,
  IntakeReport,
  KeepStateRefs,
  LineCheck,
  ManifestReport,
  Observed,
  ReportedDriver,
  ReportedVehicle,
  StateAccount,
  StateRefs,
  StateTrackingSystem,
  WatchedTransfer,
} from '../port.ts';
import { exchange, interpret, requestTokens } from './client.ts';
import type { NyApiSettings } from './client.ts';
import { decodeCheckpoint, encodeCheckpoint } from './inbound-checkpoint.ts';
import { bioTrackFacts, bioTrackRefs, inventoryTransferKey } from './refs.ts';
import type { BioTrackRefs } from './refs.ts';
import * as schemas from './schemas.ts';
import { bioTrackSystem } from './capabilities.ts';

export interface BioTrackDeps {
  readonly settings: NyApiSettings;
  readonly connections: ConnectionStore;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  /** Waits while another instance refreshes the license's token. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const SYSTEM = bioTrackSystem;
const REFRESH_MARGIN_MS = 60_000;
const PAGE = 500;
/** How long a process trusts the connection it read: a renewed consent is seen within this. */
const CONNECTION_CACHE_MS = 30_000;
/** How often a caller waiting on another instance's refresh looks at the table again. */
const REFRESH_POLL_MS = 100;
/** Package lookups in flight at once when checking a manifest's lines; beyond a few dozen, one list read is cheaper. */
const CHECK_CONCURRENCY = 10;
const LOOKUPS_BEFORE_LISTING = 40;

/**
 * [inferred] Where a receiver records a transfer that arrived with a paper manifest. ny-api.md names
 * no such route: this is our reading, in the style of the documented inbound list and receive
 * routes (a POST to the receiver's inbound collection, items as the receive call sends them). The
 * emulator implements the same; confirm both against the sandbox before go-live.
 */
export const INTAKE_PATH = '/v1/inventory/transfer/inbound';

/** The hub's units in the state system's words (`GET /v1/uom`). */
const uomOf: Readonly<Record<Unit, string>> = { each: 'each', g: 'gram', kg: 'kilogram', oz: 'ounce', lb: 'pound', mL: 'milliliter', L: 'liter' };

/** `inventory-transfer`: one the license shipped; `inbound-transfer`: one addressed to it (a paper manifest taken in). */
export type StateObjectKind = 'invoice' | 'manifest' | 'inventory-transfer' | 'inbound-transfer';

/** The port, and BioTrack's own lookup by client key (the adapter's idempotency; its tests read it). */
export interface BioTrackAdapter extends StateTrackingSystem {
  reportManifest(account: StateAccount, report: ManifestReport, known: StateRefs, keep: KeepStateRefs): Promise<BioTrackRefs>;
  amendManifest(account: StateAccount, refs: StateRefs, report: ManifestReport): Promise<BioTrackRefs>;
  reportShipment(account: StateAccount, refs: StateRefs, submissionKey: string): Promise<BioTrackRefs>;
  reportIntake(account: StateAccount, report: IntakeReport): Promise<BioTrackRefs>;
  findByExternalId(account: StateAccount, kind: StateObjectKind, externalId: string): Promise<string | number | undefined>;
  /** The inbound pull alone (what `observe` starts with). */
  listInbound(account: StateAccount, checkpoint?: string): Promise<{ transfers: BioTrackInbound[]; checkpoint: string; skipped: number }>;
}

/** An inbound transfer with BioTrack's refs. */
export type BioTrackInbound = InboundTransfer & { readonly refs: BioTrackRefs };

export function createBioTrackAdapter(deps: BioTrackDeps): BioTrackAdapter {
  const { settings } = deps;
  const settleMs = settings.settleMs ?? 2 * settings.timeoutMs;
  const leaseMs = settings.timeoutMs + 5_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  /** Names this process as the holder of a refresh lease. */
  const instance = randomUUID();
  /** Per process, as a Lambda instance keeps them: sessions by license and acting key, live connections briefly. */
  const sessions = new Map<string, string>();
  const connections = new Map<string, { readonly connection: StateConnection; readonly until: number }>();
  const refreshing = new Map<string, Promise<StateConnection>>();
  const stateIdsOf = new Map<string, number>();

  async function stored(account: StateAccount): Promise<StateConnection | undefined> {
    const cached = connections.get(account.licenseeId);
    if (cached && cached.until > Date.now()) return cached.connection;
    const loaded = await deps.connections.get(account.licenseeId, SYSTEM);
    if (loaded && Date.parse(loaded.consentExpiresAt) > deps.now().getTime() && !loaded.refreshFailedAt) {
      connections.set(account.licenseeId, { connection: loaded, until: Date.now() + CONNECTION_CACHE_MS });
    }
    return loaded;
  }

  const consentExpired = (expiresAt: string) =>
    new StateSystemError('consent-expired', 'CONSENT_EXPIRED', `Consent expired on ${expiresAt}: the license admin must approve the hub again`);
  const refreshRejected = (at: string) =>
    new StateSystemError(
      'consent-expired',
      'REFRESH_REJECTED',
      `The state system refused the hub's refresh token on ${at}, before the consent's end: the license admin must approve the hub again`,
    );

  /** A usable connection; `stale` is an access token the state system refused, to be replaced. */
  async function connection(account: StateAccount, stale?: string): Promise<StateConnection> {
    const found = await stored(account);
    if (!found) throw new StateSystemError('consent-expired', 'NOT_CONNECTED', 'The license admin has not approved the hub in the state system yet');
    const now = deps.now();
    if (Date.parse(found.consentExpiresAt) <= now.getTime()) {
      connections.delete(account.licenseeId);
      throw consentExpired(found.consentExpiresAt);
    }
    if (found.refreshFailedAt) throw refreshRejected(found.refreshFailedAt);
    if (stale === undefined && fresh(found, now)) return found;
    return refresh(account, stale ?? found.accessToken);
  }

  const fresh = (connection: StateConnection, now: Date) => Date.parse(connection.accessExpiresAt) - REFRESH_MARGIN_MS > now.getTime();

  /** One refresh per license in this process; across processes, the table's lease. */
  function refresh(account: StateAccount, stale: string): Promise<StateConnection> {
    const running = refreshing.get(account.licenseeId);
    if (running) return running;
    const started = refreshUnderLease(account, stale).finally(() => refreshing.delete(account.licenseeId));
    refreshing.set(account.licenseeId, started);
    return started;
  }

  async function refreshUnderLease(account: StateAccount, stale: string): Promise<StateConnection> {
    const { licenseeId } = account;
    const giveUpAt = Date.now() + 2 * leaseMs;
    for (;;) {
      const now = deps.now();
      const current = await deps.connections.get(licenseeId, SYSTEM);
      if (!current) throw new StateSystemError('consent-expired', 'NOT_CONNECTED', 'The license admin has not approved the hub in the state system yet');
      if (current.refreshFailedAt) throw refreshRejected(current.refreshFailedAt);
      // Another instance refreshed meanwhile: its token is the one to use.
      if (current.accessToken !== stale && fresh(current, now)) return remember(current);
      if (await deps.connections.leaseRefresh(licenseeId, SYSTEM, instance, now, new Date(now.getTime() + leaseMs))) {
        try {
          return await refreshNow(account, current, now);
        } finally {
          await deps.connections.releaseRefresh(licenseeId, SYSTEM, instance);
        }
      }
      // Another instance holds the lease: wait for its tokens rather than race its rotation.
      if (Date.now() > giveUpAt) throw new StateSystemError('transient', 'REFRESH_BUSY', 'Another hub instance is refreshing the state-system token');
      await sleep(REFRESH_POLL_MS);
    }
  }

  async function refreshNow(account: StateAccount, current: StateConnection, now: Date): Promise<StateConnection> {
    if (!current.refreshToken) throw new StateSystemError('consent-expired', 'CONSENT_EXPIRED', 'No refresh token: the license admin must approve the hub again');
    let tokens: Awaited<ReturnType<typeof requestTokens>>;
    try {
      tokens = await requestTokens(settings, deps.fetch, { grant_type: 'refresh_token', refresh_token: current.refreshToken });
    } catch (error) {
      if (!(error instanceof StateSystemError) || error.code !== 'REFRESH_REJECTED') throw error;
      connections.delete(account.licenseeId);
      // Refused after the 100 days is the consent running out; before them, the grant was cut short.
      if (Date.parse(current.consentExpiresAt) <= now.getTime()) throw consentExpired(current.consentExpiresAt);
      const at = now.toISOString();
      await deps.connections.markRefreshFailed(account.licenseeId, SYSTEM, at, error.message);
      throw refreshRejected(at);
    }
    const refreshed: StateConnection = {
      ...current,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? current.refreshToken,
      accessExpiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000).toISOString(),
      ...(tokens.consentExpiresAt ? { consentExpiresAt: tokens.consentExpiresAt } : {}),
      updatedAt: now.toISOString(),
    };
    await deps.connections.put(refreshed);
    return remember(refreshed);
  }

  function remember(connection: StateConnection): StateConnection {
    connections.set(connection.licenseeId, { connection, until: Date.now() + CONNECTION_CACHE_MS });
    return connection;
  }

  /** The state user that acts: the API key's linked user, else the license's default integration user. */
  async function actingUser(account: StateAccount) {
    const linked = account.actingApiKeyId ? await deps.connections.stateUser(account.licenseeId, SYSTEM, account.actingApiKeyId) : undefined;
    const user = linked ?? (await deps.connections.stateUser(account.licenseeId, SYSTEM, DEFAULT_STATE_USER));
    if (!user) throw new StateSystemError('permanent', 'NO_STATE_USER', 'No state-system user is linked to this license: link a default integration user');
    return user;
  }

  const sessionKey = (account: StateAccount) => `${account.licenseeId}/${account.actingApiKeyId ?? DEFAULT_STATE_USER}`;

  async function session(account: StateAccount, token: string): Promise<string> {
    const cached = sessions.get(sessionKey(account));
    if (cached) return cached;
    const user = await actingUser(account);
    const answer = await exchange(settings, deps.fetch, '/v1/user/login', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-ubi': account.identity['ubi'] ?? '',
        'x-license': account.stateLicenseNumber,
      },
      body: JSON.stringify({ Username: user.username, Password: user.password }),
    });
    const { Session } = interpret(answer, schemas.loginResponse);
    sessions.set(sessionKey(account), Session);
    return Session;
  }

  /**
   * One call as the acting user (ny-api.md §2: bearer token and user session on every call). A
   * refused token is refreshed once; a refused session is opened again once, with the same token.
   */
  async function call<T extends z.ZodType>(account: StateAccount, method: string, path: string, schema: T, body?: unknown): Promise<z.output<T>> {
    let stale: string | undefined;
    let relogged = false;
    for (;;) {
      const { accessToken } = await connection(account, stale);
      const headers: Record<string, string> = {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        'x-session-token': await session(account, accessToken),
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const answer = await exchange(settings, deps.fetch, path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, deps.now());
      try {
        return interpret(answer, schema);
      } catch (error) {
        if (error instanceof StateSystemError) {
          if (error.code === 'AUTH_EXPIRED' && stale === undefined) {
            stale = accessToken;
            continue;
          }
          if (error.code === 'USER_SESSION_REQUIRED' && !relogged) {
            sessions.delete(sessionKey(account));
            relogged = true;
            continue;
          }
          if (error.kind === 'consent-expired') connections.delete(account.licenseeId);
        }
        throw error;
      }
    }
  }

  const query = (path: string, params: Record<string, string | number>) =>
    `${path}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;

  async function findByExternalId(account: StateAccount, kind: 'employee' | 'vehicle' | 'inventory-transfer' | 'inbound-transfer', externalId: string): Promise<number | undefined>;
  async function findByExternalId(account: StateAccount, kind: 'invoice' | 'manifest', externalId: string): Promise<string | undefined>;
  async function findByExternalId(account: StateAccount, kind: StateObjectKind | 'employee' | 'vehicle', externalId: string): Promise<string | number | undefined>;
  async function findByExternalId(account: StateAccount, kind: StateObjectKind | 'employee' | 'vehicle', externalId: string): Promise<string | number | undefined> {
    const q = { ExternalID: externalId };
    switch (kind) {
      case 'employee':
        return (await call(account, 'GET', query('/v1/employee', q), schemas.employeeList)).Employee[0]?.ID;
      case 'vehicle':
        return (await call(account, 'GET', query('/v1/vehicle', q), schemas.vehicleList)).Vehicle[0]?.ID;
      case 'invoice':
        // A voided invoice is no longer one a manifest can carry.
        return (await call(account, 'GET', query('/v1/invoice', q), schemas.invoiceList)).Invoice.find((invoice) => !invoice.Deleted)?.InvoiceID;
      case 'manifest':
        return (await call(account, 'GET', query('/v1/manifest', q), schemas.manifestList)).Manifest[0]?.ManifestID;
      case 'inventory-transfer':
        return (await call(account, 'GET', query('/v1/inventory/transfer', q), schemas.inventoryTransferList)).InventoryTransfer[0]?.ID;
      case 'inbound-transfer':
        // [inferred] that the inbound list narrows by ExternalID as the other lists do.
        return (await call(account, 'GET', query('/v1/inventory/transfer/inbound', q), schemas.inventoryTransferList)).InventoryTransfer[0]?.ID;
    }
  }

  /**
   * Before creating again what an unanswered try may still be committing: look it up, and while
   * the settle window of that try lasts, come back later instead of creating it a second time.
   */
  async function lookBeforeCreating<T>(account: StateAccount, lookup: () => Promise<T | undefined>): Promise<T | undefined> {
    if (!account.retry && !account.unsettledSince) return undefined;
    const found = await lookup();
    if (found !== undefined || !account.unsettledSince) return found;
    const left = Date.parse(account.unsettledSince) + settleMs - deps.now().getTime();
    if (left > 0) {
      throw new StateSystemError('transient', 'UNSETTLED', `An unanswered earlier try may still be recorded by the state system: looking again in ${Math.ceil(left / 1000)} s`, {
        retryAfterMs: left,
        unsettledSince: account.unsettledSince,
      });
    }
    return undefined;
  }

  /** The state's copy of a hub driver or vehicle: found by the hub id, created when missing. */
  async function ensure(account: StateAccount, kind: 'employee' | 'vehicle', record: ReportedDriver | ReportedVehicle): Promise<number> {
    const externalId = `${kind}-${record.hubId}`;
    const memo = `${account.stateLicenseNumber}/${externalId}`;
    const known = stateIdsOf.get(memo) ?? (await findByExternalId(account, kind, externalId));
    if (known !== undefined) {
      stateIdsOf.set(memo, known);
      return known;
    }
    const created =
      kind === 'employee'
        ? (await call(account, 'POST', '/v1/employee', schemas.employeeCreated, employeeBody(record as ReportedDriver, externalId))).Employee.ID
        : (await call(account, 'POST', '/v1/vehicle', schemas.vehicleCreated, vehicleBody(record as ReportedVehicle, externalId))).Vehicle.ID;
    stateIdsOf.set(memo, created);
    return created;
  }

  /** Drivers and vehicle as the manifest names them: employee ids are integers, the vehicle's id a string (as recorded). */
  async function crewOf(account: StateAccount, report: ManifestReport) {
    const driverIds: number[] = [];
    for (const driver of report.drivers) driverIds.push(await ensure(account, 'employee', driver));
    const vehicleId = await ensure(account, 'vehicle', report.vehicle);
    return {
      fields: {
        Driver: driverIds.map((ID) => ({ ID })),
        Vehicle: { ID: String(vehicleId) },
        ...(report.transporter ? { ThirdPartyTransporter: { LicenseNumber: report.transporter.stateLicenseNumber, Name: report.transporter.name } } : {}),
      },
      ids: { driverIds, vehicleId },
    };
  }

  const stopTimes = (report: ManifestReport) => ({
    ApproximateDeparture: new Date(report.estimatedDeparture).toISOString(),
    ApproximateArrival: new Date(report.estimatedArrival).toISOString(),
    ApproximateRoute: report.route,
  });

  const manifestIdOf = (ids: BioTrackRefs) => {
    if (!ids.manifestId) throw new StateSystemError('permanent', 'NO_MANIFEST', 'The state system has no manifest of this transfer');
    return ids.manifestId;
  };

  /** A step the state system says is done already was done by an earlier try of ours whose answer was lost. */
  async function idempotent(step: () => Promise<unknown>, doneCodes: readonly string[]): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (error instanceof StateSystemError && doneCodes.includes(error.code)) return;
      throw error;
    }
  }

  /** The invoice a manifest carries: one kept from an earlier try, found again, or made now (and kept at once). */
  async function invoiceFor(account: StateAccount, report: ManifestReport, known: BioTrackRefs, keep: KeepStateRefs): Promise<string> {
    const voided = known.voidedInvoiceIds ?? [];
    if (known.invoiceId && !voided.includes(known.invoiceId)) return known.invoiceId;
    // After a voided invoice, the next one needs a key of its own: the state replays the old key.
    const externalId = `${report.submissionKey}.invoice${voided.length > 0 ? `-${voided.length + 1}` : ''}`;
    const invoiceId =
      (await lookBeforeCreating(account, () => findByExternalId(account, 'invoice', externalId))) ??
      [
        (
          await call(account, 'POST', '/v1/invoice', schemas.invoiceCreated, {
            LocationLicense: account.stateLicenseNumber,
            BuyerLocationLicense: report.receiver.stateLicenseNumber,
            ExternalID: externalId,
            Inventory: report.lines.map((line) => ({ InventoryID: line.tag, Amount: line.quantity, Price: line.unitPrice })),
          })
        ).Invoice,
      ].flat()[0]?.InvoiceID;
    if (!invoiceId) throw new StateSystemError('transient', 'UNEXPECTED_RESPONSE', 'The invoice answer carried no InvoiceID');
    await keep({ invoiceId });
    return invoiceId;
  }

  /** A manifest refused for good leaves no invoice at the state for a shipment that never happens. */
  async function voidOrphan(account: StateAccount, report: ManifestReport, invoiceId: string, known: BioTrackRefs, keep: KeepStateRefs): Promise<void> {
    await idempotent(() => call(account, 'PUT', `/v1/invoice/${invoiceId}/void`, schemas.writeAcknowledged, { ExternalID: `${report.submissionKey}.void-invoice` }), [
      'ALREADY_VOIDED',
    ]);
    await keep({ voidedInvoiceIds: [...(known.voidedInvoiceIds ?? []), invoiceId] });
  }

  /** One package as the state holds it for this license; undefined when it holds none by that id. */
  async function heldPackage(account: StateAccount, tag: string) {
    try {
      return (await call(account, 'GET', `/v1/inventory/${encodeURIComponent(tag)}`, schemas.inventoryOne)).Inventory;
    } catch (error) {
      if (error instanceof StateSystemError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /** The packages the state holds by these ids: looked up one by one for a few, from the whole inventory list for many. */
  async function heldPackages(account: StateAccount, tags: readonly string[]) {
    // Once, before the lookups in parallel: each would otherwise read the connection record itself (or all fail alike).
    await connection(account);
    if (tags.length > LOOKUPS_BEFORE_LISTING) {
      const all = await everyPage(account, '/v1/inventory', schemas.inventoryList, (page) => page.Inventory);
      return new Map(all.map((lot) => [lot.ID, lot]));
    }
    const held = new Map<string, z.output<typeof schemas.inventoryOne>['Inventory']>();
    for (let start = 0; start < tags.length; start += CHECK_CONCURRENCY) {
      const batch = tags.slice(start, start + CHECK_CONCURRENCY);
      const lots = await Promise.all(batch.map((tag) => heldPackage(account, tag)));
      lots.forEach((lot) => lot && held.set(lot.ID, lot));
    }
    return held;
  }

  return {
    async checkLines(account, lines) {
      let held: ReadonlyMap<string, z.output<typeof schemas.inventoryOne>['Inventory']>;
      try {
        held = await heldPackages(account, lines.map((line) => line.tag));
      } catch (error) {
        // Not reachable or not connected now: the manifest goes ahead; its submission meets what is wrong.
        if (error instanceof StateSystemError) return [];
        throw error;
      }
      return lines.flatMap((line, index): LineCheck[] => {
        const lot = held.get(line.tag);
        const unit = uomOf[line.unit];
        if (!lot || lot.Deleted || lot.Destroyed) {
          return [{ line: index, field: 'tag', code: 'not-at-state', message: `The state system holds no package ${line.tag} for this license` }];
        }
        if (lot.UOM && lot.UOM !== unit) {
          return [{ line: index, field: 'unit', code: 'unit-differs', message: `The state system holds package ${line.tag} in ${lot.UOM}, not in ${unit}` }];
        }
        if (line.quantity > lot.RemainingAmount) {
          return [{ line: index, field: 'quantity', code: 'more-than-state-holds', message: `The state system holds only ${lot.RemainingAmount} ${lot.UOM ?? unit} of package ${line.tag}` }];
        }
        return [];
      });
    },

    factsOf: bioTrackFacts,

    async reportManifest(account, report, knownRefs, keep) {
      const known = bioTrackRefs(knownRefs);
      const invoiceId = await invoiceFor(account, report, known, keep);
      const crew = await crewOf(account, report);
      const externalId = `${report.submissionKey}.manifest`;
      const body = {
        LocationLicense: account.stateLicenseNumber,
        Type: report.kind === 'return' ? 'Return' : report.transporter ? 'ThirdParty' : 'Transfer',
        ExternalID: externalId,
        ...crew.fields,
        Stop: [
          {
            StopNumber: 1,
            LocationLicense: report.receiver.stateLicenseNumber,
            InvoiceID: invoiceId,
            ...stopTimes(report),
            Item: report.lines.map((line) => ({ InventoryID: line.tag, Quantity: line.quantity })),
          },
        ],
      };
      let manifestId: string | undefined;
      try {
        manifestId =
          (await lookBeforeCreating(account, () => findByExternalId(account, 'manifest', externalId))) ??
          (await call(account, 'POST', '/v1/manifest', schemas.manifestOne, body)).Manifest.ManifestID;
      } catch (error) {
        if (error instanceof StateSystemError && error.kind === 'permanent') await voidOrphan(account, report, invoiceId, known, keep);
        throw error;
      }
      return { invoiceId, manifestId, manifestExternalId: externalId, ...crew.ids };
    },

    async amendManifest(account, refs, report) {
      const ids = bioTrackRefs(refs);
      const manifestId = manifestIdOf(ids);
      const crew = await crewOf(account, report);
      // The manifest keeps the key it was created under; contents and stop cannot change.
      await call(account, 'PUT', `/v1/manifest/${manifestId}`, schemas.manifestOne, {
        ...(ids.manifestExternalId ? { ExternalID: ids.manifestExternalId } : {}),
        ...crew.fields,
        Stop: [{ StopNumber: 1, ...stopTimes(report) }],
      });
      return crew.ids;
    },

    async reportShipment(account, refs, externalId) {
      const manifestId = manifestIdOf(bioTrackRefs(refs));
      const shipmentExternalId = `${externalId}.ship`;
      const found = await lookBeforeCreating(account, () => findByExternalId(account, 'inventory-transfer', shipmentExternalId));
      if (found !== undefined) return { inventoryTransferIds: [found] };
      try {
        const shipped = await call(account, 'POST', '/v1/inventory/transfer', schemas.shipmentCreated, { ManifestID: manifestId, ExternalID: shipmentExternalId });
        return { inventoryTransferIds: shipped.InventoryTransfer.map((t) => t.ID) };
      } catch (error) {
        if (!(error instanceof StateSystemError) || error.code !== 'ALREADY_SHIPPED') throw error;
        // Shipped already: by an earlier try of ours whose answer was lost. Confirm, then done.
        const transfers = await shipmentsOf(account, manifestId);
        if (transfers.length === 0) throw error;
        return { inventoryTransferIds: transfers };
      }
    },

    async reportArrival(account, refs, externalId) {
      await idempotent(
        () => call(account, 'PUT', `/v1/manifest/${manifestIdOf(bioTrackRefs(refs))}/stop/1/arrive`, schemas.writeAcknowledged, { ExternalID: `${externalId}.arrive` }),
        ['ALREADY_ARRIVED'],
      );
    },

    async reportReceipt(account, refs, report) {
      const inventoryTransferId = bioTrackRefs(refs).inventoryTransferIds?.[0];
      if (inventoryTransferId === undefined) throw new StateSystemError('permanent', 'NOT_SHIPPED', 'The state system has no shipment of this transfer to receive');
      await idempotent(
        () =>
          call(account, 'PUT', `/v1/inventory/transfer/${inventoryTransferId}/receive`, schemas.writeAcknowledged, {
            ExternalID: `${report.submissionKey}.receive`,
            Item: report.lines.map((line) => ({
              InventoryID: line.tag,
              Accept: line.accepted,
              ReceivedAmount: line.receivedQuantity,
              ...(line.rejectReason ? { RejectReason: line.rejectReason } : {}),
            })),
          }),
        ['ALREADY_RECEIVED'],
      );
    },

    async reportIntake(account, report) {
      const externalId = `${report.submissionKey}.intake`;
      const found = await lookBeforeCreating(account, () => findByExternalId(account, 'inbound-transfer', externalId));
      if (found !== undefined) return { inventoryTransferIds: [found] };
      // [inferred] request shape: see INTAKE_PATH.
      const recorded = await call(account, 'POST', INTAKE_PATH, schemas.inventoryTransferOne, {
        ExternalID: externalId,
        OutboundLicense: report.shipper.stateLicenseNumber,
        PaperManifestNumber: report.manifestNumber,
        Driver: report.drivers.map((Name) => ({ Name })),
        Item: report.lines.map((line) => ({
          InventoryID: line.tag,
          Description: line.productName,
          Amount: line.shippedQuantity,
          UOM: uomOf[line.unit],
          Accept: line.accepted,
          ReceivedAmount: line.receivedQuantity,
          ...(line.rejectReason ? { RejectReason: line.rejectReason } : {}),
        })),
      });
      const transfer = [recorded.InventoryTransfer].flat()[0];
      if (!transfer) throw new StateSystemError('transient', 'UNEXPECTED_RESPONSE', 'The intake answer carried no InventoryTransfer');
      return { inventoryTransferIds: [transfer.ID] };
    },

    async reportVoid(account, refs, externalId) {
      const ids = bioTrackRefs(refs);
      await idempotent(
        () => call(account, 'PUT', `/v1/manifest/${manifestIdOf(ids)}/void`, schemas.writeAcknowledged, { ExternalID: `${externalId}.void` }),
        ['ALREADY_VOIDED'],
      );
      if (ids.invoiceId && !(ids.voidedInvoiceIds ?? []).includes(ids.invoiceId)) {
        const invoiceId = ids.invoiceId;
        await idempotent(() => call(account, 'PUT', `/v1/invoice/${invoiceId}/void`, schemas.writeAcknowledged, { ExternalID: `${externalId}.void-invoice` }), [
          'ALREADY_VOIDED',
        ]);
      }
    },

    observe: (account, checkpoint, watched) => observe(account, checkpoint, watched),

    listInbound: (account, checkpoint) => pullInbound(account, checkpoint),

    findByExternalId: (account, kind, externalId) => findByExternalId(account, kind, externalId),

    async checkConsent(account) {
      const stored = await deps.connections.get(account.licenseeId, SYSTEM);
      if (!stored) return { connected: false };
      return {
        connected: Date.parse(stored.consentExpiresAt) > deps.now().getTime() && !stored.refreshFailedAt,
        grantedAt: stored.consentGrantedAt,
        expiresAt: stored.consentExpiresAt,
      };
    },
  };

  /** Every page of a list, following NextCursor to its end. */
  async function everyPage<S extends z.ZodType<{ NextCursor?: number | undefined }>, T>(
    account: StateAccount,
    path: string,
    schema: S,
    items: (page: z.output<S>) => readonly T[],
  ): Promise<T[]> {
    const all: T[] = [];
    for (let cursor = 0; ; ) {
      const page = await call(account, 'GET', query(path, { cursor, limit: PAGE }), schema);
      all.push(...items(page));
      if (!page.NextCursor) return all;
      cursor = page.NextCursor;
    }
  }

  /** The license's inventory transfers of one manifest (one per stop), from its outbound list. */
  async function shipmentsOf(account: StateAccount, manifestId: string): Promise<number[]> {
    const outbound = await everyPage(account, '/v1/inventory/transfer', schemas.inventoryTransferList, (page) => page.InventoryTransfer);
    return outbound.filter((transfer) => transfer.ManifestID === manifestId && !transfer.Deleted).map((transfer) => transfer.ID);
  }

  /**
   * The inbound pull, incremental: `GET /v1/sync` says whether any inventory transfer the license
   * sees changed since the checkpoint; only then is the inbound list read, and only its new or
   * changed transfers (by TransactionID) are looked at. Transfers still on the road are followed by
   * their manifest alone. An item that cannot be read is skipped and tried again next time.
   */
  /**
   * One reconciler run: the inbound pull, then what became of the license's own shipments that the
   * state may still show more of (a receipt, a void), read one by one.
   */
  async function observe(account: StateAccount, checkpoint: string | undefined, watched: readonly WatchedTransfer[]) {
    const inbound = await pullInbound(account, checkpoint);
    const observed: Observed[] = inbound.transfers.map((transfer) => ({ kind: 'inbound', transfer }));
    let { skipped } = inbound;
    for (const { transferId, refs } of watched) {
      const shipment = bioTrackRefs(refs).inventoryTransferIds?.[0];
      if (shipment === undefined) continue;
      try {
        const { InventoryTransfer } = await call(account, 'GET', `/v1/inventory/transfer/${shipment}`, schemas.inventoryTransferOne);
        const transfer = [InventoryTransfer].flat()[0];
        const seen = transfer && shipmentObservation(transfer);
        if (seen) observed.push({ kind: 'watched', transferId, refs: { receiptSeen: true }, observation: seen });
      } catch (error) {
        if (!(error instanceof StateSystemError) || error.kind === 'consent-expired') throw error;
        skipped += 1;
      }
    }
    return { observed, checkpoint: inbound.checkpoint, skipped };
  }

  async function pullInbound(account: StateAccount, checkpoint: string | undefined) {
    const since = decodeCheckpoint(checkpoint);
    const { Sync } = await call(account, 'GET', '/v1/sync', schemas.syncAnswer);
    const listNow = since.transactionId === undefined || Sync.InventoryTransfer > since.transactionId || since.retry.length > 0;
    const listed = listNow
      ? await everyPage(account, '/v1/inventory/transfer/inbound', schemas.inventoryTransferList, (page) => page.InventoryTransfer)
      : [];
    const changed = listed.filter(
      (transfer) => since.transactionId === undefined || (transfer.TransactionID ?? Number.POSITIVE_INFINITY) > since.transactionId || since.retry.includes(transfer.ID),
    );
    const vendors = changed.length > 0 ? await vendorsByLicense(account) : new Map<string, schemas.VendorBody>();
    const transfers: BioTrackInbound[] = [];
    const onTheRoad = new Map<number, string>();
    const retry: number[] = [];
    let skipped = 0;

    const observe = async (transfer: schemas.InventoryTransferBody) => {
      if (!transfer.ManifestID || !transfer.OutboundLicense) return;
      const { Manifest } = await call(account, 'GET', `/v1/manifest/${transfer.ManifestID}`, schemas.manifestOne);
      if (Manifest.Deleted || transfer.Deleted || transfer.Received) return;
      const inbound = inboundOf(transfer, Manifest, vendors.get(transfer.OutboundLicense));
      transfers.push(inbound);
      if (!inbound.arrived) onTheRoad.set(transfer.ID, transfer.ManifestID);
    };
    const skip = (error: unknown) => {
      // Access problems concern every item: the pull stops and says why.
      if (!(error instanceof StateSystemError) || error.kind === 'consent-expired') throw error;
      skipped += 1;
    };

    for (const transfer of changed) {
      if (transfer.Received || transfer.Deleted) continue;
      try {
        await observe(transfer);
      } catch (error) {
        skip(error);
        retry.push(transfer.ID);
      }
    }
    const seen = new Set(changed.map((transfer) => transfer.ID));
    for (const [id, manifestId] of since.onTheRoad) {
      if (seen.has(id)) continue;
      try {
        const { Manifest } = await call(account, 'GET', `/v1/manifest/${manifestId}`, schemas.manifestOne);
        if (Manifest.Deleted || Manifest.Received) continue;
        if (!arrivedAt(Manifest, 1)) {
          onTheRoad.set(id, manifestId);
          continue;
        }
        const { InventoryTransfer } = await call(account, 'GET', `/v1/inventory/transfer/inbound/${id}`, schemas.inventoryTransferOne);
        const transfer = [InventoryTransfer].flat()[0];
        if (transfer) transfers.push(inboundOf(transfer, Manifest, undefined));
      } catch (error) {
        skip(error);
        onTheRoad.set(id, manifestId);
      }
    }
    return {
      transfers,
      checkpoint: encodeCheckpoint({ transactionId: listNow ? Sync.InventoryTransfer : since.transactionId, onTheRoad: [...onTheRoad], retry }),
      skipped,
    };
  }

  async function vendorsByLicense(account: StateAccount): Promise<Map<string, schemas.VendorBody>> {
    const vendors = await everyPage(account, '/v1/vendor', schemas.vendorList, (page) => page.Vendor);
    return new Map(vendors.map((vendor) => [vendor.LocationLicense, vendor]));
  }
}

type ManifestBody = z.output<typeof schemas.manifestOne>['Manifest'];

const arrivedAt = (manifest: ManifestBody, stopNumber: number) => manifest.Stop?.find((s) => s.StopNumber === stopNumber)?.DriverArrived ?? false;

/** A shipment's end as the state shows it: received (package by package) or voided; nothing while it is open. */
function shipmentObservation(transfer: schemas.InventoryTransferBody): StateObservation | undefined {
  if (transfer.Deleted) return { kind: 'voided' };
  if (!transfer.Received) return undefined;
  return {
    kind: 'received',
    ...(transfer.ReceivedTime ? { at: transfer.ReceivedTime } : {}),
    packages: transfer.Item.map((item) => ({
      tag: item.InventoryID,
      accepted: !item.IsRejected && (item.ReceivedAmount ?? 0) > 0,
      receivedQuantity: item.ReceivedAmount ?? 0,
      ...(item.Inventory?.UOM ? { unit: unitOf(item.Inventory.UOM) } : {}),
    })),
  };
}

function inboundOf(transfer: schemas.InventoryTransferBody, manifest: ManifestBody, vendor: schemas.VendorBody | undefined): BioTrackInbound {
  const stop = manifest.Stop?.find((s) => s.StopNumber === (transfer.ManifestStopNumber ?? 1));
  const shipper = transfer.OutboundLicense ?? '';
  return {
    stateKey: inventoryTransferKey(transfer.ID),
    refs: { manifestId: manifest.ManifestID, inventoryTransferIds: [transfer.ID] },
    manifestNumber: manifest.ManifestID,
    shipper: {
      stateLicenseNumber: shipper,
      name: vendor?.Name ?? shipper,
      ...(vendor?.Address ? { address: vendor.Address } : {}),
      ...(vendor?.City ? { city: vendor.City } : {}),
      ...(vendor?.Zip ? { zip: vendor.Zip } : {}),
      ...(vendor?.Phone ? { phone: vendor.Phone } : {}),
    },
    arrived: stop?.DriverArrived ?? false,
    received: transfer.Received ?? false,
    ...(stop?.ApproximateDeparture ? { estimatedDeparture: stop.ApproximateDeparture } : {}),
    ...(stop?.ApproximateArrival ? { estimatedArrival: stop.ApproximateArrival } : {}),
    drivers: (manifest.Driver ?? []).flatMap((d) => (d.Name ? [d.Name] : [])),
    ...(manifest.Vehicle?.Description ? { vehicle: manifest.Vehicle.Description } : {}),
    lines: transfer.Item.map((item) => ({
      tag: item.InventoryID,
      productName: item.Inventory?.ProductName ?? item.Description ?? item.InventoryID,
      quantity: item.Amount,
      unit: item.Inventory?.UOM ?? 'each',
    })),
  };
}

function employeeBody(driver: ReportedDriver, externalId: string) {
  return { Name: driver.name, DriverLicense: driver.driversLicenseNumber, StateIssue: driver.driversLicenseState, ExternalID: externalId };
}

function vehicleBody(vehicle: ReportedVehicle, externalId: string) {
  return {
    Name: vehicle.description,
    Make: vehicle.make,
    Model: vehicle.model,
    // Year is a string in the recorded shapes.
    Year: String(vehicle.year),
    Color: vehicle.color,
    Plate: vehicle.plate ?? '',
    Vin: vehicle.vin ?? '',
    ExternalID: externalId,
  };
}
