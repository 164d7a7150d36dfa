/**
 * PUT /v1/integrations/metrc/credentials: the license admin enters the license's Metrc user key.
 * Against a Metrc emulator of its own (DynamoDB Local holds the sealed key): a key Metrc refuses,
 * or one that cannot reach the license's facility, is refused with nothing stored; a good key
 * connects the license; when Metrc later stops accepting it, the adapter records that and the
 * connection says revoked until a new key is entered.
 */
import { randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '#functions/integrations/handler.ts';
import { startMetrcEmulator } from '#infra/local/metrc/server.ts';
import type { MetrcEmulator } from '#infra/local/metrc/server.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import type { HubConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { bioTrackSystem, metrcSystem } from '#shared/state-system/capabilities.ts';
import { createConnectionStore } from '#shared/state-system/connections.ts';
import { createMetrcAdapter } from '#shared/state-system/metrc/adapter.ts';
import { metrcSettingsFrom } from '#shared/state-system/metrc/settings.ts';
import { tokenCipherFrom } from '#shared/state-system/wiring.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import { registerLicensee } from '#shared/tenants/use-cases.ts';
import { integrationDeps } from '#shared/wiring/integrations.ts';
import { call, httpEvent } from '../../support/http-events.ts';

const n = randomInt(100_000, 999_999);
const LICENSE = `OCM-DIST-26-${n}`;
const OTHER = `OCM-RETL-26-${n}`;
const KEYS = { good: `key-good-${n}`, other: `key-other-${n}`, next: `key-next-${n}` };

const base = readConfig();
const aws = createAwsClients(base);
const licensees = createLicenseeRepository(aws.dynamodb, hubTable.name);
const connections = createConnectionStore(aws.dynamodb, hubTable.name, tokenCipherFrom(base));

let emulator: MetrcEmulator;
let config: HubConfig;
let handler: ReturnType<typeof createHandler>;
beforeAll(async () => {
  emulator = await startMetrcEmulator({
    seed: {
      facilities: [
        { licenseNumber: LICENSE, name: 'Hudson Valley Distribution LLC', role: 'distributor' },
        { licenseNumber: OTHER, name: 'Empire Cannabis Dispensary', role: 'dispensary' },
      ],
      userKeys: [
        { key: KEYS.good, facilities: [{ licenseNumber: LICENSE, permissions: 'all' }] },
        { key: KEYS.other, facilities: [{ licenseNumber: OTHER, permissions: 'all' }] },
        { key: KEYS.next, facilities: [{ licenseNumber: LICENSE, permissions: 'all' }] },
      ],
      packages: [],
    },
  });
  config = { ...base, metrc: { ...base.metrc, baseUrl: emulator.url, vendorKey: emulator.vendorKey } };
  handler = createHandler(await integrationDeps(config));
});
afterAll(() => emulator.close());

async function licenseeOn(system: string) {
  const m = randomInt(100_000, 999_999);
  const { licensee } = await registerLicensee(
    { licensees, now: () => new Date(), newId: monotonicFactory() },
    {
      licenseNumber: `OCM-DIST-26-${m}-K1`,
      legalName: `Key Test Distribution ${m} LLC`,
      premisesAddress: { street: '1 Test Way', city: 'Albany', state: 'NY', zip: '12205' },
      phone: '(518) 555-0100',
      stateSystem: system === bioTrackSystem ? { adapter: system, stateLicenseNumber: `LocLicK${m}`, ubi: `60${m}2` } : { adapter: system, stateLicenseNumber: LICENSE },
    },
  );
  return licensee.id;
}

const caller = (licenseeId: string) => ({ licenseeId, apiKeyId: 'admin-key' });
const enter = (licenseeId: string, body: unknown) =>
  call(handler, httpEvent('PUT /v1/integrations/metrc/credentials', '/v1/integrations/metrc/credentials', { caller: caller(licenseeId), body }));
const connection = async (licenseeId: string) => {
  const reply = await call(handler, httpEvent('GET /v1/integrations/{system}', '/v1/integrations/metrc', { caller: caller(licenseeId), pathParameters: { system: 'metrc' } }));
  expect(reply.status).toBe(200);
  return reply.body;
};

describe('PUT /v1/integrations/metrc/credentials', () => {
  it('refuses what is not a key, a key Metrc refuses, and a key that cannot reach the facility, storing nothing', async () => {
    const licenseeId = await licenseeOn(metrcSystem);

    const empty = await enter(licenseeId, { userKey: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.headers['content-type']).toBe('application/problem+json');
    expect(empty.body).toMatchObject({ code: 'validation-failed', errors: [{ pointer: '/userKey' }] });
    expect((await enter(licenseeId, { userKey: KEYS.good, extra: 1 })).body).toMatchObject({ code: 'validation-failed' });

    const wrong = await enter(licenseeId, { userKey: 'not-a-key-metrc-knows' });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'state-credentials-refused', errors: [{ pointer: '/userKey' }] });
    expect(wrong.body['detail']).toMatch(/refused this key/);

    const elsewhere = await enter(licenseeId, { userKey: KEYS.other });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body['detail']).toContain(`no access to facility ${LICENSE}`);

    expect(await connection(licenseeId)).toEqual({ system: metrcSystem, displayName: 'Metrc', health: 'missing' });
    expect(await connections.stateUser(licenseeId, metrcSystem, 'default')).toBeUndefined();
  });

  it('answers 409 for a licensee that does not report to Metrc', async () => {
    const reply = await enter(await licenseeOn(bioTrackSystem), { userKey: KEYS.good });
    expect(reply.status).toBe(409);
    expect(reply.body['code']).toBe('not-integrated');
  });

  it('connects with a good key, never shows it, lists the licensee for the reconciler, and says revoked once Metrc stops accepting it', async () => {
    const licenseeId = await licenseeOn(metrcSystem);
    const reply = await enter(licenseeId, { userKey: `  ${KEYS.good} ` });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toMatchObject({ system: metrcSystem, health: 'connected', facility: { licenseNumber: LICENSE, name: 'Hudson Valley Distribution LLC' }, resumed: 0 });
    expect(reply.text).not.toContain(KEYS.good);
    expect(await connection(licenseeId)).toMatchObject({ health: 'connected', since: reply.body['since'] });
    expect(await connections.connectedLicensees(metrcSystem)).toContain(licenseeId);
    // Sealed at rest, trimmed as pasted.
    expect(await connections.stateUser(licenseeId, metrcSystem, 'default')).toEqual({ username: '', password: KEYS.good });

    // The key is deleted in Metrc; the adapter's next call meets 401, checks the key and records it.
    const revoked = await fetch(`${emulator.url}/_emulator/keys/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: KEYS.good }) });
    expect(revoked.status).toBe(200);
    const settings = await metrcSettingsFrom(config);
    if (!settings) throw new Error('Metrc is configured for this test');
    const adapter = createMetrcAdapter({ settings, connections, fetch, now: () => new Date() });
    const account = { licenseeId, system: metrcSystem, stateLicenseNumber: LICENSE, identity: {} };
    await expect(adapter.observe(account, undefined, [])).rejects.toMatchObject({ kind: 'consent-expired', code: 'CREDENTIALS_REVOKED' });
    const after = await connection(licenseeId);
    expect(after).toMatchObject({ health: 'revoked', since: expect.any(String) as string });

    // A new key repairs it.
    const again = await enter(licenseeId, { userKey: KEYS.next });
    expect(again.status).toBe(200);
    expect(await connection(licenseeId)).toMatchObject({ health: 'connected', since: again.body['since'] });
    expect(await connections.stateUser(licenseeId, metrcSystem, 'default')).toEqual({ username: '', password: KEYS.next });
  });
});
