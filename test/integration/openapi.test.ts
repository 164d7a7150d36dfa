import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { routes } from '#shared/routes.ts';
import { demoTenant, request } from '../support/hub-api.ts';
import { openApiContract } from '../support/openapi-contract.ts';
import type { OpenApiContract } from '../support/openapi-contract.ts';

const api = inject('hub').urls.api;
const distributor = demoTenant('distributor');

async function servedDocument() {
  const response = await fetch(`${api}/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown> & { paths: Record<string, Record<string, { security: unknown[] }>> };
}

/** One request as raw as the test needs it (bytes, any content type, any header), and its answer. */
async function send(method: string, path: string, options: { body?: string | Buffer; contentType?: string; headers?: Record<string, string>; apiKey?: string | null } = {}) {
  const apiKey = options.apiKey === undefined ? distributor.apiKey : options.apiKey;
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      ...(options.contentType ? { 'content-type': options.contentType } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const contentType = response.headers.get('content-type');
  const text = await response.text();
  const body: unknown = contentType?.includes('json') && text ? JSON.parse(text) : text;
  return { status: response.status, contentType, body, headers: response.headers };
}

describe('GET /openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document describing every route of the route table', async () => {
    const document = await servedDocument();

    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      const security = { public: [], licensee: [{ apiKey: [] }], operator: [{ operator: [] }] }[route.auth];
      expect(operation?.security, `${route.method} ${route.path}`).toEqual(security);
    }
  });
});

describe('answers as the document describes them', () => {
  let contract: OpenApiContract;
  beforeAll(async () => {
    contract = openApiContract(await servedDocument());
  });

  it('a POST /v1/api-keys and its replay under the same Idempotency-Key both fit the documented answer', async () => {
    const idempotencyKey = randomUUID();
    const create = () => request('POST', '/v1/api-keys', { apiKey: distributor.apiKey, body: { label: 'replayed key' }, headers: { 'idempotency-key': idempotencyKey } });
    const first = await create();
    const replay = await create();

    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(first.body['apiKey']).toMatch(/^nyth_/);
    expect(replay.body).not.toHaveProperty('apiKey');
    expect(replay.body['id']).toBe(first.body['id']);
    expect(contract.check('POST', '/v1/api-keys', first)).toEqual([]);
    expect(contract.check('POST', '/v1/api-keys', replay)).toEqual([]);
    // The first answer is the created key with its secret; the replay is the key's record alone.
    expect(contract.checkSchema('CreatedApiKey', first.body)).toEqual([]);
    expect(contract.checkSchema('CreatedApiKey', replay.body)).not.toEqual([]);
    expect(contract.checkSchema('ApiKey', replay.body)).toEqual([]);
    expect(contract.response('POST', '/v1/api-keys', 201)?.headers).toHaveProperty('idempotent-replayed');

    expect((await request('DELETE', `/v1/api-keys/${String(first.body['id'])}`, { apiKey: distributor.apiKey })).status).toBe(200);
  });

  it('edge answers provoked over HTTP are documented for their route, with their code, as problems', async () => {
    const driver = { name: 'Ada Lovelace', employeeId: 'E-1', driversLicenseNumber: '123456789', phone: '+1 518 555 0100' };
    const unknownTransfer = '01J0000000000000000000000Z';
    const cases: { route: string; path?: string; answer: () => ReturnType<typeof send>; status: number; code: string }[] = [
      { route: 'POST /v1/drivers', answer: () => send('POST', '/v1/drivers', { body: '{"name":', contentType: 'application/json' }), status: 400, code: 'malformed-json' },
      {
        route: 'POST /v1/drivers',
        answer: () => send('POST', '/v1/drivers', { body: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), contentType: 'application/json' }),
        status: 400,
        code: 'invalid-utf8',
      },
      { route: 'POST /v1/drivers', answer: () => send('POST', '/v1/drivers', { body: JSON.stringify(driver), contentType: 'text/plain' }), status: 415, code: 'unsupported-media-type' },
      {
        route: 'POST /v1/drivers',
        answer: () => send('POST', '/v1/drivers', { body: JSON.stringify({ ...driver, note: 'x'.repeat(1024 * 1024) }), contentType: 'application/json' }),
        status: 413,
        code: 'payload-too-large',
      },
      { route: 'POST /v1/drivers', answer: () => send('POST', '/v1/drivers', { body: JSON.stringify({ ...driver, name: '' }), contentType: 'application/json' }), status: 422, code: 'validation-failed' },
      {
        route: 'POST /v1/drivers',
        answer: () => send('POST', '/v1/drivers', { body: JSON.stringify(driver), contentType: 'application/json', headers: { 'idempotency-key': 'not a key' } }),
        status: 400,
        code: 'invalid-idempotency-key',
      },
      {
        route: 'POST /v1/api-keys',
        answer: () => send('POST', '/v1/api-keys', { body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20), contentType: 'application/json' }),
        status: 413,
        code: 'payload-too-large',
      },
      { route: 'GET /v1/drivers', path: '/v1/drivers?limit=0', answer: () => send('GET', '/v1/drivers?limit=0'), status: 400, code: 'invalid-query' },
      { route: 'GET /v1/drivers', path: '/v1/drivers?cursor=forged', answer: () => send('GET', '/v1/drivers?cursor=forged'), status: 400, code: 'invalid-cursor' },
      { route: 'GET /v1/transfers', path: '/v1/transfers?direction=sideways', answer: () => send('GET', '/v1/transfers?direction=sideways'), status: 400, code: 'invalid-query' },
      { route: 'GET /v1/reports/inventory-movements', answer: () => send('GET', '/v1/reports/inventory-movements'), status: 400, code: 'invalid-query' },
      {
        route: 'POST /v1/transfers/{id}/depart',
        path: `/v1/transfers/${unknownTransfer}/depart`,
        answer: () => send('POST', `/v1/transfers/${unknownTransfer}/depart`, { body: '{}', contentType: 'text/plain' }),
        status: 415,
        code: 'unsupported-media-type',
      },
      {
        route: 'POST /v1/transfers/{id}/manifest',
        path: `/v1/transfers/${unknownTransfer}/manifest`,
        answer: () => send('POST', `/v1/transfers/${unknownTransfer}/manifest`, { body: '{"hurry":true}', contentType: 'application/json' }),
        status: 422,
        code: 'validation-failed',
      },
      { route: 'GET /v1/transfers/{id}', path: `/v1/transfers/${unknownTransfer}`, answer: () => send('GET', `/v1/transfers/${unknownTransfer}`), status: 404, code: 'not-found' },
      {
        route: 'GET /verify/{manifestNumber}',
        path: '/verify/OCM-DIST-26-000001-M000001?h=nothex',
        answer: () => send('GET', '/verify/OCM-DIST-26-000001-M000001?h=nothex', { apiKey: null, headers: { accept: 'application/json' } }),
        status: 400,
        code: 'invalid-query',
      },
      { route: 'GET /v1/me', answer: () => send('GET', '/v1/me', { apiKey: null }), status: 401, code: 'unauthorized' },
      { route: 'GET /v1/me', answer: () => send('GET', '/v1/me', { apiKey: 'nyth_unknown_key' }), status: 403, code: 'forbidden' },
      { route: 'GET /v1/me', path: `/v1/me?pad=${'a'.repeat(11_000)}`, answer: () => send('GET', `/v1/me?pad=${'a'.repeat(11_000)}`), status: 414, code: 'uri-too-long' },
      { route: 'GET /v1/me', answer: () => send('GET', '/v1/me', { headers: { 'x-padding': 'a'.repeat(11_000) } }), status: 431, code: 'header-fields-too-large' },
    ];
    for (const sample of cases) {
      const [method = '', path = ''] = sample.route.split(' ');
      const answer = await sample.answer();
      const label = `${sample.route} (${sample.path ?? path}) → ${sample.status} ${sample.code}`;
      expect(answer.status, label).toBe(sample.status);
      expect(answer.contentType, label).toBe('application/problem+json');
      expect(answer.body, label).toMatchObject({ code: sample.code });
      expect(contract.check(method, path, answer), label).toEqual([]);
      expect(contract.response(method, path, sample.status)?.description, label).toContain(`\`${sample.code}\``);
    }
  });

  it('a browser gets the verification page for a malformed hash, as documented (text/html)', async () => {
    const answer = await send('GET', '/verify/OCM-DIST-26-000001-M000001?h=nothex', { apiKey: null, headers: { accept: 'text/html' } });
    expect(answer.status).toBe(400);
    expect(contract.check('GET', '/verify/{manifestNumber}', answer)).toEqual([]);
  });
});
