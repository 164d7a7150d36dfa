import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import { afterAll, describe, expect, it } from 'vitest';
import { demoKeyFile, demoLicensees, seedDemoTenants } from '#infra/local/seed.ts';
import type { DemoKeyStore } from '#infra/local/seed.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { createApiKeyRepository, createLicenseeRepository } from '#shared/tenants/repository.ts';
import { authorize } from '#shared/tenants/use-cases.ts';

const { dynamodb } = createAwsClients(readConfig());
const deps = {
  licensees: createLicenseeRepository(dynamodb, hubTable.name),
  apiKeys: createApiKeyRepository(dynamodb, hubTable.name),
  now: () => new Date(),
  newId: monotonicFactory(),
};

function memoryStore(): DemoKeyStore & { saves: number; keys: Record<string, string> } {
  return {
    saves: 0,
    keys: {},
    async load() {
      return { ...this.keys };
    },
    async save(keys) {
      this.saves += 1;
      this.keys = { ...keys };
    },
  };
}

describe('seeding the demo tenants (the test setup has already seeded them once)', () => {
  it('creates no licensee twice, and keeps working keys across runs', async () => {
    const store = memoryStore();

    const first = await seedDemoTenants({ ...deps, keyStore: store });
    const second = await seedDemoTenants({ ...deps, keyStore: store });

    expect(first.map((t) => t.created)).toEqual([false, false, false]);
    expect(second.map((t) => t.licensee.id)).toEqual(first.map((t) => t.licensee.id));
    expect(second.map((t) => t.apiKey)).toEqual(first.map((t) => t.apiKey));
    expect(store.saves).toBe(1);
    expect(Object.keys(store.keys).sort()).toEqual(demoLicensees.map((d) => d.registration.licenseNumber).sort());
  });

  it('replaces a kept key that no longer opens its tenant, and only that one', async () => {
    const store = memoryStore();
    const [first, ...others] = await seedDemoTenants({ ...deps, keyStore: store });
    if (!first) throw new Error('nothing seeded');
    const caller = await authorize(deps, `Bearer ${first.apiKey}`);
    if (!caller.allowed) throw new Error('the seeded key does not work');
    await deps.apiKeys.revoke(caller.caller.apiKeyId, first.licensee.id, new Date().toISOString(), caller.caller.apiKeyId);

    const [again, ...othersAgain] = await seedDemoTenants({ ...deps, keyStore: store });

    expect(again?.apiKey).not.toBe(first.apiKey);
    expect((await authorize(deps, `Bearer ${again?.apiKey ?? ''}`)).allowed).toBe(true);
    expect(othersAgain.map((t) => t.apiKey)).toEqual(others.map((t) => t.apiKey));
    expect(store.keys[first.licensee.licenseNumber]).toBe(again?.apiKey);
  });
});

describe('the demo key file', () => {
  const directory = mkdtemp(join(tmpdir(), 'hub-demo-keys-'));
  afterAll(async () => rm(await directory, { recursive: true, force: true }));

  it('keeps keys readable by its owner only', async () => {
    const file = join(await directory, 'demo-keys.json');
    const store = demoKeyFile(file);

    await store.save({ 'OCM-DIST-24-000114-DX1': 'nyth_x' });

    expect(await store.load()).toEqual({ 'OCM-DIST-24-000114-DX1': 'nyth_x' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 'OCM-DIST-24-000114-DX1': 'nyth_x' });
  });

  it('holds no keys when missing or damaged', async () => {
    const damaged = join(await directory, 'damaged.json');
    await writeFile(damaged, '{"OCM-DIST-24-000114-DX1": ');

    expect(await demoKeyFile(join(await directory, 'missing.json')).load()).toEqual({});
    expect(await demoKeyFile(damaged).load()).toEqual({});
  });
});
