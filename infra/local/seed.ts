/**
 * Demo data for local mode and tests: a distributor, a processor and a retail dispensary, each
 * with one API key, linked to the state systems as one of the sets below says (`npm start`: New
 * York's, mostly on Metrc; the integration tests: on BioTrack).
 *
 * Seeding is idempotent. A licensee is created only when its license number is not taken yet (the
 * conditional write that reserves the number is the marker). Only hashes of API keys are stored, so
 * the plaintext demo keys are kept in a local file (`.local/demo-keys.json`, git-ignored) and
 * reused on later starts while they still open their tenant; a key that is missing, revoked or
 * from data that was reset is replaced by a new one and the file rewritten.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { monotonicFactory } from 'ulid';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { createRegistryRepository } from '#shared/registries/repository.ts';
import type { RegistryRepository } from '#shared/registries/repository.ts';
import { registryBodies } from '#shared/registries/schemas.ts';
import { addEntry } from '#shared/registries/use-cases.ts';
import { hubTable } from '#shared/resources.ts';
import { isIntegrated } from '#shared/tenants/licensee.ts';
import type { Licensee } from '#shared/tenants/licensee.ts';
import { createApiKeyRepository, createLicenseeRepository } from '#shared/tenants/repository.ts';
import type { LicenseeRegistration } from '#shared/tenants/schemas.ts';
import type { TenantDeps } from '#shared/tenants/use-cases.ts';
import { authorize, createApiKey, registerLicensee } from '#shared/tenants/use-cases.ts';
import { bioTrackSystem, metrcSystem } from '#shared/state-system/capabilities.ts';

export type DemoRole = 'distributor' | 'processor' | 'retail dispensary';

/** One entry of `tenants` in `.local/run.json`. */
export interface DemoTenant {
  readonly name: string;
  readonly licenseNumber: string;
  readonly role: DemoRole;
  readonly integrated: boolean;
  /** The adapter its link names (`metrc`, `biotrack-ny`, or `none`), as its tenant record says. */
  readonly stateSystem: string;
  /** The license the state system knows it by (for Metrc its facility license), when integrated. */
  readonly stateLicenseNumber?: string;
  /** The user key the hub holds for it, when it is on our Metrc emulator (Basic-auth password, beside the vendor key). */
  readonly metrcUserKey?: string;
  readonly apiKey: string;
}

/** Plaintext demo keys by license number, kept between starts. */
export interface DemoKeyStore {
  load(): Promise<Readonly<Record<string, string>>>;
  save(keys: Readonly<Record<string, string>>): Promise<void>;
}

export interface SeedDeps extends TenantDeps {
  /** Without one, every run issues new keys (tests, whose data does not outlive the run). */
  readonly keyStore?: DemoKeyStore;
}

export interface SeededTenant {
  readonly role: DemoRole;
  readonly licensee: Licensee;
  /** True when this run created the licensee: demo data that belongs to it is due too. */
  readonly created: boolean;
  readonly apiKey: string;
}

export const DEMO_KEY_LABEL = 'Demo key (local mode)';

export interface DemoLicensee {
  readonly role: DemoRole;
  readonly registration: LicenseeRegistration;
}

type Party = Omit<LicenseeRegistration, 'stateSystem'>;

const distributor: Party = {
  licenseNumber: 'OCM-DIST-24-000114-DX1',
  legalName: 'Capital District Distribution LLC',
  dba: 'Capital Cannabis Logistics',
  premisesAddress: { street: '1450 Central Ave', unit: 'Bay 3', city: 'Albany', state: 'NY', zip: '12205' },
  phone: '(518) 555-0142',
};
const processor: Party = {
  licenseNumber: 'OCM-PROC-26-000331-P1',
  legalName: 'Seneca Ridge Processing Inc.',
  dba: 'Seneca Ridge',
  premisesAddress: { street: '2285 Hamilton St', city: 'Geneva', state: 'NY', zip: '14456' },
  phone: '(315) 555-0178',
};
const dispensary: Party = {
  licenseNumber: 'OCM-CAURD-24-000321',
  legalName: 'Hudson Valley Remedies LLC',
  dba: 'Remedies Kingston',
  premisesAddress: { street: '12 Main St', city: 'Kingston', state: 'NY', zip: '12401' },
  phone: '(845) 555-0199',
};

