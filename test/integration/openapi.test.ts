import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, inject, it } from 'vitest';
import { routes } from '#shared/routes.ts';

describe('GET /openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document describing every route of the route table', async () => {
    const response = await fetch(`${inject('hub').urls.api}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, Record<string, { security: unknown[] }>> };

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
