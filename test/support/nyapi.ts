/**
 * The test hub's NY-API emulator, as tests drive and inspect it: fresh inventory for a demo
 * license, fault rules, the call log and the emulator's state.
 */
import { randomInt } from 'node:crypto';
import { inject } from 'vitest';
import { LOCAL_NYAPI_CLIENT } from '#infra/local/hub.ts';
import { demoLicensees } from '#infra/local/seed.ts';
import type { DemoRole } from '#infra/local/seed.ts';
import { demoStateUser } from '#infra/local/seed-state-system.ts';
import type { BioTrackAdapter } from '#shared/state-system/biotrack/adapter.ts';
import { createBioTrackAdapter } from '#shared/state-system/biotrack/adapter.ts';
import type { StateAccount } from '#shared/state-system/port.ts';
import { connectInMemory, memoryConnectionStore } from './state-connections.ts';

export interface EmulatorCall {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly license?: string;
  readonly user?: string;
  readonly externalId?: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly fault?: string;
  readonly replay?: boolean;
}

const base = () => inject('hub').urls.nyapi;

export async function emulator(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base()}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** The license the state system knows a demo tenant by. */
export function stateLicenseOf(role: DemoRole): string {
  const link = demoLicensees.find((l) => l.role === role)?.registration.stateSystem;
  if (!link?.stateLicenseNumber) throw new Error(`The ${role} is not integrated`);
  return link.stateLicenseNumber;
}

/** New 16-digit tags in a demo licensee's state inventory, so a test's packages exist at the state system. */
export async function freshInventory(role: DemoRole, count: number, amount = 1000, uom = 'each'): Promise<string[]> {
  const { registration } = demoLicensees.find((l) => l.role === role) ?? {};
  if (!registration?.stateSystem.stateLicenseNumber || !registration.stateSystem.ubi) throw new Error(`The ${role} is not integrated`);
  return freshInventoryOf({ license: registration.stateSystem.stateLicenseNumber, ubi: registration.stateSystem.ubi, name: registration.legalName }, count, amount, uom);
}

/** New tags in any state license's inventory (the license is created in the emulator when new). */
export async function freshInventoryOf(
  licensee: { readonly license: string; readonly ubi: string; readonly name: string; readonly users?: readonly { Username: string; Password: string }[] },
  count: number,
  amount = 1000,
  /** In the state system's words (`GET /v1/uom`): each, gram, kilogram, … */
  uom = 'each',
): Promise<string[]> {
  const tags = Array.from({ length: count }, () => `8${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`);
  await emulator('POST', '/_emulator/seed', {
    licensees: [
      {
        LocationLicense: licensee.license,
        UBI: licensee.ubi,
        Name: licensee.name,
        ...(licensee.users ? { users: licensee.users } : {}),
        inventory: tags.map((ID) => ({ ID, ProductName: 'Test package', UOM: uom, RemainingAmount: amount })),
      },
    ],
  });
  return tags;
}

export async function calls(): Promise<EmulatorCall[]> {
  return ((await emulator('GET', '/_emulator/calls')) as { calls: EmulatorCall[] }).calls;
}

/** Calls that carried an ExternalID of this submission root (every call of a transfer's submissions does). */
export const callsOf = (all: readonly EmulatorCall[], transferId: string) => all.filter((c) => c.externalId?.startsWith(transferId) ?? false);

export const setFaults = (rules: readonly Record<string, unknown>[], seed = 7) => emulator('PUT', '/_emulator/faults', { seed, rules });
export const clearFaults = () => emulator('DELETE', '/_emulator/faults');

export async function emulatorState(): Promise<Record<string, unknown>> {
  return (await emulator('GET', '/_emulator/state')) as Record<string, unknown>;
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'the condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The licensee's other software puts these packages on a manifest of its own at the state (to the
 * processor): the state then refuses any other manifest that carries them (ALREADY_ON_OPEN_MANIFEST),
 * a refusal the hub's pre-flight cannot see, since the packages exist in full.
 */
export async function onAnotherOpenManifest(role: DemoRole, tags: readonly string[]): Promise<void> {
  const { adapter: other, account } = await otherSoftwareOf(role);
  await other.reportManifest(
    account,
    {
      submissionKey: `other-software-${randomInt(0, 1e9)}`,
      kind: 'transfer',
      manifestNumber: 'OCM-OTHER-SOFTWARE',
      receiver: { stateLicenseNumber: stateLicenseOf('processor'), name: 'Processor' },
      drivers: [{ hubId: 'other-driver', name: 'Other Driver', driversLicenseNumber: '111 222 333', driversLicenseState: 'NY' }],
      vehicle: { hubId: 'other-van', description: 'Blue 2023 Ford Transit', make: 'Ford', model: 'Transit', year: 2023, color: 'Blue' },
      estimatedDeparture: new Date(Date.now() + 3_600_000).toISOString(),
      estimatedArrival: new Date(Date.now() + 7_200_000).toISOString(),
      route: 'NY-5',
      lines: tags.map((tag) => ({ tag, quantity: 1, unit: 'each', unitPrice: 1 })),
    },
    {},
    async () => undefined,
  );
}

/** The licensee's other software, acting at the state as the licensee's integration user, outside the hub. */
export async function otherSoftwareOf(role: DemoRole): Promise<{ adapter: BioTrackAdapter; account: StateAccount }> {
  const license = stateLicenseOf(role);
  const ubi = demoLicensees.find((l) => l.role === role)?.registration.stateSystem.ubi ?? '';
  const settings = { baseUrl: base(), tokenPath: '/oauth/token', authorizePath: '/oauth', timeoutMs: 5000, ...LOCAL_NYAPI_CLIENT };
  const store = memoryConnectionStore();
  const user = demoStateUser(license);
  await connectInMemory(settings, store, { licenseeId: 'other-software', license, user: { username: user.Username, password: user.Password } });
  return {
    adapter: createBioTrackAdapter({ settings, connections: store, fetch, now: () => new Date() }),
    account: { licenseeId: 'other-software', system: 'biotrack-ny', stateLicenseNumber: license, identity: { ubi } },
  };
}