/**
 * The demo tenants as New York has them (every licensee on Metrc since December 2025): the
 * distributor and the dispensary on Metrc, known there by their OCM license numbers; the processor
 * still on BioTrack's NY-API. `npm start` seeds these.
 */
export const newYorkDemoLicensees: readonly DemoLicensee[] = [
  { role: 'distributor', registration: { ...distributor, stateSystem: { adapter: metrcSystem, stateLicenseNumber: distributor.licenseNumber } } },
  { role: 'processor', registration: { ...processor, stateSystem: { adapter: bioTrackSystem, stateLicenseNumber: 'LocLic331', ubi: '604331907' } } },
  { role: 'retail dispensary', registration: { ...dispensary, stateSystem: { adapter: metrcSystem, stateLicenseNumber: dispensary.licenseNumber } } },
];

/**
 * The same tenants with the distributor and the processor on BioTrack's NY-API and the dispensary
 * not integrated (it confirms receipt through a link): the integration tests' hub, whose
 * state-system tests are written against these.
 */
export const demoLicensees: readonly DemoLicensee[] = [
  { role: 'distributor', registration: { ...distributor, stateSystem: { adapter: bioTrackSystem, stateLicenseNumber: 'LocLic114', ubi: '604114228' } } },
  { role: 'processor', registration: { ...processor, stateSystem: { adapter: bioTrackSystem, stateLicenseNumber: 'LocLic331', ubi: '604331907' } } },
  { role: 'retail dispensary', registration: { ...dispensary, stateSystem: { adapter: 'none' } } },
];

async function ensureLicensee(deps: SeedDeps, registration: LicenseeRegistration): Promise<{ licensee: Licensee; created: boolean }> {
  const existingId = await deps.licensees.findIdByLicenseNumber(registration.licenseNumber);
  const existing = existingId === undefined ? undefined : await deps.licensees.get(existingId);
  if (existing) return { licensee: existing, created: false };
  const { licensee } = await registerLicensee(deps, registration);
  return { licensee, created: true };
}

/** The kept key when it still opens this licensee's account. */
async function keptKey(deps: SeedDeps, apiKey: string | undefined, licensee: Licensee): Promise<string | undefined> {
  if (apiKey === undefined) return undefined;
  const decision = await authorize(deps, `Bearer ${apiKey}`);
  return decision.allowed && decision.caller.licenseeId === licensee.id ? apiKey : undefined;
}

/** The demo tenants, created once, each with a working API key. */
export async function seedDemoTenants(deps: SeedDeps, licensees: readonly DemoLicensee[] = demoLicensees): Promise<SeededTenant[]> {
  const stored = (await deps.keyStore?.load()) ?? {};
  const keys: Record<string, string> = {};
  const tenants: SeededTenant[] = [];
  for (const { role, registration } of licensees) {
    const { licensee, created } = await ensureLicensee(deps, registration);
    const apiKey =
      (await keptKey(deps, stored[licensee.licenseNumber], licensee)) ?? (await createApiKey(deps, licensee.id, DEMO_KEY_LABEL)).apiKey;
    keys[licensee.licenseNumber] = apiKey;
    tenants.push({ role, licensee, created, apiKey });
  }
  if (tenants.some(({ licensee, apiKey }) => stored[licensee.licenseNumber] !== apiKey)) await deps.keyStore?.save(keys);
  return tenants;
}

