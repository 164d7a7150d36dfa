/**
 * The API key authorizer in front of every licensee route of the local API, answering as API
 * Gateway does: 401 without the Authorization header, 403 when the authorizer refuses the key.
 */
import { ulid } from 'ulid';
import { describe, expect, inject, it } from 'vitest';
import { routes } from '#shared/routes.ts';
import { newKey, request } from '../support/hub-api.ts';

const [tenant] = inject('tenants');
if (!tenant) throw new Error('No demo tenant was seeded');
const licenseeRoutes = routes.filter((r) => r.auth === 'licensee').map((r) => [`${r.method} ${r.path}`, r.method, r.path.replace('{id}', ulid())]);

describe.each(licenseeRoutes)('%s', (_routeKey, method, path) => {
  it('answers 401 problem+json without an Authorization header', async () => {
    const answer = await request(method, path, { body: method === 'POST' ? { label: 'x' } : undefined });

    expect(answer.status).toBe(401);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(answer.body).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('answers 403 problem+json for a key nobody issued', async () => {
    const forged = tenant.apiKey.replace(/_[0-9A-Z]{26}_/, `_${ulid()}_`);

    const answer = await request(method, path, { apiKey: forged });

    expect(answer.status).toBe(403);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('the Authorization header', () => {
  const key = tenant.apiKey;
  it.each([
    ['an empty header', '', 401],
    ['another scheme', `Basic ${Buffer.from('user:pass').toString('base64')}`, 403],
    ['a bearer token that is not a hub key', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 403],
    ['the key without the Bearer scheme', key, 403],
    ['a key with its secret cut short', `Bearer ${key.slice(0, -1)}`, 403],
    ['a key with a wrong secret', `Bearer ${key.slice(0, -2)}${key.endsWith('AA') ? 'BB' : 'AA'}`, 403],
  ])('with %s answers %i', async (_case, authorization, status) => {
    const answer = await request('GET', '/v1/me', { authorization });

    expect(answer.status).toBe(status);
    expect(answer.contentType).toBe('application/problem+json');
    expect(JSON.stringify(answer.body)).not.toContain(key.slice(-43));
  });

  it('accepts the scheme in any case', async () => {
    expect((await request('GET', '/v1/me', { authorization: `bearer ${key}` })).status).toBe(200);
  });

  it('is refused at once after its key is revoked (no cache in local mode)', async () => {
    const key = await newKey(tenant, 'revoked mid-session');
    expect((await request('GET', '/v1/me', { apiKey: key.apiKey })).status).toBe(200);

    await request('DELETE', `/v1/api-keys/${key.id}`, { apiKey: tenant.apiKey });

    expect((await request('GET', '/v1/me', { apiKey: key.apiKey })).status).toBe(403);
  });
});

describe('public routes', () => {
  it('serve GET /health without a key', async () => {
    expect((await request('GET', '/health')).status).toBe(200);
  });
});

describe('the operator route', () => {
  it('answers 401 with a Bearer challenge without credentials, 403 with a wrong token', async () => {
    const bare = await request('POST', '/ops/state-submissions/redrive');
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(bare.contentType).toBe('application/problem+json');
    const wrong = await request('POST', '/ops/state-submissions/redrive', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(403);
  });
});
