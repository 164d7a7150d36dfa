import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { authorize, createApiKey } from '#shared/tenants/use-cases.ts';
import { fakeTenants } from './fakes.ts';

// The handler module reads its configuration at import, as in Lambda; the fakes replace the table.
vi.hoisted(() => {
  Object.assign(process.env, {
    HUB_TABLE_NAME: 'hub',
    IDEMPOTENCY_TABLE_NAME: 'idempotency',
    DOCUMENTS_BUCKET_NAME: 'documents',
    EXPORTS_BUCKET_NAME: 'exports',
    UPLOADS_BUCKET_NAME: 'uploads',
    STATE_SUBMISSIONS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/subs.fifo',
    STATE_SUBMISSIONS_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/1/subs-dlq.fifo',
  });
});
const { createHandler } = await import('#functions/authorizer/handler.ts');

async function world() {
  const { deps } = fakeTenants();
  const alice = await createApiKey(deps, 'alice', 'ERP');
  const revoked = await createApiKey(deps, 'alice', 'old laptop');
  await deps.apiKeys.revoke(revoked.key.id, 'alice', '2026-11-24T15:00:00Z', alice.key.id);
  return { deps, alice, revoked };
}

describe('authorize', () => {
  it('resolves the licensee and key of a valid key', async () => {
    const { deps, alice } = await world();

    expect(await authorize(deps, `Bearer ${alice.apiKey}`)).toEqual({
      allowed: true,
      caller: { licenseeId: 'alice', apiKeyId: alice.key.id },
    });
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['   ', 'missing'],
    ['Basic YWxpY2U6c2VjcmV0', 'malformed'],
    ['Bearer not-a-hub-key', 'malformed'],
    ['Bearer nyth_01JDX0000000000000000000000_tooshort', 'malformed'],
  ])('refuses %j as %s', async (header, reason) => {
    const { deps } = await world();

    expect(await authorize(deps, header)).toEqual({ allowed: false, reason });
  });

  it('refuses a well-formed key nobody issued', async () => {
    const { deps, alice } = await world();
    const unknown = alice.apiKey.replace(alice.key.id, '01JDX00000000000000000000Z');

    expect(await authorize(deps, `Bearer ${unknown}`)).toEqual({ allowed: false, reason: 'unknown-key' });
  });

  it('refuses a known key id with the wrong secret', async () => {
    const { deps, alice } = await world();
    const guessed = `${alice.apiKey.slice(0, -1)}${alice.apiKey.endsWith('A') ? 'B' : 'A'}`;

    expect(await authorize(deps, `Bearer ${guessed}`)).toEqual({ allowed: false, reason: 'wrong-secret' });
  });

  it('refuses a revoked key', async () => {
    const { deps, revoked } = await world();

    expect(await authorize(deps, `Bearer ${revoked.apiKey}`)).toEqual({ allowed: false, reason: 'revoked' });
  });
});

describe('the authorizer handler (HTTP API, payload v2, simple responses)', () => {
  const event = (authorization: string) =>
    ({
      version: '2.0',
      type: 'REQUEST',
      routeKey: 'GET /v1/me',
      identitySource: [authorization],
      headers: { authorization },
    }) as unknown as APIGatewayRequestAuthorizerEventV2;
  const context = { functionName: 'authorizer', getRemainingTimeInMillis: () => 5_000 } as Context;

  it('answers isAuthorized with the caller as context', async () => {
    const { deps, alice } = await world();

    expect(await createHandler(deps)(event(`Bearer ${alice.apiKey}`), context)).toEqual({
      isAuthorized: true,
      context: { licenseeId: 'alice', apiKeyId: alice.key.id },
    });
  });

  it('answers isAuthorized false, with no context, for a revoked key', async () => {
    const { deps, revoked } = await world();

    expect(await createHandler(deps)(event(`Bearer ${revoked.apiKey}`), context)).toEqual({ isAuthorized: false });
  });

  it('lets a failing key store fail the request rather than deny it (API Gateway then answers 500)', async () => {
    const { deps, alice } = await world();
    const broken = { apiKeys: { ...deps.apiKeys, get: () => Promise.reject(new Error('DynamoDB is down')) } };

    await expect(createHandler(broken)(event(`Bearer ${alice.apiKey}`), context)).rejects.toThrow('DynamoDB is down');
  });
});
