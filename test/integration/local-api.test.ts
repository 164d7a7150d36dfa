import { Agent, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalApi } from '#infra/local/http-server.ts';
import type { LocalApi } from '#infra/local/http-server.ts';
import { LocalLambdaRuntime } from '#infra/local/lambda-runtime.ts';
import { repositoryRoot } from '#infra/local/hub.ts';
import type { RouteDefinition } from '#shared/routes.ts';

const fixture = (entry: string, timeoutSeconds = 10) => ({ entry, description: entry, timeoutSeconds, memoryMb: 128 });
const runtime = new LocalLambdaRuntime(repositoryRoot, {
  echo: fixture('test/fixtures/echo.ts'),
  slow: fixture('test/fixtures/slow.ts', 1),
  crash: fixture('test/fixtures/crash.ts'),
});
const routes = [
  { method: 'POST', path: '/v1/things/{id}', function: 'echo' },
  { method: 'GET', path: '/slow', function: 'slow' },
  { method: 'GET', path: '/crash', function: 'crash' },
] as unknown as RouteDefinition[];

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ port: 0, routes, runtime });
});
afterAll(() => api.stop());

describe('local API Gateway (HTTP API, payload v2)', () => {
  it('invokes the routed handler with a v2 event and returns its response, cookies included', async () => {
    const response = await fetch(`${api.url}/v1/things/t%201?x=1&x=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom': 'Yes', cookie: 'a=1' },
      body: JSON.stringify({ hello: 'Łódź' }),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('set-cookie')).toBe('session=abc; HttpOnly');
    const { event, remainingMs, functionName } = (await response.json()) as {
      event: APIGatewayProxyEventV2;
      remainingMs: number;
      functionName: string;
    };
    expect(functionName).toBe('echo');
    expect(remainingMs).toBeGreaterThan(5_000);
    expect(remainingMs).toBeLessThanOrEqual(10_000);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/things/{id}',
      pathParameters: { id: 't 1' },
      queryStringParameters: { x: '1,2' },
      cookies: ['a=1'],
      body: '{"hello":"Łódź"}',
      isBase64Encoded: false,
    });
    expect(event.headers['x-custom']).toBe('Yes');
    expect(event.requestContext.requestId).toBe(response.headers.get('apigw-requestid'));
  });

  it('answers 404 problem+json for a route that is not in the table', async () => {
    const response = await fetch(`${api.url}/v1/things/1`, { method: 'DELETE' });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'route-not-found', status: 404 });
  });

  it('ends an invocation at the function timeout with a 500, as API Gateway does', async () => {
    const started = Date.now();
    const response = await fetch(`${api.url}/slow`);

    expect(response.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await response.json()).toMatchObject({ code: 'internal-error' });
  });

  it('answers a crashing handler with a 500 that does not leak the error', async () => {
    const response = await fetch(`${api.url}/crash`);

    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('handler bug');
  });

  it('refuses a body over API Gateway’s 10 MB limit with 413', async () => {
    const response = await fetch(`${api.url}/v1/things/1`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) });

    expect(response.status).toBe(413);
  });

  it('closes the connection cleanly after a 413: the next keep-alive request is answered, not reset', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const tooLarge = await send(agent, 'POST', '/v1/things/1', Buffer.alloc(10 * 1024 * 1024 + 1));
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(tooLarge.body)).toMatchObject({ status: 413, code: 'payload-too-large' });

      const next = await send(agent, 'POST', '/v1/things/2', Buffer.from('{}'));
      expect(next.status).toBe(200);
      expect(tooLarge.headers['connection']).toBe('close');
    } finally {
      agent.destroy();
    }
  });

  it('answers a URL over API Gateway’s quota with a 414 problem, and oversized headers with a 431 problem', async () => {
    const agent = new Agent({ keepAlive: false });
    try {
      const longUrl = await send(agent, 'POST', `/v1/things/${'x'.repeat(11_000)}`, Buffer.from('{}'));
      expect(longUrl.status).toBe(414);
      expect(longUrl.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(longUrl.body)).toMatchObject({ status: 414, code: 'uri-too-long' });

      const bigHeader = await send(agent, 'POST', '/v1/things/1', Buffer.from('{}'), { 'x-padding': 'y'.repeat(11_000) });
      expect(bigHeader.status).toBe(431);
      expect(JSON.parse(bigHeader.body)).toMatchObject({ status: 431, code: 'header-fields-too-large' });

      // Beyond what Node's parser takes at all.
      const hugeHeader = await send(agent, 'POST', '/v1/things/1', Buffer.from('{}'), { 'x-padding': 'y'.repeat(100_000) });
      expect(hugeHeader.status).toBe(431);
      expect(hugeHeader.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(hugeHeader.body)).toMatchObject({ status: 431, code: 'header-fields-too-large' });
    } finally {
      agent.destroy();
    }
  });
});

/** One request through a node:http agent (fetch hides how connections are reused). */
function send(agent: Agent, method: string, path: string, body: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = httpRequest(`${api.url}${path}`, { method, agent, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    // The server may answer before the whole body is written; what matters is the answer.
    request.on('error', reject);
    request.end(body);
  });
}

describe('the hub API started by the test setup', () => {
  it('serves the shared route table', async () => {
    const response = await fetch(`${inject('hub').urls.api}/health`);
    expect(response.status).toBe(200);
  });
});
