/**
 * The BioTrack adapter against an emulator of its own (its clock moves and its faults apply without
 * disturbing the shared hub): a shipper and a receiver seeded at the state, consent given as a
 * license admin would, and the emulator's control routes.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startNyApiEmulator } from '#infra/local/nyapi/server.ts';
import type { NyApiEmulator } from '#infra/local/nyapi/server.ts';
import { createBioTrackAdapter } from '#shared/state-system/biotrack/adapter.ts';
import type { NyApiSettings } from '#shared/state-system/biotrack/client.ts';
import type { ConnectionStore } from '#shared/state-system/connections.ts';
import type { ManifestReport, StateAccount } from '#shared/state-system/port.ts';
import { connectInMemory, memoryConnectionStore } from './state-connections.ts';

export const SHIPPER = 'LIC-SHIP-1';
export const RECEIVER = 'LIC-RECV-2';
export const TAGS = ['1000000000000001', '1000000000000002'];
const client = { clientId: 'adapter-test', clientSecret: 'adapter-secret' };

export interface EmulatorCallRecord {
  readonly seq: number;
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly user?: string;
  readonly license?: string;
  readonly errorCode?: string;
  readonly externalId?: string;
}

export interface World<S extends ConnectionStore> {
  store: S;
  now: Date;
  account: StateAccount;
}

/** For reports whose ids the test does not follow. */
export const keepNothing = async () => undefined;

export { failure } from './state-failure.ts';

/** Starts one emulator for the file, reset and seeded before each test. */
export function useBioTrackEmulator() {
  let emulator: NyApiEmulator | undefined;
  let settings: NyApiSettings | undefined;
  const url = () => {
    if (!emulator) throw new Error('The emulator is not started');
    return emulator.url;
  };

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url()}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    emulator = await startNyApiEmulator({ port: 0, ...client });
    settings = { baseUrl: emulator.url, tokenPath: '/oauth/token', authorizePath: '/oauth', timeoutMs: 2000, ...client };
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  beforeEach(async () => {
    await control('POST', '/_emulator/reset');
    await control('POST', '/_emulator/seed', {
      licensees: [
        {
          LocationLicense: SHIPPER,
          UBI: 'UBI-1',
          Name: 'Shipper',
          users: [
            { Username: 'integration', Password: 'pw-integration' },
            { Username: 'alice', Password: 'pw-alice' },
          ],
          inventory: TAGS.map((ID) => ({ ID, ProductName: 'Flower', UOM: 'each', RemainingAmount: 10 })),
        },
        { LocationLicense: RECEIVER, UBI: 'UBI-2', Name: 'Receiver', users: [{ Username: 'recv', Password: 'pw' }] },
      ],
    });
  });

  const settingsOf = (): NyApiSettings => {
    if (!settings) throw new Error('The emulator is not started');
    return settings;
  };

  /** Consent as the license admin gives it, tokens kept in the store, users linked. */
  async function connected<S extends ConnectionStore>(store: S, licenseeId = 'tenant-1'): Promise<World<S>> {
    const world: World<S> = { store, now: new Date(), account: { licenseeId, system: 'biotrack-ny', stateLicenseNumber: SHIPPER, identity: { ubi: 'UBI-1' } } };
    await connectInMemory(settingsOf(), store, { licenseeId, license: SHIPPER, user: { username: 'integration', password: 'pw-integration' }, now: world.now });
    await store.putStateUser(licenseeId, 'biotrack-ny', 'key-alice', { username: 'alice', password: 'pw-alice' }, '');
    return world;
  }

  /** The receiver, connected in the same store under its own licensee id. */
  async function receiverOf(store: ConnectionStore, licenseeId = 'tenant-2'): Promise<StateAccount> {
    await connectInMemory(settingsOf(), store, { licenseeId, license: RECEIVER, user: { username: 'recv', password: 'pw' } });
    return { licenseeId, system: 'biotrack-ny', stateLicenseNumber: RECEIVER, identity: { ubi: 'UBI-2' } };
  }

  return {
    control,
    settings: settingsOf,
    connected,
    connectedInMemory: () => connected(memoryConnectionStore()),
    receiverOf,
    adapterFor: <S extends ConnectionStore>(world: World<S>, overrides: Partial<NyApiSettings> = {}) =>
      createBioTrackAdapter({ settings: { ...settingsOf(), ...overrides }, connections: world.store, fetch, now: () => world.now }),
    calls: async (since = 0) => ((await control('GET', `/_emulator/calls?since=${since}`))['calls'] as EmulatorCallRecord[]),
  };
}

export const report = (submissionKey: string): ManifestReport => ({
  submissionKey,
  kind: 'transfer',
  manifestNumber: `OCM-TEST-${submissionKey}`,
  receiver: { stateLicenseNumber: RECEIVER, name: 'Receiver' },
  drivers: [{ hubId: 'driver-1', name: 'Zoë Peña', driversLicenseNumber: '512 884 301', driversLicenseState: 'NY' }],
  vehicle: { hubId: 'van-1', description: 'White 2024 Ford Transit', make: 'Ford', model: 'Transit', year: 2024, color: 'White', plate: 'KXT 4410' },
  estimatedDeparture: new Date(Date.now() + 3_600_000).toISOString(),
  estimatedArrival: new Date(Date.now() + 7_200_000).toISOString(),
  route: 'I-87',
  lines: [{ tag: TAGS[0] ?? '', quantity: 1, unit: 'each', unitPrice: 5 }],
});
