import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { idempotencyTable } from '#shared/resources.ts';
import { demoTenant, newKey, request } from '../../support/hub-api.ts';

/** Everything the idempotency table remembers (a test-only scan of the local table). */
function idempotencyRecords() {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: inject('hub').urls.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  return client.send(new ScanCommand({ TableName: idempotencyTable.name })).finally(() => client.destroy());
}

const distributor = demoTenant('distributor');
const processor = demoTenant('processor');

describe('POST /v1/api-keys', () => {
  it('shows the new key once; it works at once and belongs to the same licensee', async () => {
    const created = await request('POST', '/v1/api-keys', { apiKey: distributor.apiKey, body: { label: 'ERP integration' } });

    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const id = created.body['id'] as string;
    expect(created.headers.get('location')).toBe(`/v1/api-keys/${id}`);
    expect(created.body).toMatchObject({ label: 'ERP integration', status: 'active' });
    expect(created.body['apiKey']).toMatch(new RegExp(`^nyth_${id}_[A-Za-z0-9_-]{43}$`));
    expect(created.body).not.toHaveProperty('secretHash');

    const me = await request('GET', '/v1/me', { apiKey: created.body['apiKey'] as string });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ licenseNumber: distributor.licenseNumber, apiKeyId: id });
  });

  it('replays a retry under the same Idempotency-Key without creating a key or storing the secret', async () => {
    const key = `keys-${ulid()}`;
    const headers = { 'idempotency-key': key };
    const first = await request('POST', '/v1/api-keys', { apiKey: processor.apiKey, body: { label: 'Retried' }, headers });
    const retry = await request('POST', '/v1/api-keys', { apiKey: processor.apiKey, body: { label: 'Retried' }, headers });

    expect(first.status).toBe(201);
    expect(first.body['apiKey']).toEqual(expect.any(String));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body['id']).toBe(first.body['id']);
    expect(retry.body).not.toHaveProperty('apiKey');
    const { Items } = await idempotencyRecords();
    expect(JSON.stringify(Items)).not.toContain(String(first.body['apiKey']).slice(-20));
  });

  it.each([
    ['no JSON content type', { body: 'label=x', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported-media-type'],
    ['malformed JSON', { body: '{"label":' }, 400, 'malformed-json'],
    ['an unknown field', { body: { label: 'x', secret: 'mine' } }, 422, 'validation-failed'],
    ['an empty label', { body: { label: '   ' } }, 422, 'validation-failed'],
    ['a label over 100 characters', { body: { label: 'x'.repeat(101) } }, 422, 'validation-failed'],
    ['no label', { body: {} }, 422, 'validation-failed'],
    ['a JSON array', { body: '[]' }, 422, 'validation-failed'],
  ])('refuses %s with problem+json', async (_case, spec, status, code) => {
    const answer = await request('POST', '/v1/api-keys', { apiKey: distributor.apiKey, ...spec });

    expect(answer.status).toBe(status);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status, code });
  });

  it('points at the offending field', async () => {
    const answer = await request('POST', '/v1/api-keys', { apiKey: distributor.apiKey, body: { label: 'x', secret: 'mine' } });

    expect(answer.body['errors']).toEqual([{ pointer: '/secret', message: 'Unknown field' }]);
  });
});

describe('GET /v1/api-keys', () => {
  it('lists the licensee’s keys newest first, without secrets or hashes', async () => {
    const older = await newKey(processor, 'older');
    const newer = await newKey(processor, 'newer');

    const list = await request('GET', '/v1/api-keys?limit=100', { apiKey: processor.apiKey });

    expect(list.status).toBe(200);
    const ids = (list.body['items'] as { id: string }[]).map((k) => k.id);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
    expect(ids).toEqual([...ids].sort().reverse());
    expect(JSON.stringify(list.body)).not.toMatch(/secretHash|nyth_|apiKey"/);
  });

  it('pages with a cursor through every key exactly once', async () => {
    const mine = [await newKey(processor, 'p1'), await newKey(processor, 'p2'), await newKey(processor, 'p3')];
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '2', ...(cursor ? { cursor } : {}) });
      const page = await request('GET', `/v1/api-keys?${query.toString()}`, { apiKey: processor.apiKey });
      expect(page.status).toBe(200);
      seen.push(...(page.body['items'] as { id: string }[]).map((k) => k.id));
      cursor = page.body['cursor'] as string | undefined;
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(mine.map((k) => k.id)));
  });

  it.each([
    ['limit=0', 'invalid-query'],
    ['limit=abc', 'invalid-query'],
    ['limit=101', 'invalid-query'],
    ['status=active', 'invalid-query'],
    ['cursor=not-a-cursor', 'invalid-cursor'],
  ])('refuses ?%s with 400 %s', async (query, code) => {
    const answer = await request('GET', `/v1/api-keys?${query}`, { apiKey: processor.apiKey });

    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code });
  });
});

