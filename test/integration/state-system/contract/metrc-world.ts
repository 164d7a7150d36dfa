/**
 * A Metrc world for tests that drive the Metrc adapter directly: the strict emulator started per
 * test file (strict 24 h windows, rate limits on), a distributor shipping to a dispensary with
 * finished, tested packages carrying Retail Item IDs (so New York's rules let them go), the user
 * keys stored as the hub stores them, and the person's steps in Metrc's web app as control routes.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ObservedPackage } from '#shared/domain/reconciliation/observation.ts';
import { startMetrcEmulator } from '#infra/local/metrc/server.ts';
import type { MetrcEmulator, MetrcEmulatorOptions } from '#infra/local/metrc/server.ts';
import type { MetrcSeed } from '#infra/local/metrc/seed.ts';
import { DEFAULT_STATE_USER } from '#shared/state-system/connections.ts';
import { createMetrcAdapter } from '#shared/state-system/metrc/adapter.ts';
import { defaultBudget, GetBudget } from '#shared/state-system/metrc/client.ts';
import type { MetrcSettings } from '#shared/state-system/metrc/client.ts';
import { metrcSystem } from '#shared/state-system/metrc/capabilities.ts';
import { metrcRefs } from '#shared/state-system/metrc/refs.ts';
import type { ManifestReport, StateAccount, StateRefs, StateTrackingSystem } from '#shared/state-system/port.ts';
import { memoryConnectionStore } from '../../../support/state-connections.ts';
import type { MemoryConnectionStore } from '../../../support/state-connections.ts';

export const SHIPPER = 'OCM-DIST-26-000111';
export const RECEIVER = 'OCM-RETL-26-000222';
export const OTHER_RECEIVER = 'OCM-RETL-26-000333';
export const KEYS = { shipper: 'key-shipper', receiver: 'key-receiver' } as const;
export const QUANTITY = 20;
export const label = (n: number) => `1A4${String(n).padStart(21, '0')}`;
export const TAGS = [label(1), label(2)];

export const SEED: MetrcSeed = {
  facilities: [
    { licenseNumber: SHIPPER, name: 'Hudson Valley Distribution LLC', role: 'distributor' },
    { licenseNumber: RECEIVER, name: 'Empire Cannabis Dispensary', role: 'dispensary' },
    { licenseNumber: OTHER_RECEIVER, name: 'Finger Lakes Cannabis', role: 'dispensary' },
  ],
  userKeys: [
    { key: KEYS.shipper, facilities: [{ licenseNumber: SHIPPER, permissions: 'all' }] },
    { key: KEYS.receiver, facilities: [{ licenseNumber: RECEIVER, permissions: 'all' }] },
  ],
  packages: [1, 2, 3, 4, 5, 6].map((n) => ({
    label: label(n),
    licenseNumber: SHIPPER,
    quantity: QUANTITY,
    unitOfMeasure: 'Each',
    itemName: `Pre-roll ${n}`,
    isFinishedGood: true,
    labTestingState: 'TestPassed' as const,
    retailIdCount: QUANTITY,
  })),
};

export function settingsFor(url: string, vendorKey: string, overrides: Partial<MetrcSettings> = {}): MetrcSettings {
  return {
    baseUrl: url,
    vendorKey,
    timeoutMs: 2_000,
    pageSize: 20,
    windowHours: 24,
    overlapMinutes: 10,
    lookbackHours: 72,
    maxWindowsPerCall: 8,
    timeZone: 'America/New_York',
    transferTypeName: 'Transfer',
    budget: defaultBudget,
    ...overrides,
  };
}

export interface MetrcWorld {
  readonly url: string;
  readonly store: MemoryConnectionStore;
  readonly adapter: StateTrackingSystem;
  readonly shipper: StateAccount;
  readonly receiver: StateAccount;
  readonly tags: readonly string[];
  readonly quantity: number;
  readonly manifest: (submissionKey: string, lines?: ManifestReport['lines']) => ManifestReport;
  adapterWith(overrides: Partial<MetrcSettings>, now?: () => Date): StateTrackingSystem;
  readonly templatesAtState: () => Promise<number>;
  state(): Promise<Record<string, unknown>>;
  faults(rules: readonly Record<string, unknown>[]): Promise<void>;
  revokeShipper(): Promise<void>;
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  ui(path: string, body: unknown): Promise<Record<string, unknown>>;
  register(templateId: number): Promise<Record<string, unknown>>;
  /** The refs after the shipper's reconciler has seen what Metrc shows of this transfer. */
  observedRefs(transferId: string, refs: StateRefs): Promise<StateRefs>;
  receive(refs: StateRefs, packages: readonly ObservedPackage[]): Promise<void>;
  calls(): Promise<{ method: string; path: string; query: string; status: number }[]>;
}

