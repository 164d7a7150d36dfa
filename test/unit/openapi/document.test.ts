import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#shared/openapi/document.ts';
import { operations } from '#shared/openapi/operations.ts';
import { routes } from '#shared/routes.ts';
import type { RouteDefinition } from '#shared/routes.ts';

const build = (table: readonly RouteDefinition[] = routes) =>
  buildOpenApiDocument({ title: 'NY transfer hub', version: 'test', routes: table, operations, isPublic: (r) => r.auth === 'public' });

interface Response {
  readonly $ref?: string;
  readonly description?: string;
  readonly content?: Record<string, unknown>;
  readonly headers?: Record<string, unknown>;
}
interface Operation {
  readonly parameters: readonly { readonly name: string; readonly in: string; readonly required: boolean }[];
  readonly requestBody?: { readonly required: boolean; readonly content: Record<string, unknown> };
  readonly responses: Record<string, Response>;
  readonly security: unknown[];
}
type Document = ReturnType<typeof build> & { paths: Record<string, Record<string, Operation>> };

const document = build() as Document;
const operation = (key: string) => {
  const [method = '', path = ''] = key.split(' ');
  const found = document.paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`${key} is not in the document`);
  return found;
};
/** A documented response, its `$ref` into components.responses followed. */
const answer = (key: string, status: string): Response | undefined => {
  const documented = operation(key).responses[status];
  const ref = documented?.$ref?.split('/').at(-1);
  return ref ? (document.components.responses as Record<string, Response>)[ref] : documented;
};
const statuses = (key: string) => Object.keys(operation(key).responses);
const mediaTypes = (key: string, status: string) => Object.keys(answer(key, status)?.content ?? {});

