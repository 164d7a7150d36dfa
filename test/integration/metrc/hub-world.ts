/**
 * A New York distributor on Metrc, shipping to a dispensary, through the test run's local hub and
 * its Metrc emulator: the tenant (its profile in DynamoDB Local, an API key), its facility, user
 * key and packages seeded in the emulator through its control routes, the user key sealed in the
 * connection store as the hub keeps it, and the registry entries a complete draft names (made over
 * HTTP). Each world has license numbers and tags of its own, so worlds never meet in the shared
 * emulator.
 */
import { randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { inject } from 'vitest';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { metrcSystem } from '#shared/state-system/capabilities.ts';
import type { bioTrackSystem } from '#shared/state-system/capabilities.ts';
import { createConnectionStore, DEFAULT_STATE_USER } from '#shared/state-system/connections.ts';
import { PersonStepRequired } from '#shared/state-system/port.ts';
import { stateSystemsFrom, tokenCipherFrom } from '#shared/state-system/wiring.ts';
import { createApiKeyRepository, createLicenseeRepository } from '#shared/tenants/repository.ts';
import { createApiKey, registerLicensee } from '#shared/tenants/use-cases.ts';
import { request } from '../../support/hub-api.ts';
import type { Answer } from '../../support/hub-api.ts';

const config = readConfig();
const aws = createAwsClients(config);
const tenants = { licensees: createLicenseeRepository(aws.dynamodb, hubTable.name), apiKeys: createApiKeyRepository(aws.dynamodb, hubTable.name), now: () => new Date(), newId: monotonicFactory() };
const connections = createConnectionStore(aws.dynamodb, hubTable.name, tokenCipherFrom(config));

export interface SeededPackage {
  readonly n: number;
  readonly quantity?: number;
  readonly unitOfMeasure?: string;
  readonly itemName?: string;
  readonly itemCategory?: string;
  readonly isFinishedGood?: boolean;
  readonly labTestingState?: string;
  readonly retailIdCount?: number;
  readonly isOnHold?: boolean;
  readonly isOnRecall?: boolean;
}

export interface MetrcHubWorld {
  readonly apiKey: string;
  readonly shipperLicense: string;
  /** The 24-character tag of the world's package `n`. */
  tag(n: number): string;
  /** A person's change to a package in Metrc's web app. */
  changePackage(n: number, change: Record<string, unknown>): Promise<void>;
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** A complete draft to the dispensary of these packages (as drafted: finished goods, passed). */
  draft(lines: readonly { readonly n: number; readonly quantity?: number; readonly unit?: string }[]): Promise<string>;
  manifest(id: string): Promise<Answer>;
  /** The licensee's other software put these packages on a transfer at Metrc, and a person registered it: they are in transit. */
  putInTransit(ns: readonly number[]): Promise<void>;
  /** Metrc API calls for this facility's active packages so far. */
  activeListCalls(): Promise<number>;
}

export const metrcUrl = () => inject('hub').urls.metrc;

/** An API key of a new distributor on BioTrack, or on no state system. */
export async function keyOfTenantOn(system: typeof bioTrackSystem | 'none'): Promise<string> {
  const n = randomInt(100_000, 999_999);
  const { licensee } = await registerLicensee(tenants, {
    licenseNumber: `OCM-DIST-26-${n}`,
    legalName: `Elsewhere Distribution ${n} LLC`,
    premisesAddress: { street: '1 Test Way', city: 'Albany', state: 'NY', zip: '12205' },
    phone: '(518) 555-0100',
    stateSystem: system === 'none' ? { adapter: 'none' } : { adapter: system, stateLicenseNumber: `LocLic${n}`, ubi: `60${n}1` },
  });
  return (await createApiKey(tenants, licensee.id, 'picker test')).apiKey;
}

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${metrcUrl()}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /_emulator${path}: HTTP ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A fresh distributor on Metrc with `packages` at its facility (by default finished, TestPassed, a Retail Item ID per unit, 20 each). */
export async function metrcHubWorld(packages: readonly SeededPackage[]): Promise<MetrcHubWorld> {
  const n = randomInt(100_000, 999_999);
  const shipperLicense = `OCM-DIST-26-${n}`;
  const receiverLicense = `OCM-RETL-26-${n}`;
  const prefix = `1A4${String(n).padStart(6, '0')}`;
  const tag = (i: number) => `${prefix}${String(i).padStart(15, '0')}`;
  const userKey = `user-key-${n}`;
  await control('POST', '/seed', {
    facilities: [
      { licenseNumber: shipperLicense, name: `Hudson Valley Distribution ${n} LLC`, role: 'distributor' },
      { licenseNumber: receiverLicense, name: `Empire Cannabis Dispensary ${n}`, role: 'dispensary' },
    ],
    userKeys: [{ key: userKey, facilities: [{ licenseNumber: shipperLicense, permissions: 'all' }] }],
    packages: packages.map((pkg) => ({
      label: tag(pkg.n),
      licenseNumber: shipperLicense,
      quantity: pkg.quantity ?? 20,
      unitOfMeasure: pkg.unitOfMeasure ?? 'Each',
      itemName: pkg.itemName ?? `Pre-roll pack ${pkg.n}`,
      itemCategory: pkg.itemCategory ?? 'Pre-Roll',
      isFinishedGood: pkg.isFinishedGood ?? true,
      labTestingState: pkg.labTestingState ?? 'TestPassed',
      retailIdCount: pkg.retailIdCount ?? pkg.quantity ?? 20,
      isOnHold: pkg.isOnHold ?? false,
      isOnRecall: pkg.isOnRecall ?? false,
    })),
  });

  const { licensee } = await registerLicensee(tenants, {
    licenseNumber: shipperLicense,
    legalName: `Hudson Valley Distribution ${n} LLC`,
    premisesAddress: { street: '12 River Rd', city: 'Kingston', state: 'NY', zip: '12401' },
    phone: '(845) 555-0100',
    // Metrc knows the facility by the same number here; a tenant may have another.
    stateSystem: { adapter: metrcSystem, stateLicenseNumber: shipperLicense },
  });
  const { apiKey } = await createApiKey(tenants, licensee.id, 'Metrc pre-flight test');
  await connections.putStateUser(licensee.id, metrcSystem, DEFAULT_STATE_USER, { username: 'dana', password: userKey }, new Date().toISOString());

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => request(method, path, { apiKey, body, headers });
  const created = async (path: string, body: unknown) => {
    const answer = await call('POST', path, body);
    if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body['id'] as string;
  };
  const receiverPartnerId = await created('/v1/partners', {
    legalName: `Empire Cannabis Dispensary ${n}`,
    licenseNumber: receiverLicense,
    premisesAddress: { street: '88 Broadway', city: 'Albany', state: 'NY', zip: '12207' },
    phone: '(518) 555-0133',
    integrated: true,
  });
  const driverId = await created('/v1/drivers', { name: 'Zoë Peña', employeeId: 'E-104', driversLicenseNumber: '512884301', driversLicenseState: 'NY', phone: '(518) 555-0142' });
  const vehicleId = await created('/v1/vehicles', {
    conveyance: 'van',
    make: 'Ford',
    model: 'Transit',
    year: 2024,
    color: 'White',
    plate: 'KXT4410',
    plateState: 'NY',
    attestations: { gpsFitted: true, lockedBox: true, temperatureControl: false },
  });

  return {
    apiKey,
    shipperLicense,
    tag,
    async changePackage(i, change) {
      await control('PUT', '/packages', { label: tag(i), ...change });
    },
    control,
    call,
    async draft(lines) {
      return created('/v1/transfers', {
        type: 'wholesale',
        receiverPartnerId,
        invoiceNumbers: [`INV-${n}`],
        taxPayer: { taxPaid: true },
        driverIds: [driverId],
        vehicleId,
        estimatedDeparture: new Date(Date.now() + 3_600_000).toISOString(),
        estimatedArrival: new Date(Date.now() + 7_200_000).toISOString(),
        plannedRoute: 'NY-9W south to Kingston, then I-87',
        lines: lines.map((line) => ({
          tag: tag(line.n),
          productName: `Pre-roll pack ${line.n}`,
          category: 'pre-roll',
          productionBatch: 'B-2026-001',
          quantity: line.quantity ?? 20,
          unit: line.unit ?? 'each',
          unitPrice: 4.5,
          labTestStatus: 'passed',
          finishedGoods: true,
          sample: false,
        })),
      });
    },
    manifest: (id) => call('POST', `/v1/transfers/${id}/manifest`),
    async putInTransit(ns) {
      const metrc = (await stateSystemsFrom(config, aws, hubTable.name)).adapters[metrcSystem];
      if (!metrc) throw new Error('The test hub has no Metrc adapter');
      let templateId: unknown;
      const account = { licenseeId: licensee.id, system: metrcSystem, stateLicenseNumber: shipperLicense, identity: {} };
      const report = {
        submissionKey: `other-software-${n}-${ns.join('-')}`,
        kind: 'transfer' as const,
        manifestNumber: `OTHER-${n}`,
        receiver: { stateLicenseNumber: receiverLicense, name: `Empire Cannabis Dispensary ${n}` },
        drivers: [{ hubId: 'd', name: 'Sam Lee', driversLicenseNumber: '512884302', driversLicenseState: 'NY' }],
        vehicle: { hubId: 'v', description: 'White Ford Transit', make: 'Ford', model: 'Transit', year: 2024, color: 'White', plate: 'KXT4411' },
        estimatedDeparture: new Date(Date.now() + 3_600_000).toISOString(),
        estimatedArrival: new Date(Date.now() + 7_200_000).toISOString(),
        route: 'I-87 north',
        lines: ns.map((i) => ({ tag: tag(i), quantity: 20, unit: 'each' as const, unitPrice: 4.5 })),
      };
      await metrc.reportManifest(account, report, {}, async (refs) => {
        templateId = refs['templateId'];
      }).catch((error: unknown) => {
        if (!(error instanceof PersonStepRequired)) throw error;
      });
      await control('POST', '/ui/register', { templateId });
    },
    async activeListCalls() {
      const { calls } = (await control('GET', '/calls')) as { calls: { path: string; query: string }[] };
      return calls.filter((c) => c.path === '/packages/v2/active' && new URLSearchParams(c.query).get('licenseNumber') === shipperLicense).length;
    },
  };
}

export interface ReceiverTenant {
  readonly id: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

/** A license connected as an admin connects it (listed for the reconciler), under the user key Metrc knows. */
export async function connectLicense(licenseeId: string, userKey: string): Promise<void> {
  await connections.putUserKey(licenseeId, metrcSystem, userKey, new Date().toISOString());
}

/** The world's shipper connected as its admin connects it: the reconciler polls its facility. */
export async function connectShipper(w: MetrcHubWorld): Promise<string> {
  const me = await w.call('GET', '/v1/me');
  const shipperId = (me.body['licensee'] as { id?: string } | undefined)?.id ?? (me.body['id'] as string);
  const stored = await connections.stateUser(shipperId, metrcSystem, DEFAULT_STATE_USER);
  if (!stored) throw new Error('the world stores a user key');
  await connectLicense(shipperId, stored.password);
  return shipperId;
}

/** The world's dispensary as a tenant on Metrc too, with its own API key and user key. */
export async function receiverTenant(w: MetrcHubWorld): Promise<ReceiverTenant> {
  const license = w.shipperLicense.replace('OCM-DIST', 'OCM-RETL');
  const userKey = `receiver-key-${String(randomInt(100_000, 999_999))}`;
  await w.control('POST', '/seed', { userKeys: [{ key: userKey, facilities: [{ licenseNumber: license, permissions: 'all' }] }] });
  const { licensee } = await registerLicensee(tenants, {
    licenseNumber: license,
    legalName: `Empire Cannabis Dispensary ${license.slice(-6)}`,
    premisesAddress: { street: '88 Broadway', city: 'Albany', state: 'NY', zip: '12207' },
    phone: '(518) 555-0133',
    stateSystem: { adapter: metrcSystem, stateLicenseNumber: license },
  });
  await connectLicense(licensee.id, userKey);
  const { apiKey } = await createApiKey(tenants, licensee.id, 'Metrc receiver test');
  return { id: licensee.id, call: (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => request(method, path, { apiKey, body, headers }) };
}
