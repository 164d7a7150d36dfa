/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests (never written
 * by hand) and from the route table, so it cannot describe an API other than the one that runs.
 */
import { z } from 'zod';
import type { RouteDefinition } from '../routes.ts';

export interface OperationResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** A problem+json answer rather than a JSON body. */
  readonly problem?: boolean;
}

export interface OperationDefinition {
  readonly summary: string;
  readonly tag: string;
  readonly body?: z.ZodType;
  /** An object schema whose keys are the query parameters. */
  readonly query?: z.ZodObject;
  readonly ifMatch?: 'required' | 'optional';
  readonly responses: Readonly<Record<number, OperationResponse>>;
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    code: z.string().meta({ description: 'Stable, machine-readable error code' }),
    detail: z.string().optional(),
    errors: z
      .array(
        z.union([
          z.object({ pointer: z.string().meta({ description: 'JSON pointer into the request body' }), message: z.string() }),
          z.object({ parameter: z.string().meta({ description: 'The query parameter (invalid-query)' }), message: z.string() }),
        ]),
      )
      .optional()
      .meta({ description: 'Body errors carry a pointer, query errors the parameter' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

const componentPath = (id: string) => `#/components/schemas/${id}`;

type JsonSchema = Record<string, unknown>;

/** Components for every schema with a `meta({ id })`, and inline JSON Schema for the rest. */
function schemaRefs(schemas: readonly z.ZodType[]) {
  const registry = z.registry<{ id: string }>();
  const collect = (schema: z.ZodType) => {
    const id = z.globalRegistry.get(schema)?.id;
    if (id && !registry.has(schema)) registry.add(schema, { id });
  };
  schemas.forEach(collect);
  const { schemas: components } = z.toJSONSchema(registry, { io: 'input', uri: componentPath, unrepresentable: 'any' });
  const cleaned: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(components)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
    cleaned[id] = rest;
  }
  const refFor = (schema: z.ZodType): JsonSchema => {
    const id = z.globalRegistry.get(schema)?.id;
    if (id) return { $ref: componentPath(id) };
    const { $schema: _schema, ...inline } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    // A `$defs` here would be referenced from the document root, where it does not exist.
    if ('$defs' in inline) throw new Error('A schema that contains named schemas needs a meta({ id }) of its own');
    return inline;
  };
  return { components: cleaned, refFor };
}

const pathParameters = (path: string) =>
  [...path.matchAll(/\{(\w+)\+?\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));

export function buildOpenApiDocument(options: {
  readonly title: string;
  readonly version: string;
  readonly routes: readonly RouteDefinition[];
  readonly operations: Readonly<Record<string, OperationDefinition>>;
  /** Route keys that need no API key. */
  readonly isPublic: (route: RouteDefinition) => boolean;
}) {
  const used: z.ZodType[] = [problemSchema];
  for (const operation of Object.values(options.operations)) {
    if (operation.body) used.push(operation.body);
    for (const response of Object.values(operation.responses)) if (response.schema) used.push(response.schema);
  }
  const { components, refFor } = schemaRefs(used);

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes) {
    const key = `${route.method} ${route.path}`;
    const operation = options.operations[key];
    if (!operation) throw new Error(`No OpenAPI operation describes ${key}`);
    const queryParameters = operation.query
      ? Object.entries(operation.query.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: refFor(schema as z.ZodType),
        }))
      : [];
    const headerParameters = [
      ...(route.method === 'POST'
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Retries with the same key and body replay the first answer', schema: { type: 'string', maxLength: 255 } }]
        : []),
      ...(operation.ifMatch
        ? [{ name: 'If-Match', in: 'header', required: operation.ifMatch === 'required', description: 'The ETag last read', schema: { type: 'string' } }]
        : []),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation.responses)) {
      const mediaType = response.problem ? 'application/problem+json' : 'application/json';
      const schema = response.problem ? refFor(problemSchema) : response.schema ? refFor(response.schema) : undefined;
      responses[status] = { description: response.description, ...(schema ? { content: { [mediaType]: { schema } } } : {}) };
    }
    const pathItem = (paths[route.path] ??= {});
    pathItem[route.method.toLowerCase()] = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: operation.summary,
      tags: [operation.tag],
      parameters: [...pathParameters(route.path), ...queryParameters, ...headerParameters],
      ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: refFor(operation.body) } } } } : {}),
      responses,
      security: options.isPublic(route) ? [] : route.auth === 'operator' ? [{ operator: [] }] : [{ apiKey: [] }],
    };
  }

  return {
    openapi: '3.1.1',
    info: { title: options.title, version: options.version },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A licensee API key' },
        operator: { type: 'http', scheme: 'bearer', description: 'Operators only: AWS IAM (SigV4) in AWS; the operator token of .local/run.json in local mode' },
      },
    },
  };
}