describe('DELETE /v1/api-keys/{id}', () => {
  it('revokes a key: it is refused at once, and revoking again changes nothing', async () => {
    const key = await newKey(distributor, 'to revoke');
    expect((await request('GET', '/v1/me', { apiKey: key.apiKey })).status).toBe(200);

    const revoked = await request('DELETE', `/v1/api-keys/${key.id}`, { apiKey: distributor.apiKey });

    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: key.id, status: 'revoked' });
    expect(Date.parse(revoked.body['revokedAt'] as string)).toBeGreaterThan(Date.now() - 60_000);
    const refused = await request('GET', '/v1/me', { apiKey: key.apiKey });
    expect(refused.status).toBe(403);
    expect(refused.contentType).toBe('application/problem+json');
    const again = await request('DELETE', `/v1/api-keys/${key.id}`, { apiKey: distributor.apiKey });
    expect(again.body).toEqual(revoked.body);
  });

  it('lets a key revoke itself', async () => {
    const key = await newKey(distributor, 'revokes itself');

    const revoked = await request('DELETE', `/v1/api-keys/${key.id}`, { apiKey: key.apiKey });

    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokedByKeyId: key.id });
    expect((await request('GET', '/v1/api-keys', { apiKey: key.apiKey })).status).toBe(403);
  });

  it('keeps revoked keys in the list, marked revoked (nothing is deleted)', async () => {
    const key = await newKey(distributor, 'kept on file');
    await request('DELETE', `/v1/api-keys/${key.id}`, { apiKey: distributor.apiKey });

    const list = await request('GET', '/v1/api-keys?limit=100', { apiKey: distributor.apiKey });

    expect(list.body['items']).toEqual(expect.arrayContaining([expect.objectContaining({ id: key.id, status: 'revoked' })]));
  });

  it.each([ulid(), 'not-a-key-id', 'APIKEY%23x'])('answers 404 for the unknown id %s', async (id) => {
    const answer = await request('DELETE', `/v1/api-keys/${id}`, { apiKey: distributor.apiKey });

    expect(answer.status).toBe(404);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'not-found' });
  });
});

describe('isolation between licensees', () => {
  it("does not list another licensee's keys", async () => {
    const distributorsKey = await newKey(distributor, 'not for the processor');

    const list = await request('GET', '/v1/api-keys?limit=100', { apiKey: processor.apiKey });

    expect((list.body['items'] as { id: string }[]).map((k) => k.id)).not.toContain(distributorsKey.id);
  });

  it("answers an attempt to revoke another licensee's key exactly like an unknown id, and the key keeps working", async () => {
    const distributorsKey = await newKey(distributor, 'the processor tries to revoke it');

    const foreign = await request('DELETE', `/v1/api-keys/${distributorsKey.id}`, { apiKey: processor.apiKey });
    const unknown = await request('DELETE', `/v1/api-keys/${ulid()}`, { apiKey: processor.apiKey });

    expect(foreign.status).toBe(404);
    expect(foreign.contentType).toBe(unknown.contentType);
    expect(foreign.body).toEqual(unknown.body);
    expect((await request('GET', '/v1/me', { apiKey: distributorsKey.apiKey })).status).toBe(200);
  });

  it("refuses another licensee's list cursor", async () => {
    await newKey(distributor, 'c1');
    await newKey(distributor, 'c2');
    const page = await request('GET', '/v1/api-keys?limit=1', { apiKey: distributor.apiKey });
    const cursor = page.body['cursor'] as string;
    expect(cursor).toEqual(expect.any(String));

    const answer = await request('GET', `/v1/api-keys?limit=1&cursor=${encodeURIComponent(cursor)}`, { apiKey: processor.apiKey });

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'invalid-cursor' });
  });
});
