/**
 * The Metrc emulator of `npm start` keeps its id counters in the hub's data directory, so after a
 * restart (or a reset) no new object gets the id of one the hub still holds; an emulator without
 * that file (the tests') starts at the same ids every time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startMetrcEmulator } from '#infra/local/metrc/server.ts';
import type { MetrcSeed } from '#infra/local/metrc/seed.ts';

const LICENSE = 'OCM-DIST-26-000777';
const seed = (n: number): MetrcSeed => ({
  facilities: [{ licenseNumber: LICENSE, name: 'Hudson Valley Distribution LLC', role: 'distributor' }],
  userKeys: [],
  packages: [{ label: `1A4${String(n).padStart(21, '0')}`, licenseNumber: LICENSE, quantity: 5, unitOfMeasure: 'Each', itemName: 'Pre-roll', isFinishedGood: true, labTestingState: 'TestPassed', retailIdCount: 5 }],
});

const directory = await mkdtemp(join(tmpdir(), 'metrc-ids-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

async function idsOf(url: string): Promise<{ packages: number[]; facilities: number[] }> {
  const state = (await (await fetch(`${url}/_emulator/state`)).json()) as { packages: { Id: number }[]; facilities: { facilityId: number }[] };
  return { packages: state.packages.map((p) => p.Id), facilities: state.facilities.map((f) => f.facilityId) };
}

describe('the Metrc emulator’s ids across runs', () => {
  it('goes on from where the last run stopped, after a restart and after a reset, when it keeps a file', async () => {
    const file = join(directory, 'metrc-ids.json');
    const first = await startMetrcEmulator({ seed: seed(1), idSequencesFile: file });
    const before = await idsOf(first.url);
    await first.close();

    const second = await startMetrcEmulator({ seed: seed(2), idSequencesFile: file });
    const after = await idsOf(second.url);
    expect(after.packages[0]).toBeGreaterThan(before.packages[0] ?? Infinity);
    expect(after.facilities[0]).toBeGreaterThan(before.facilities[0] ?? Infinity);

    expect((await fetch(`${second.url}/_emulator/reset`, { method: 'POST' })).status).toBe(200);
    const reset = await idsOf(second.url);
    expect(reset.packages[0]).toBeGreaterThan(after.packages[0] ?? Infinity);
    await second.close();
  });

  it('starts at the same ids every run without a file', async () => {
    const runs = [];
    for (const n of [1, 2]) {
      const emulator = await startMetrcEmulator({ seed: seed(n) });
      runs.push(await idsOf(emulator.url));
      await emulator.close();
    }
    expect(runs[0]).toEqual(runs[1]);
  });
});