export function useMetrcWorld(options: Pick<MetrcEmulatorOptions, 'config'> = {}) {
  let emulator: MetrcEmulator | undefined;
  beforeAll(async () => {
    emulator = await startMetrcEmulator({ seed: SEED, config: { window: { mode: 'strict-24h' }, ...options.config } });
  });
  afterAll(() => emulator?.close());

  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    if (!emulator) throw new Error('The Metrc emulator is not started');
    const response = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /_emulator${path}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  async function world(): Promise<MetrcWorld> {
    if (!emulator) throw new Error('The Metrc emulator is not started');
    const { url, vendorKey } = emulator;
    await control('POST', '/reset');
    const store = memoryConnectionStore();
    await store.putStateUser('tenant-1', metrcSystem, DEFAULT_STATE_USER, { username: 'dana', password: KEYS.shipper }, new Date().toISOString());
    await store.putStateUser('tenant-2', metrcSystem, DEFAULT_STATE_USER, { username: 'rita', password: KEYS.receiver }, new Date().toISOString());
    const budget = new GetBudget(defaultBudget);
    const adapterWith = (overrides: Partial<MetrcSettings>, now = () => new Date()) => createMetrcAdapter({ settings: settingsFor(url, vendorKey, overrides), connections: store, fetch, now, budget });
    const adapter = adapterWith({});
    const shipper: StateAccount = { licenseeId: 'tenant-1', system: metrcSystem, stateLicenseNumber: SHIPPER, identity: {} };
    const receiver: StateAccount = { licenseeId: 'tenant-2', system: metrcSystem, stateLicenseNumber: RECEIVER, identity: {} };
    const ui = async (path: string, body: unknown) => (await control('POST', path, body)) as Record<string, unknown>;
    const state = async () => (await control('GET', '/state')) as Record<string, unknown>;
    return {
      url,
      store,
      adapter,
      adapterWith,
      shipper,
      receiver,
      tags: TAGS,
      quantity: QUANTITY,
      manifest: (submissionKey, lines) => ({
        submissionKey,
        kind: 'transfer',
        manifestNumber: `OCM-TEST-${submissionKey}`,
        receiver: { stateLicenseNumber: RECEIVER, name: 'Empire Cannabis Dispensary' },
        drivers: [
          { hubId: 'driver-1', name: 'Zoë Peña', driversLicenseNumber: '512 884 301', driversLicenseState: 'NY' },
          { hubId: 'driver-2', name: 'Sam Lee', driversLicenseNumber: '512 884 302', driversLicenseState: 'NY' },
        ],
        vehicle: { hubId: 'van-1', description: 'White 2024 Ford Transit', make: 'Ford', model: 'Transit', year: 2024, color: 'White', plate: 'KXT 4410' },
        estimatedDeparture: new Date(Date.now() + 3_600_000).toISOString(),
        estimatedArrival: new Date(Date.now() + 7_200_000).toISOString(),
        route: 'NY-9W south to Kingston, then I-87',
        lines: lines ?? TAGS.map((tag) => ({ tag, quantity: QUANTITY, unit: 'each' as const, unitPrice: 5 })),
      }),
      async templatesAtState() {
        const templates = (await state())['templates'] as { licenseNumber: string; archived: boolean }[];
        return templates.filter((t) => t.licenseNumber === SHIPPER && !t.archived).length;
      },
      state,
      async faults(rules) {
        await control('PUT', '/faults', { rules });
      },
      async revokeShipper() {
        await control('POST', '/keys/revoke', { key: KEYS.shipper });
      },
      control,
      ui,
      register: (templateId) => ui('/ui/register', { templateId }),
      async observedRefs(transferId, refs) {
        const batch = await adapter.observe(shipper, undefined, [{ transferId, refs }]);
        return batch.observed.reduce<StateRefs>((kept, item) => (item.kind === 'watched' && item.transferId === transferId ? { ...kept, ...item.refs } : kept), refs);
      },
      async receive(refs, packages) {
        const deliveryId = metrcRefs(refs).deliveryIds?.[0];
        await ui('/ui/receive', {
          deliveryId,
          packages: packages.map((pkg) =>
            pkg.accepted
              ? { label: pkg.tag, action: 'accept', receivedQuantity: pkg.receivedQuantity, confirmVariance: true }
              : { label: pkg.tag, action: 'reject', rejectReason: pkg.rejectReason ?? 'Rejected' },
          ),
        });
      },
      calls: async () => ((await control('GET', '/calls')) as { calls: { method: string; path: string; query: string; status: number }[] }).calls,
    };
  }

  return { world, control };
}
