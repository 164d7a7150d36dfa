/**
 * The test hub's NY-API emulator, as tests drive and inspect it: fresh inventory for a demo
 * licence, fault rules, the call log and the emulator's state.
 */
import { randomInt } from 'node:crypto';
import { inject } from 'vitest';
import { demoLicensees } from '#infra/local/seed.ts';
import type { DemoRole } from '#infra/local/seed.ts';

export interface EmulatorCall {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly licence?: string;
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

/** The licence the state system knows a demo tenant by. */
export function stateLicenceOf(role: DemoRole): string {
  const link = demoLicensees.find((l) => l.role === role)?.registration.stateSystem;
  if (!link?.stateLicenceNumber) throw new Error(`The ${role} is not integrated`);
  return link.stateLicenceNumber;
}

/** New 16-digit tags in a demo licensee's state inventory, so a test's packages exist at the state system. */
export async function freshInventory(role: DemoRole, count: number, amount = 1000): Promise<string[]> {
  const { registration } = demoLicensees.find((l) => l.role === role) ?? {};
  if (!registration?.stateSystem.stateLicenceNumber || !registration.stateSystem.ubi) throw new Error(`The ${role} is not integrated`);
  return freshInventoryOf({ licence: registration.stateSystem.stateLicenceNumber, ubi: registration.stateSystem.ubi, name: registration.legalName }, count, amount);
}

/** New tags in any state licence's inventory (the licence is created in the emulator when new). */
export async function freshInventoryOf(
  licensee: { readonly licence: string; readonly ubi: string; readonly name: string; readonly users?: readonly { Username: string; Password: string }[] },
  count: number,
  amount = 1000,
): Promise<string[]> {
  const tags = Array.from({ length: count }, () => `8${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`);
  await emulator('POST', '/_emulator/seed', {
    licensees: [
      {
        LocationLicense: licensee.licence,
        UBI: licensee.ubi,
        Name: licensee.name,
        ...(licensee.users ? { users: licensee.users } : {}),
        inventory: tags.map((ID) => ({ ID, ProductName: 'Test package', UOM: 'each', RemainingAmount: amount })),
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
