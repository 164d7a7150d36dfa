import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#shared/openapi/document.ts';
import { operations } from '#shared/openapi/operations.ts';
import type { RouteDefinition } from '#shared/routes.ts';

// Every documented operation as a route, so the whole catalogue is generated and validated.
const documented = Object.keys(operations).map((key) => {
  const [method, path] = key.split(' ');
  return { method, path, function: 'health' } as unknown as RouteDefinition;
});

const build = (routes: readonly RouteDefinition[]) =>
  buildOpenApiDocument({ title: 'NY transfer hub', version: 'test', routes, operations, isPublic: (r) => r.path === '/health' });

describe('the generated OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document according to an independent validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(build(documented));

    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('takes its request schemas from the zod schemas that validate requests', () => {
    const document = build(documented);
    const schemas = document.components.schemas as Record<string, { additionalProperties?: boolean; required?: string[] }>;

    expect(schemas['VehicleInput']?.additionalProperties).toBe(false);
    expect(schemas['VehicleInput']?.required).toEqual(expect.arrayContaining(['conveyance', 'make', 'attestations']));
    const post = (document.paths['/v1/drivers'] as Record<string, { requestBody: unknown; security: unknown[] }>)['post'];
    expect(post?.requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/DriverInput' } } } });
    expect(post?.security).toEqual([{ apiKey: [] }]);
  });

  it('refuses to build when a route has no operation', () => {
    const undocumented = { method: 'GET', path: '/v1/nowhere', function: 'health' } as unknown as RouteDefinition;
    expect(() => build([...documented, undocumented])).toThrow('No OpenAPI operation describes GET /v1/nowhere');
  });

  it('states required query parameters as required, and problems with a pointer or a parameter', () => {
    const document = build(documented) as unknown as {
      paths: Record<string, Record<string, { parameters: { name: string; in: string; required: boolean }[] }>>;
      components: { schemas: { Problem: { properties: { errors: { items: { anyOf?: { required?: string[] }[] } } } } } };
    };
    const queryOf = (path: string) => Object.fromEntries((document.paths[path]?.['get']?.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.required]));
    expect(queryOf('/v1/reports/inventory-movements')).toMatchObject({ from: true, to: true, format: false });
    expect(queryOf('/v1/transfers')).toMatchObject({ from: false, to: false, cursor: false, direction: false });
    const shapes = document.components.schemas.Problem.properties.errors.items.anyOf?.map((shape) => shape.required);
    expect(shapes).toEqual([['pointer', 'message'], ['parameter', 'message']]);
  });
});
