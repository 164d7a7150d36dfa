/**
 * Entering a Metrc user key wakes the submissions that waited for one (a revoked or missing key
 * parks them), and stores nothing when Metrc is not configured. Ports are fakes; Metrc's answer
 * to `GET /facilities/v2/` is the recorded shape.
 */
import { describe, expect, it } from 'vitest';
import type { QueuedSubmission } from '#shared/submissions/outbox.ts';
import type { StoredSubmission } from '#shared/submissions/repository.ts';
import type { Licensee } from '#shared/tenants/licensee.ts';
import { metrcSystem } from '#shared/state-system/capabilities.ts';
import { defaultBudget } from '#shared/state-system/metrc/client.ts';
import { enterUserKey } from '#shared/state-system/metrc/credentials.ts';
import type { CredentialsDeps } from '#shared/state-system/metrc/credentials.ts';

const LICENSE = 'OCM-DIST-26-000111';
const licensee = { id: 'tenant-1', stateSystem: { adapter: metrcSystem, stateLicenseNumber: LICENSE } } as unknown as Licensee;
const settings = {
  baseUrl: 'http://127.0.0.1:9/',
  vendorKey: 'vendor',
  timeoutMs: 1000,
  pageSize: 20,
  windowHours: 24,
  overlapMinutes: 10,
  lookbackHours: 72,
  maxWindowsPerCall: 8,
  timeZone: 'America/New_York',
  transferTypeName: 'Transfer',
  budget: defaultBudget,
};
const facilities = [{ Name: 'Hudson Valley Distribution LLC', License: { Number: LICENSE, LicenseType: 'Distributor' } }];

function world(parked: readonly StoredSubmission[], configured = true) {
  const stored: string[] = [];
  const sent: { submissions: readonly QueuedSubmission[]; attempt?: string }[] = [];
  const asked: string[] = [];
  const deps: CredentialsDeps = {
    settings: configured ? settings : undefined,
    connections: { putUserKey: async (_licensee, _system, key) => void stored.push(key) },
    licensees: { get: async (id) => (id === licensee.id ? licensee : undefined) },
    submissions: { awaitingConsent: async () => [...parked] },
    queue: { send: async (submissions, attempt) => void sent.push({ submissions, ...(attempt ? { attempt } : {}) }) },
    fetch: async (url) => {
      asked.push(new URL(url instanceof Request ? url.url : url).pathname);
      return new Response(JSON.stringify(facilities), { status: 200, headers: { 'content-type': 'application/json' } });
    },
    now: () => new Date('2026-12-02T12:00:00Z'),
  };
  return { deps, stored, sent, asked };
}

const caller = { licenseeId: 'tenant-1', apiKeyId: 'k' };

describe('entering a Metrc user key', () => {
  it('checks the key with Metrc, stores it, and sends the parked submissions again once', async () => {
    const parked = [{ id: 's-1' }, { id: 's-2' }] as unknown as StoredSubmission[];
    const { deps, stored, sent, asked } = world(parked);
    const view = await enterUserKey(deps, caller, { userKey: 'user-key' });
    expect(asked).toEqual(['/facilities/v2/']);
    expect(stored).toEqual(['user-key']);
    expect(view).toMatchObject({ health: 'connected', since: '2026-12-02T12:00:00.000Z', resumed: 2 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.submissions).toEqual(parked);
  });

  it('sends nothing when nothing waited', async () => {
    const { deps, sent } = world([]);
    expect((await enterUserKey(deps, caller, { userKey: 'user-key' })).resumed).toBe(0);
    expect(sent).toEqual([]);
  });

  it('answers 503 and stores nothing when the hub has no Metrc address', async () => {
    const { deps, stored, asked } = world([], false);
    await expect(enterUserKey(deps, caller, { userKey: 'user-key' })).rejects.toMatchObject({ problem: { status: 503, code: 'state-system-not-configured' } });
    expect([stored, asked]).toEqual([[], []]);
  });
});
