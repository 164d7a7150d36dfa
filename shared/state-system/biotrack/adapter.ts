/**
 * The BioTrack NY-API adapter: the hub's reports in the state system's words. A create retried
 * (`account.retry`) first looks its object up by ExternalID, so a retry after a lost answer finds what the first try made
 * instead of making a second one; the emulator (and, by our reading, the real API) also replays a
 * repeated ExternalID. Tokens are refreshed a minute before they expire; the acting user's
 * session is opened on demand and kept per process.
 */
import type { z } from 'zod';
import type { Unit } from '../../domain/transfer/index.ts';
import { DEFAULT_STATE_USER } from '../connections.ts';
import type { ConnectionStore, StateConnection } from '../connections.ts';
import { StateSystemError } from '../port.ts';
import type {
  InboundTransfer,
  ManifestReport,
  ReportedDriver,
  ReportedVehicle,
  StateAccount,
  StateIds,
  StateObjectKind,
  StateTrackingSystem,
} from '../port.ts';
import { exchange, interpret, requestTokens } from './client.ts';
import type { NyApiSettings } from './client.ts';
import * as schemas from './schemas.ts';

export interface BioTrackDeps {
  readonly settings: NyApiSettings;
  readonly connections: ConnectionStore;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
}

const SYSTEM = 'biotrack-ny';
const REFRESH_MARGIN_MS = 60_000;
const PAGE = 500;
/** How long a process trusts the connection it read: a renewed consent is seen within this. */
const CONNECTION_CACHE_MS = 30_000;

/**
 * [inferred] Where a receiver records a transfer that arrived with a paper manifest. ny-api.md names
 * no such route: this is our reading, in the style of the documented inbound list and receive
 * routes (a POST to the receiver's inbound collection, items as the receive call sends them). The
 * emulator implements the same; confirm both against the sandbox before go-live.
 */
export const INTAKE_PATH = '/v1/inventory/transfer/inbound';

/** The hub's units in the state system's words (`GET /v1/uom`). */
const uomOf: Readonly<Record<Unit, string>> = { each: 'each', g: 'gram', kg: 'kilogram', oz: 'ounce', lb: 'pound', mL: 'milliliter', L: 'liter' };

/** Access problems the adapter repairs itself once: a stale token or session. */
const renewable = new Set(['AUTH_EXPIRED', 'USER_SESSION_REQUIRED']);

