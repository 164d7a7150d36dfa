import { randomInt } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { ConflictError } from '#shared/errors.ts';
import { keys } from '#shared/repositories/keys.ts';
import { hubTable } from '#shared/resources.ts';
import { newLicensee } from '#shared/tenants/licensee.ts';
import { createApiKeyRepository, createLicenseeRepository } from '#shared/tenants/repository.ts';
import { licenseeRegistrationSchema } from '#shared/tenants/schemas.ts';
import { createApiKey, revokeApiKey } from '#shared/tenants/use-cases.ts';

const { dynamodb } = createAwsClients(readConfig());
const licensees = createLicenseeRepository(dynamodb, hubTable.name);
const apiKeys = createApiKeyRepository(dynamodb, hubTable.name);
const newId = monotonicFactory();
const deps = { licensees, apiKeys, now: () => new Date(), newId };

const registration = (licenseNumber: string, legalName: string) =>
  licenseeRegistrationSchema.parse({
    licenseNumber,
    legalName,
    premisesAddress: { street: '200 Genesee St', city: 'Utica', zip: '13502' },
    phone: '315-555-0110',
    stateSystem: { adapter: 'metrc', stateLicenseNumber: 'MET-0042' },
  });
const freshLicenseNumber = () => `OCM-MICR-25-${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;

describe('the licensee repository', () => {
  it('lets exactly one of two concurrent registrations of a license number win, atomically', async () => {
    const number = freshLicenseNumber();
    const at = new Date().toISOString();
    const a = newLicensee(registration(number, 'Mohawk Micro A LLC'), newId(), at).licensee;
    const b = newLicensee(registration(number, 'Mohawk Micro B LLC'), newId(), at).licensee;

    const results = await Promise.allSettled([licensees.create(a), licensees.create(b)]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(ConflictError);
    expect((refused?.reason as ConflictError).code).toBe('license-number-taken');
    const winner = await licensees.findIdByLicenseNumber(number);
    const loser = winner === a.id ? b : a;
    // The loser's profile went nowhere: the transaction wrote both items or neither.
    expect(await licensees.get(loser.id)).toBeUndefined();
    expect(await licensees.get(winner ?? '')).toMatchObject({ licenseNumber: number, version: 1 });
  });

  it('stores the profile as the transfers read it (the licensee directory)', async () => {
    const number = freshLicenseNumber();
    const licensee = newLicensee(registration(number, 'Oneida Micro LLC'), newId(), new Date().toISOString()).licensee;
    await licensees.create(licensee);

    const { Item } = await dynamodb.send(new GetCommand({ TableName: hubTable.name, Key: keys.licensee(licensee.id) }));

    expect(Item).toMatchObject({
      id: licensee.id,
      licenseNumber: number,
      licenseType: 'MICR',
      legalName: 'Oneida Micro LLC',
      premisesAddress: { street: '200 Genesee St', city: 'Utica', state: 'NY', zip: '13502' },
      phone: '315-555-0110',
      stateSystem: { adapter: 'metrc', stateLicenseNumber: 'MET-0042' },
      stateSystemAccess: 'active',
    });
  });
});

describe('the API key repository', () => {
  it('stores a hash, never the key', async () => {
    const { key, apiKey } = await createApiKey(deps, `test-${newId()}`, 'stored');

    const { Item } = await dynamodb.send(new GetCommand({ TableName: hubTable.name, Key: keys.apiKey(key.id) }));

    expect(Item?.['secretHash']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(Item)).not.toContain(apiKey.slice(-43));
  });

  it('revokes once under concurrent revocations', async () => {
    const licenseeId = `test-${newId()}`;
    const { key } = await createApiKey(deps, licenseeId, 'raced');
    const caller = { licenseeId, apiKeyId: key.id };

    const answers = await Promise.all(Array.from({ length: 5 }, () => revokeApiKey(deps, caller, key.id)));

    expect(new Set(answers.map((a) => a.revokedAt)).size).toBe(1);
    expect(await apiKeys.get(key.id)).toMatchObject({ version: 2 });
  });

  it('lists without hashes, straight from the index', async () => {
    const licenseeId = `test-${newId()}`;
    await createApiKey(deps, licenseeId, 'one');
    await createApiKey(deps, licenseeId, 'two');

    const page = await apiKeys.list(licenseeId, { limit: 10 });

    expect(page.items.map((k) => k.label)).toEqual(['two', 'one']);
    for (const item of page.items) expect(item).not.toHaveProperty('secretHash');
  });
});
