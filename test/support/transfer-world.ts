/**
 * A small world for transfer tests: licensees with profiles, their registries filled through the
 * real registry use-cases, and the transfers handler wired to the local hub's DynamoDB.
 */
import { randomInt } from 'node:crypto';
import { ulid } from 'ulid';
import { createHandler } from '#functions/transfers/handler.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { defaultTransferRules } from '#shared/domain/transfer/index.ts';
import type { CreateTransferBody, TransferRules } from '#shared/domain/transfer/index.ts';
import type { Caller } from '#shared/http/caller.ts';
import { addEntry, replaceEntry } from '#shared/registries/use-cases.ts';
import type { ManifestFiles } from '#shared/manifests/files.ts';
import type { LicenseeDirectory, LicenseeProfile } from '#shared/transfers/use-cases.ts';
import { transferDeps } from '#shared/wiring/transfers.ts';
import { call, httpEvent } from './http-events.ts';
import type { Reply } from './http-events.ts';

const config = readConfig();
/** The transfers function's own wiring on the local hub; each world swaps in its licensees and rules. */
const wired = transferDeps(config, createAwsClients(config));
const registryDeps = { registries: wired.registries, now: () => new Date() };

export interface Licensee {
  readonly caller: Caller;
  readonly profile: LicenseeProfile;
}

let licenseSequence = randomInt(100_000, 900_000);

export function licensee(type: string, legalName: string, overrides: Partial<LicenseeProfile> = {}): Licensee {
  const id = `test-${ulid()}`;
  licenseSequence += 1;
  return {
    caller: { licenseeId: id, apiKeyId: `key-${id}` },
    profile: {
      id,
      licenseNumber: `OCM-${type}-24-${String(licenseSequence).padStart(6, '0')}`,
      legalName,
      premisesAddress: { street: '1 Test Way', city: 'Albany', state: 'NY', zip: '12207' },
      phone: '518-555-0100',
      stateSystem: 'biotrack-ny',
      stateAccessLost: false,
      ...overrides,
    },
  };
}

export function directoryOf(...licensees: Licensee[]): LicenseeDirectory {
  return {
    get: async (id) => licensees.find((l) => l.profile.id === id)?.profile,
    findByLicenseNumber: async (number) => licensees.find((l) => l.profile.licenseNumber === number)?.profile,
  };
}

/** The shipper's registry entries a complete draft refers to. */
export async function registryFor(shipper: Licensee, receiver: Licensee) {
  const partner = await addEntry(registryDeps, shipper.caller, 'partner', {
    legalName: receiver.profile.legalName,
    licenseNumber: receiver.profile.licenseNumber,
    premisesAddress: { ...receiver.profile.premisesAddress, state: 'NY' },
    phone: receiver.profile.phone,
    integrated: receiver.profile.stateSystem !== 'none',
  });
  const driver = await addEntry(registryDeps, shipper.caller, 'driver', {
    name: 'Zoë Peña',
    employeeId: 'E-104',
    driversLicenseNumber: '123456789',
    driversLicenseState: 'NY',
    phone: '518-555-0101',
  });
  const vehicle = await addEntry(registryDeps, shipper.caller, 'vehicle', {
    conveyance: 'van',
    make: 'Ford',
    model: 'Transit',
    year: 2024,
    color: 'White',
    plate: 'HXT4410',
    plateState: 'NY',
    attestations: { gpsFitted: true, lockedBox: true, temperatureControl: false },
  });
  return { partnerId: partner.id, driverId: driver.id, vehicleId: vehicle.id };
}

/** Renames a driver in the registry, as a shipper editing its records after manifesting would. */
export async function replaceDriver(owner: Licensee, driverId: string, name: string) {
  await replaceEntry(registryDeps, owner.caller, 'driver', driverId, { name, employeeId: 'E-104', driversLicenseNumber: '123456789', driversLicenseState: 'NY', phone: '518-555-0101' }, undefined);
}

export const newTag = () => `${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`;