export function createBioTrackAdapter(deps: BioTrackDeps): StateTrackingSystem {
  const { settings } = deps;
  /** Per process, as a Lambda instance keeps them: sessions by licence and acting key, live connections briefly. */
  const sessions = new Map<string, string>();
  const connections = new Map<string, { readonly connection: StateConnection; readonly until: number }>();
  const stateIdsOf = new Map<string, string>();

  async function stored(account: StateAccount): Promise<StateConnection | undefined> {
    const cached = connections.get(account.licenseeId);
    if (cached && cached.until > Date.now()) return cached.connection;
    const loaded = await deps.connections.get(account.licenseeId, SYSTEM);
    if (loaded && Date.parse(loaded.consentExpiresAt) > deps.now().getTime()) {
      connections.set(account.licenseeId, { connection: loaded, until: Date.now() + CONNECTION_CACHE_MS });
    }
    return loaded;
  }

  async function connection(account: StateAccount, forceRefresh = false): Promise<StateConnection> {
    const found = await stored(account);
    if (!found) throw new StateSystemError('consent-expired', 'NOT_CONNECTED', 'The licence admin has not approved the hub in the state system yet');
    const now = deps.now();
    if (Date.parse(found.consentExpiresAt) <= now.getTime()) {
      connections.delete(account.licenseeId);
      throw new StateSystemError('consent-expired', 'CONSENT_EXPIRED', `Consent expired on ${found.consentExpiresAt}: the licence admin must approve the hub again`);
    }
    if (!forceRefresh && Date.parse(found.accessExpiresAt) - REFRESH_MARGIN_MS > now.getTime()) return found;
    return refresh(account, found, now);
  }

  async function refresh(account: StateAccount, current: StateConnection, now: Date): Promise<StateConnection> {
    // Another instance may have refreshed (and rotated the refresh token) meanwhile: start from the table.
    const stored = (await deps.connections.get(account.licenseeId, SYSTEM)) ?? current;
    if (!stored.refreshToken) throw new StateSystemError('consent-expired', 'CONSENT_EXPIRED', 'No refresh token: the licence admin must approve the hub again');
    let tokens: Awaited<ReturnType<typeof requestTokens>>;
    try {
      tokens = await requestTokens(settings, deps.fetch, { grant_type: 'refresh_token', refresh_token: stored.refreshToken });
    } catch (error) {
      // Refresh tokens rotate: if another instance just used this one, its new tokens are in the table.
      const latest = await deps.connections.get(account.licenseeId, SYSTEM);
      if (latest && latest.refreshToken !== stored.refreshToken && Date.parse(latest.accessExpiresAt) > now.getTime()) return latest;
      throw error;
    }
    const refreshed: StateConnection = {
      ...stored,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? stored.refreshToken,
      accessExpiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000).toISOString(),
      ...(tokens.consentExpiresAt ? { consentExpiresAt: tokens.consentExpiresAt } : {}),
      updatedAt: now.toISOString(),
    };
    await deps.connections.put(refreshed);
    connections.set(account.licenseeId, { connection: refreshed, until: Date.now() + CONNECTION_CACHE_MS });
    return refreshed;
  }

  /** The state user that acts: the API key's linked user, else the licence's default integration user. */
  async function actingUser(account: StateAccount) {
    const linked = account.actingApiKeyId ? await deps.connections.stateUser(account.licenseeId, SYSTEM, account.actingApiKeyId) : undefined;
    const user = linked ?? (await deps.connections.stateUser(account.licenseeId, SYSTEM, DEFAULT_STATE_USER));
    if (!user) throw new StateSystemError('permanent', 'USER_SESSION_REQUIRED', 'No state-system user is linked to this licence: link a default integration user');
    return user;
  }

  async function session(account: StateAccount, token: string, renew: boolean): Promise<string> {
    const key = `${account.licenseeId}/${account.actingApiKeyId ?? DEFAULT_STATE_USER}`;
    const cached = sessions.get(key);
    if (cached && !renew) return cached;
    const user = await actingUser(account);
    const answer = await exchange(settings, deps.fetch, '/v1/user/login', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-ubi': account.ubi ?? '',
        'x-license': account.stateLicenceNumber,
      },
      body: JSON.stringify({ Username: user.username, Password: user.password }),
    });
    const { Session } = interpret(answer, schemas.loginResponse);
    sessions.set(key, Session);
    return Session;
  }

  async function call<T extends z.ZodType>(account: StateAccount, method: string, path: string, schema: T, body?: unknown): Promise<z.output<T>> {
    for (let renew = false; ; renew = true) {
      const { accessToken } = await connection(account, renew);
      const write = method !== 'GET';
      const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
      if (write) {
        headers['content-type'] = 'application/json';
        headers['x-session-token'] = await session(account, accessToken, renew);
      }
      const answer = await exchange(settings, deps.fetch, path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      try {
        return interpret(answer, schema);
      } catch (error) {
        if (!renew && error instanceof StateSystemError && renewable.has(error.code)) continue;
        if (error instanceof StateSystemError && error.kind === 'consent-expired') connections.delete(account.licenseeId);
        throw error;
      }
    }
  }

  const query = (path: string, params: Record<string, string | number>) =>
    `${path}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;

  async function findByExternalId(account: StateAccount, kind: StateObjectKind | 'employee' | 'vehicle', externalId: string): Promise<string | undefined> {
    const q = { ExternalID: externalId };
    switch (kind) {
      case 'employee':
        return (await call(account, 'GET', query('/v1/employee', q), schemas.employeeList)).Employee[0]?.ID;
      case 'vehicle':
        return (await call(account, 'GET', query('/v1/vehicle', q), schemas.vehicleList)).Vehicle[0]?.ID;
      case 'invoice':
        return (await call(account, 'GET', query('/v1/invoice', q), schemas.invoiceList)).Invoice[0]?.InvoiceID;
      case 'manifest':
        return (await call(account, 'GET', query('/v1/manifest', q), schemas.manifestList)).Manifest[0]?.ManifestID;
      case 'inventory-transfer':
        return (await call(account, 'GET', query('/v1/inventory/transfer', q), schemas.inventoryTransferList)).InventoryTransfer[0]?.ID;
      case 'inbound-transfer':
        // [inferred] that the inbound list narrows by ExternalID as the other lists do.
        return (await call(account, 'GET', query('/v1/inventory/transfer/inbound', q), schemas.inventoryTransferList)).InventoryTransfer[0]?.ID;
    }
  }

  /** The state's copy of a hub driver or vehicle: found by the hub id, created when missing. */
  async function ensure(account: StateAccount, kind: 'employee' | 'vehicle', record: ReportedDriver | ReportedVehicle): Promise<string> {
    const externalId = `${kind}-${record.hubId}`;
    const memo = `${account.stateLicenceNumber}/${externalId}`;
    const known = stateIdsOf.get(memo) ?? (await findByExternalId(account, kind, externalId));
    if (known) {
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

  async function manifestBody(account: StateAccount, report: ManifestReport, invoiceId: string) {
    const drivers = [];
    for (const driver of report.drivers) drivers.push({ ID: await ensure(account, 'employee', driver) });
    const vehicle = await ensure(account, 'vehicle', report.vehicle);
    return {
      body: {
        LocationLicense: account.stateLicenceNumber,
        Type: report.kind === 'return' ? 'Return' : report.transporter ? 'ThirdParty' : 'Transfer',
        ExternalID: `${report.externalId}.manifest`,
        Driver: drivers,
        Vehicle: { ID: vehicle },
        ...(report.transporter ? { ThirdPartyTransporter: { LicenseNumber: report.transporter.stateLicenceNumber, Name: report.transporter.name } } : {}),
        Stop: [
          {
            StopNumber: 1,
            LocationLicense: report.receiver.stateLicenceNumber,
            InvoiceID: invoiceId,
            ApproximateDeparture: new Date(report.estimatedDeparture).toISOString(),
            ApproximateArrival: new Date(report.estimatedArrival).toISOString(),
            ApproximateRoute: report.route,
            Item: report.lines.map((line) => ({ InventoryID: line.tag, Quantity: line.quantity })),
          },
        ],
      },
      ids: { driverIds: drivers.map((d) => d.ID), vehicleId: vehicle },
    };
  }

  async function create<T extends z.ZodType>(
    account: StateAccount,
    kind: StateObjectKind,
    externalId: string,
    path: string,
    schema: T,
    body: unknown,
  ): Promise<{ found: string } | { created: z.output<T> }> {
    const found = account.retry ? await findByExternalId(account, kind, externalId) : undefined;
    if (found) return { found };
    return { created: await call(account, 'POST', path, schema, body) };
  }

  const manifestIdOf = (ids: StateIds) => {
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

  return {
    async reportManifest(account, report) {
      const invoiceExternalId = `${report.externalId}.invoice`;
      const invoice = await create(account, 'invoice', invoiceExternalId, '/v1/invoice', schemas.invoiceCreated, {
        LocationLicense: account.stateLicenceNumber,
        BuyerLocationLicense: report.receiver.stateLicenceNumber,
        ExternalID: invoiceExternalId,
        Inventory: report.lines.map((line) => ({ InventoryID: line.tag, Amount: line.quantity, Price: line.unitPrice })),
      });
      const invoiceId = 'found' in invoice ? invoice.found : [invoice.created.Invoice].flat()[0]?.InvoiceID;
      if (!invoiceId) throw new StateSystemError('transient', 'UNEXPECTED_RESPONSE', 'The invoice answer carried no InvoiceID');
      const { body, ids } = await manifestBody(account, report, invoiceId);
      const manifest = await create(account, 'manifest', body.ExternalID, '/v1/manifest', schemas.manifestOne, body);
      const manifestId = 'found' in manifest ? manifest.found : manifest.created.Manifest.ManifestID;
      return { invoiceId, manifestId, ...ids };
    },

    async amendManifest(account, ids, report) {
      const manifestId = manifestIdOf(ids);
      const { body, ids: crew } = await manifestBody(account, report, ids.invoiceId ?? '');
      await call(account, 'PUT', `/v1/manifest/${manifestId}`, schemas.manifestOne, { ...body, ExternalID: `${report.externalId}.manifest` });
      return crew;
    },

    async reportShipment(account, ids, externalId) {
      const shipmentExternalId = `${externalId}.ship`;
      const found = account.retry ? await findByExternalId(account, 'inventory-transfer', shipmentExternalId) : undefined;
      if (found) return { inventoryTransferIds: [found] };
      const shipped = await call(account, 'POST', '/v1/inventory/transfer', schemas.shipmentCreated, { ManifestID: manifestIdOf(ids), ExternalID: shipmentExternalId });
      return { inventoryTransferIds: shipped.InventoryTransfer.map((t) => t.ID) };
    },

    async reportArrival(account, ids, externalId) {
      await idempotent(
        () => call(account, 'PUT', `/v1/manifest/${manifestIdOf(ids)}/stop/1/arrive`, schemas.writeAcknowledged, { ExternalID: `${externalId}.arrive` }),
        ['ALREADY_ARRIVED'],
      );
    },

    async reportReceipt(account, report) {
      await idempotent(
        () =>
          call(account, 'PUT', `/v1/inventory/transfer/${report.inventoryTransferId}/receive`, schemas.writeAcknowledged, {
            ExternalID: `${report.externalId}.receive`,
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
      const externalId = `${report.externalId}.intake`;
      const found = account.retry ? await findByExternalId(account, 'inbound-transfer', externalId) : undefined;
      if (found) return { inventoryTransferIds: [found] };
      // [inferred] request shape: see INTAKE_PATH.
      const recorded = await call(account, 'POST', INTAKE_PATH, schemas.inventoryTransferOne, {
        ExternalID: externalId,
        OutboundLicense: report.shipper.stateLicenceNumber,
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

    async reportVoid(account, ids, externalId) {
      await idempotent(
        () => call(account, 'PUT', `/v1/manifest/${manifestIdOf(ids)}/void`, schemas.writeAcknowledged, { ExternalID: `${externalId}.void` }),
        ['ALREADY_VOIDED'],
      );
      if (ids.invoiceId) {
        const invoiceId = ids.invoiceId;
        await idempotent(() => call(account, 'PUT', `/v1/invoice/${invoiceId}/void`, schemas.writeAcknowledged, { ExternalID: `${externalId}.void-invoice` }), [
          'ALREADY_VOIDED',
        ]);
      }
    },

    async listInbound(account) {
      const transfers: schemas.InventoryTransferBody[] = [];
      for (let cursor = 0; ; ) {
        const page = await call(account, 'GET', query('/v1/inventory/transfer/inbound', { received: 'false', cursor, limit: PAGE }), schemas.inventoryTransferList);
        transfers.push(...page.InventoryTransfer);
        if (!page.NextCursor) break;
        cursor = page.NextCursor;
      }
      const vendors = new Map<string, schemas.VendorBody>();
      if (transfers.length > 0) {
        for (let cursor = 0; ; ) {
          const page = await call(account, 'GET', query('/v1/vendor', { cursor, limit: PAGE }), schemas.vendorList);
          for (const vendor of page.Vendor) vendors.set(vendor.LocationLicense, vendor);
          if (!page.NextCursor) break;
          cursor = page.NextCursor;
        }
      }
      const inbound: InboundTransfer[] = [];
      for (const transfer of transfers) {
        if (!transfer.ManifestID || !transfer.OutboundLicense) continue;
        const { Manifest } = await call(account, 'GET', `/v1/manifest/${transfer.ManifestID}`, schemas.manifestOne);
        const stop = Manifest.Stop?.find((s) => s.StopNumber === (transfer.ManifestStopNumber ?? 1));
        const vendor = vendors.get(transfer.OutboundLicense);
        inbound.push({
          inventoryTransferId: transfer.ID,
          manifestId: transfer.ManifestID,
          shipper: {
            stateLicenceNumber: transfer.OutboundLicense,
            name: vendor?.Name ?? transfer.OutboundLicense,
            ...(vendor?.Address ? { address: vendor.Address } : {}),
            ...(vendor?.City ? { city: vendor.City } : {}),
            ...(vendor?.Zip ? { zip: vendor.Zip } : {}),
            ...(vendor?.Phone ? { phone: vendor.Phone } : {}),
          },
          arrived: stop?.DriverArrived ?? false,
          received: transfer.Received ?? false,
          ...(stop?.ApproximateDeparture ? { estimatedDeparture: stop.ApproximateDeparture } : {}),
          ...(stop?.ApproximateArrival ? { estimatedArrival: stop.ApproximateArrival } : {}),
          drivers: (Manifest.Driver ?? []).flatMap((d) => (d.Name ? [d.Name] : [])),
          ...(Manifest.Vehicle?.Description ? { vehicle: Manifest.Vehicle.Description } : {}),
          lines: transfer.Item.map((item) => ({
            tag: item.InventoryID,
            productName: item.Inventory?.ProductName ?? item.Description ?? item.InventoryID,
            quantity: item.Amount,
            unit: item.Inventory?.UOM ?? 'each',
          })),
        });
      }
      return inbound;
    },

    findByExternalId: (account, kind, externalId) => findByExternalId(account, kind, externalId),

    async checkConsent(account) {
      const stored = await deps.connections.get(account.licenseeId, SYSTEM);
      if (!stored) return { connected: false };
      return {
        connected: Date.parse(stored.consentExpiresAt) > deps.now().getTime(),
        grantedAt: stored.consentGrantedAt,
        expiresAt: stored.consentExpiresAt,
      };
    },
  };
}

function employeeBody(driver: ReportedDriver, externalId: string) {
  return { Name: driver.name, DriverLicense: driver.driversLicenceNumber, StateIssue: driver.driversLicenceState, ExternalID: externalId };
}

function vehicleBody(vehicle: ReportedVehicle, externalId: string) {
  return {
    Name: vehicle.description,
    Make: vehicle.make,
    Model: vehicle.model,
    Year: String(vehicle.year),
    Color: vehicle.colour,
    Plate: vehicle.plate ?? '',
    Vin: vehicle.vin ?? '',
    ExternalID: externalId,
  };
}