/** Keys in a JSON file readable by its owner only. A missing or unreadable file holds no keys. */
export function demoKeyFile(path: string): DemoKeyStore {
  return {
    async load() {
      try {
        const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
        if (typeof parsed !== 'object' || parsed === null) return {};
        return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      } catch {
        return {};
      }
    },
    async save(keys) {
      await writeFile(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    },
  };
}

export const demoDrivers = [
  { name: 'Zoë Peña', employeeId: 'E-104', driversLicenseNumber: '512 884 301', phone: '(518) 555-0142' },
  { name: 'Łukasz Nowak', employeeId: 'E-117', driversLicenseNumber: '633 120 774', phone: '(518) 555-0178' },
];

export const demoVehicles = [
  {
    conveyance: 'van',
    make: 'Ford',
    model: 'Transit 250',
    year: 2024,
    color: 'White',
    plate: 'KXT 4410',
    vin: '1FTBR1C84PKA12345',
    attestations: { gpsFitted: true, lockedBox: true, temperatureControl: true },
  },
  { conveyance: 'bicycle', make: 'Tern', model: 'GSD', year: 2025, color: 'Black', attestations: { gpsFitted: true, lockedBox: true, temperatureControl: false } },
];

/** A counterparty that is not a tenant of the hub and has no connected system. */
export const outsidePartner = {
  legalName: 'Catskill Craft Microbusiness LLC',
  licenseNumber: 'OCM-MICR-25-000207',
  premisesAddress: { street: '88 Spring Street', city: 'Phoenicia', zip: '12464' },
  phone: '(845) 555-0133',
  contactName: 'Renée Dubois',
  email: 'receiving@catskillcraft.example',
  integrated: false,
};

/** Drivers, vehicles and partners (the other demo tenants and one outsider) for a newly created tenant. */
async function seedRegistries(registries: RegistryRepository, tenant: SeededTenant, others: readonly SeededTenant[]): Promise<void> {
  const deps = { registries, now: () => new Date() };
  const caller = { licenseeId: tenant.licensee.id, apiKeyId: 'seed' };
  for (const driver of demoDrivers) await addEntry(deps, caller, 'driver', registryBodies.driver.parse(driver));
  for (const vehicle of demoVehicles) await addEntry(deps, caller, 'vehicle', registryBodies.vehicle.parse(vehicle));
  const partners = [
    ...others.map(({ licensee }) => ({
      legalName: licensee.legalName,
      ...(licensee.dba ? { dba: licensee.dba } : {}),
      licenseNumber: licensee.licenseNumber,
      premisesAddress: licensee.premisesAddress,
      phone: licensee.phone,
      integrated: isIntegrated(licensee),
    })),
    outsidePartner,
  ];
  for (const partner of partners) await addEntry(deps, caller, 'partner', registryBodies.partner.parse(partner));
}

/** The local hub being seeded: its functions' environment (endpoints, table names) and its API. */
export interface SeedTarget {
  readonly env: Readonly<Record<string, string>>;
  /** For demo data that is created through the API with the demo keys. */
  readonly apiUrl: string;
}

/**
 * All demo data of a running local hub: the tenants with their keys, and for each tenant created on
 * this run its drivers, vehicles and partners (so a restart does not add them twice).
 */
export async function seedDemoData(
  target: SeedTarget,
  options: { readonly keyStore?: DemoKeyStore; readonly licensees?: readonly DemoLicensee[] } = {},
): Promise<DemoTenant[]> {
  const config = readConfig(target.env);
  const { dynamodb, dynamodbClient } = createAwsClients(config);
  try {
    const table = resourceName(config, hubTable);
    const tenants = await seedDemoTenants({
      licensees: createLicenseeRepository(dynamodb, table),
      apiKeys: createApiKeyRepository(dynamodb, table),
      now: () => new Date(),
      newId: monotonicFactory(),
      ...(options.keyStore ? { keyStore: options.keyStore } : {}),
    }, options.licensees);
    const registries = createRegistryRepository(dynamodb, table);
    for (const tenant of tenants.filter((t) => t.created)) {
      await seedRegistries(registries, tenant, tenants.filter((other) => other !== tenant));
    }
    return tenants.map(({ role, licensee, apiKey }) => ({
      name: licensee.legalName,
      licenseNumber: licensee.licenseNumber,
      role,
      integrated: isIntegrated(licensee),
      stateSystem: licensee.stateSystem.adapter,
      ...(licensee.stateSystem.stateLicenseNumber ? { stateLicenseNumber: licensee.stateSystem.stateLicenseNumber } : {}),
      apiKey,
    }));
  } finally {
    dynamodbClient.destroy();
  }
}