export function draftBody(refs: { partnerId: string; driverId: string; vehicleId: string }, lines = 2, overrides: Partial<CreateTransferBody> = {}) {
  const departure = new Date(Date.now() + 60 * 60_000);
  return {
    type: 'wholesale',
    receiverPartnerId: refs.partnerId,
    invoiceNumbers: ['INV-1042'],
    taxPayer: { taxPaid: true },
    driverIds: [refs.driverId],
    vehicleId: refs.vehicleId,
    estimatedDeparture: departure.toISOString().replace('Z', '+00:00'),
    estimatedArrival: new Date(departure.getTime() + 2 * 60 * 60_000).toISOString(),
    plannedRoute: 'I-87 S to exit 9',
    lines: Array.from({ length: lines }, (_, i) => ({
      tag: newTag(),
      productName: `Blue Dream 3.5 g jar #${i + 1}`,
      category: 'flower',
      productionBatch: 'B-2026-014',
      quantity: 20,
      unit: 'each',
      unitPrice: 18.5,
      labTestStatus: 'passed',
      finishedGoods: true,
      sample: false,
    })),
    ...overrides,
  };
}

/** Manifest PDFs rendered for real and stored in the local hub's s3rver, as the deployed function does. */
export const manifestFiles: ManifestFiles = wired.manifests;

/**
 * The world's licensees are not tenants of the local hub, so the state system never hears of their
 * transfers (the worker refuses to report for a licensee it has no link for): here a refused
 * manifest only warns at departure instead of stopping it. The state-system tests use real tenants.
 */
export const worldRules: TransferRules = { ...defaultTransferRules, noDepartureWhileStateRefuses: { enabled: false } };

export function transfersApi(directory: LicenseeDirectory, rules: TransferRules = worldRules, manifests: ManifestFiles = manifestFiles) {
  const handler = createHandler({ ...wired, licensees: directory, rules, manifests });
  const send = (routeKey: string, path: string, caller: Caller, spec: { body?: unknown; headers?: Record<string, string>; query?: Record<string, string> } = {}): Promise<Reply> => {
    const id = /^\/v1\/transfers\/([^/]+)/.exec(path)?.[1];
    return call(handler, httpEvent(routeKey, path, { caller, ...(id ? { pathParameters: { id } } : {}), ...spec }));
  };
  return {
    create: (caller: Caller, body: unknown) => send('POST /v1/transfers', '/v1/transfers', caller, { body }),
    get: (caller: Caller, id: string) => send('GET /v1/transfers/{id}', `/v1/transfers/${id}`, caller),
    list: (caller: Caller, query: Record<string, string>) => send('GET /v1/transfers', '/v1/transfers', caller, { query }),
    patch: (caller: Caller, id: string, body: unknown, headers: Record<string, string> = {}) =>
      send('PATCH /v1/transfers/{id}', `/v1/transfers/${id}`, caller, { body, headers }),
    discard: (caller: Caller, id: string) => send('DELETE /v1/transfers/{id}', `/v1/transfers/${id}`, caller),
    events: (caller: Caller, id: string) => send('GET /v1/transfers/{id}/events', `/v1/transfers/${id}/events`, caller),
    action: (caller: Caller, id: string, action: string, body?: unknown, headers: Record<string, string> = {}) =>
      send(`POST /v1/transfers/{id}/${action}`, `/v1/transfers/${id}/${action}`, caller, { ...(body === undefined ? {} : { body }), headers }),
    manifestPdf: (caller: Caller, id: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      send('GET /v1/transfers/{id}/manifest', `/v1/transfers/${id}/manifest`, caller, { query, headers }),
    submissions: (caller: Caller, id: string) => send('GET /v1/transfers/{id}/submissions', `/v1/transfers/${id}/submissions`, caller),
    manifestJson: (caller: Caller, id: string, query: Record<string, string> = {}) =>
      send('GET /v1/transfers/{id}/manifest.json', `/v1/transfers/${id}/manifest.json`, caller, { query }),
  };
}