describe('the generated OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document according to an independent validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has every reference resolve inside it (named schemas nested in others are components of their own)', () => {
    const text = JSON.stringify(document);
    const refs = new Set([...text.matchAll(/"\$ref":"([^"]*)"/g)].map((match) => match[1] ?? ''));
    const resolve = (ref: string) => ref.slice(2).split('/').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/')], document);
    expect([...refs].filter((ref) => !ref.startsWith('#/') || resolve(ref) === undefined)).toEqual([]);
    expect(text).not.toContain('__shared');
    expect(document.components.schemas).toHaveProperty('TransferLine');
  });

  it('takes its request schemas from the zod schemas that validate requests', () => {
    const schemas = document.components.schemas as Record<string, { additionalProperties?: boolean; required?: string[] }>;

    expect(schemas['VehicleInput']?.additionalProperties).toBe(false);
    expect(schemas['VehicleInput']?.required).toEqual(expect.arrayContaining(['conveyance', 'make', 'attestations']));
    const post = operation('POST /v1/drivers');
    expect(post.requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/DriverInput' } } } });
    expect(post.security).toEqual([{ apiKey: [] }]);
    // Actions whose body may be left out say so.
    expect(operation('POST /v1/transfers/{id}/depart').requestBody?.required).toBe(false);
    expect(operation('POST /v1/transfers/{id}/manifest').requestBody?.required).toBe(false);
    expect(Object.keys(operation('POST /r/{token}').requestBody?.content ?? {})).toEqual(['application/x-www-form-urlencoded']);
  });

  it('refuses to build when a route has no operation, and describes no route that does not exist', () => {
    const undocumented = { method: 'GET', path: '/v1/nowhere', function: 'health', auth: 'public' } as const;
    expect(() => build([...routes, undocumented])).toThrow('No OpenAPI operation describes GET /v1/nowhere');
    expect(Object.keys(operations).sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('states required query parameters as required, and problems with a pointer or a parameter', () => {
    const queryOf = (path: string) => Object.fromEntries(operation(`GET ${path}`).parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.required]));
    expect(queryOf('/v1/reports/inventory-movements')).toMatchObject({ from: true, to: true, format: false });
    expect(queryOf('/v1/transfers')).toMatchObject({ from: false, to: false, cursor: false, direction: false });
    const problem = (document.components.schemas as Record<string, { properties: { errors: { items: { anyOf?: { required?: string[] }[] } } } }>)['Problem'];
    expect(problem?.properties.errors.items.anyOf?.map((shape) => shape.required)).toEqual([['pointer', 'message'], ['parameter', 'message']]);
  });

  it('documents on every route the answers of the shared edge code, derived from what the route reads', () => {
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const own = operations[key];
      expect(statuses(key), key).toEqual(expect.arrayContaining(['413', '414', '431', '5XX']));
      if (route.auth !== 'public') expect(statuses(key), key).toEqual(expect.arrayContaining(['401', '403']));
      else expect(statuses(key), key).not.toContain('401');
      if (own?.body) {
        for (const [status, code] of [['400', 'malformed-json'], ['400', 'invalid-utf8'], ['413', 'payload-too-large'], ['415', 'unsupported-media-type'], ['422', 'validation-failed']]) {
          expect(answer(key, status ?? '')?.description, `${key} ${status}`).toContain(`\`${code}\``);
        }
      }
      if (own?.query) expect(answer(key, '400')?.description, key).toContain('`invalid-query`');
      if (own?.query && 'cursor' in own.query.shape) expect(answer(key, '400')?.description, key).toContain('`invalid-cursor`');
      if (own?.ifMatch) expect(answer(key, '412')?.description, key).toContain('`stale-version`');
      if (own?.ifMatch === 'required') expect(answer(key, '428')?.description, key).toContain('`if-match-required`');
      for (const status of statuses(key).filter((s) => /^[45]/.test(s))) {
        const types = mediaTypes(key, status);
        expect(types.length, `${key} ${status}`).toBeGreaterThan(0);
        // Every error is a problem, or a page for a person's browser.
        expect(types.every((type) => type === 'application/problem+json' || type === 'text/html'), `${key} ${status}: ${types.join(', ')}`).toBe(true);
      }
    }
  });

  it('offers Idempotency-Key, and its answers, only on the POSTs that remember it', () => {
    const idempotencyKey = (key: string) => operation(key).parameters.some((p) => p.name === 'Idempotency-Key');
    expect(idempotencyKey('POST /v1/transfers')).toBe(true);
    expect(idempotencyKey('POST /v1/api-keys')).toBe(true);
    expect(answer('POST /v1/transfers', '422')?.description).toContain('`idempotency-key-reused`');
    expect(answer('POST /v1/transfers', '409')?.description).toContain('`request-in-progress`');
    expect(answer('POST /v1/transfers', '201')?.headers).toHaveProperty('idempotent-replayed');
    // The receipt-link and operator functions keep no idempotency table.
    expect(idempotencyKey('POST /r/{token}/photos')).toBe(false);
    expect(idempotencyKey('POST /ops/state-submissions/redrive')).toBe(false);
    expect(answer('POST /r/{token}/photos', '422')?.description).not.toContain('idempotency');
  });

  it('documents the 429 of the routes that count addresses, with Retry-After', () => {
    for (const key of ['GET /r/{token}', 'POST /r/{token}', 'POST /r/{token}/photos', 'GET /r/{token}/receipt.pdf', 'GET /verify/{manifestNumber}']) {
      expect(answer(key, '429')?.headers, key).toHaveProperty('Retry-After');
    }
    expect(answer('POST /r/{token}/photos', '429')?.description).toContain('`too-many-uploads`');
    expect(mediaTypes('POST /r/{token}/photos', '429')).toEqual(['application/problem+json']);
    expect(mediaTypes('GET /r/{token}/receipt.pdf', '429')).toEqual(['text/html']);
    expect(mediaTypes('GET /verify/{manifestNumber}', '429')).toEqual(['text/html', 'application/problem+json']);
    expect(statuses('GET /v1/transfers')).not.toContain('429');
  });

  it('documents pages as text/html, the report as CSV beside JSON, and PDFs behind their redirects', () => {
    expect(mediaTypes('GET /r/{token}', '200')).toEqual(['text/html']);
    expect(mediaTypes('GET /r/{token}', '410')).toEqual(['text/html']);
    expect(mediaTypes('POST /r/{token}', '422')).toEqual(['text/html']);
    expect(mediaTypes('POST /r/{token}', '415')).toEqual(['application/problem+json']);
    expect(mediaTypes('GET /verify/{manifestNumber}', '200')).toEqual(['application/json', 'text/html']);
    expect(mediaTypes('GET /verify/{manifestNumber}', '400')).toEqual(['text/html', 'application/problem+json']);
    expect(mediaTypes('GET /v1/integrations/biotrack/callback', '200')).toEqual(['application/json', 'text/html']);
    expect(mediaTypes('GET /v1/reports/inventory-movements', '200')).toEqual(['application/json', 'text/csv']);
    for (const key of ['GET /v1/transfers/{id}/manifest', 'GET /v1/transfers/{id}/receipt.pdf', 'GET /r/{token}/receipt.pdf']) {
      expect(JSON.stringify(answer(key, '302')?.headers?.['Location']), key).toContain('application/pdf');
    }
    expect(JSON.stringify(answer('GET /v1/integrations/biotrack/connect', '302')?.headers?.['Location'])).toContain('text/html');
    expect(answer('GET /v1/reports/inventory-movements', '303')?.headers).toHaveProperty('Location');
  });

  it('documents a POST /v1/api-keys replay: the key with its secret, or its record without it', () => {
    const schema = (answer('POST /v1/api-keys', '201')?.content?.['application/json'] as { schema: { $ref: string } }).schema;
    const named = (document.components.schemas as Record<string, { anyOf?: { $ref: string }[]; required?: string[] }>)[schema.$ref.split('/').at(-1) ?? ''];
    expect(named?.anyOf).toEqual([{ $ref: '#/components/schemas/CreatedApiKey' }, { $ref: '#/components/schemas/ApiKey' }]);
    expect((document.components.schemas as Record<string, { required?: string[] }>)['CreatedApiKey']?.required).toContain('apiKey');
  });
});
