import { describe, expect, it } from 'vitest';
import { compileRoutes, fromHttpApiResult, toHttpApiEvent } from '#infra/local/http-server.ts';
import type { RouteDefinition } from '#shared/routes.ts';

const routes = [
  { method: 'GET', path: '/v1/transfers/{id}', function: 'health' },
  { method: 'GET', path: '/v1/transfers/incoming', function: 'health' },
  { method: 'POST', path: '/v1/transfers/{id}/depart', function: 'health' },
  { method: 'GET', path: '/files/{key+}', function: 'health' },
] as unknown as RouteDefinition[];

describe('compileRoutes', () => {
  const match = compileRoutes(routes);

  it('extracts and decodes path parameters', () => {
    expect(match('GET', '/v1/transfers/01J%2FX')).toMatchObject({
      route: { path: '/v1/transfers/{id}' },
      pathParameters: { id: '01J/X' },
    });
  });

  it('keeps a broken percent-escape as it came instead of failing', () => {
    expect(match('GET', '/v1/transfers/%E0%A4%A')?.pathParameters).toEqual({ id: '%E0%A4%A' });
  });

  it('prefers a literal segment over a parameter, as API Gateway does', () => {
    expect(match('GET', '/v1/transfers/incoming')?.route.path).toBe('/v1/transfers/incoming');
  });

  it('matches a greedy parameter across segments', () => {
    expect(match('GET', '/files/a/b/c.pdf')?.pathParameters).toEqual({ key: 'a/b/c.pdf' });
  });

  it('finds nothing for another method or a longer path', () => {
    expect(match('DELETE', '/v1/transfers/1')).toBeUndefined();
    expect(match('GET', '/v1/transfers/1/extra')).toBeUndefined();
  });
});

describe('toHttpApiEvent', () => {
  const match = compileRoutes(routes);
  const found = match('POST', '/v1/transfers/42/depart');
  if (!found) throw new Error('route table under test is wrong');

  const base = {
    method: 'POST',
    url: '/v1/transfers/42/depart?a=1&a=2&b=x%20y',
    headers: { 'content-type': 'application/json', cookie: 'c1=v1; c2=v2', 'x-multi': ['p', 'q'] },
    body: Buffer.from('{"at":"2026-11-24T10:00:00Z"}'),
    sourceIp: '127.0.0.1',
  };

  it('builds a payload v2 event like API Gateway HTTP API', () => {
    const event = toHttpApiEvent(base, found, 'req-1', new Date('2026-11-24T15:00:00Z'));

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/transfers/{id}/depart',
      rawPath: '/v1/transfers/42/depart',
      rawQueryString: 'a=1&a=2&b=x%20y',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { id: '42' },
      body: '{"at":"2026-11-24T10:00:00Z"}',
      isBase64Encoded: false,
      requestContext: { requestId: 'req-1', stage: '$default', timeEpoch: Date.parse('2026-11-24T15:00:00Z') },
    });
    expect(event.headers['x-multi']).toBe('p,q');
    expect(event.headers['cookie']).toBeUndefined();
  });

  it('base64-encodes a binary body', () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff]);
    const event = toHttpApiEvent(
      { ...base, headers: { 'content-type': 'application/pdf' }, body: bytes },
      found,
      'req-2',
    );

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });
});

describe('fromHttpApiResult', () => {
  it('treats a bare value as a 200 JSON body', () => {
    const result = fromHttpApiResult({ ok: true });

    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.body.toString()).toBe('{"ok":true}');
  });

  it('decodes base64 bodies and sends cookies as set-cookie', () => {
    const result = fromHttpApiResult({
      statusCode: 201,
      headers: { 'Content-Type': 'application/pdf' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: true,
      body: Buffer.from('%PDF').toString('base64'),
    });

    expect(result.status).toBe(201);
    expect(result.headers).toEqual({ 'content-type': 'application/pdf', 'set-cookie': ['a=1', 'b=2'] });
    expect(result.body.toString()).toBe('%PDF');
  });
});
