/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests (never written
 * by hand) and from the route table, so it cannot describe an API other than the one that runs.
 */
import * as z from 'zod';
import type { RouteDefinition } from '../routes.ts';
import { edgeAnswers, remembersPosts, sharedAnswers } from './answers.ts';
import type { EdgeAnswer } from './answers.ts';

export interface OperationResponse {
  readonly description: string;
  /** An application/json body. */
  readonly schema?: z.ZodType;
  /** A problem+json answer. */
  readonly problem?: boolean;
  /** A text/html page (for a person's browser). */
  readonly html?: boolean;
  /** A text/csv file. */
  readonly csv?: boolean;
  /** A redirect: what its Location header points at. */
  readonly location?: string;
}

export interface OperationDefinition {
  readonly summary: string;
  readonly tag: string;
  /** A JSON body, read by `readJsonBody`. */
  readonly body?: z.ZodType;
  /** The body may be left out altogether. */
  readonly bodyOptional?: boolean;
  /** An application/x-www-form-urlencoded body (the receipt form), described in words. */
  readonly form?: string;
  /** An object schema whose keys are the query parameters. */
  readonly query?: z.ZodObject;
  readonly ifMatch?: 'required' | 'optional';
  /** The answers the handler gives for its own reasons; those of the shared edge code are added (see answers.ts). */
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
  // Named schemas met only inside others land in zod's `__shared` bundle: they become components of their own.
  const { __shared: shared, ...named } = components as Record<string, JsonSchema>;
  const all = { ...named, ...((shared?.['$defs'] as Record<string, JsonSchema> | undefined) ?? {}) };
  const hoisted = JSON.parse(JSON.stringify(all).replaceAll(`${componentPath('__shared')}#/$defs/`, componentPath(''))) as Record<string, JsonSchema>;
  const cleaned: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(hoisted)) {
    const { $schema: _schema, $id: _id, ...rest } = schema;
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

const text = { schema: { type: 'string' } };
const retryAfter = { 'Retry-After': { description: 'Seconds until the window ends', schema: { type: 'integer', minimum: 1 } } };
const replayed = {
  'idempotent-replayed': { description: '`true` when this is the remembered answer to an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
};

/** One documented answer: the operation's own reasons first, then the edge code's, with their problem codes. */
function response(status: string, own: OperationResponse | undefined, edge: readonly EdgeAnswer[], refFor: (schema: z.ZodType) => JsonSchema, remembered: boolean) {
  const component = !own && edge.length === 1 ? edge[0]?.component : undefined;
  if (component) return { $ref: `#/components/responses/${component}` };
  const description = [...(own ? [own.description] : []), ...edge.map((answer) => `${answer.description} (\`${answer.code}\`)`)].join('. ');
  const content: Record<string, unknown> = {};
  if (own?.schema) content['application/json'] = { schema: refFor(own.schema) };
  if (own?.csv) content['text/csv'] = text;
  if (own?.html) content['text/html'] = text;
  if (own?.problem || edge.length > 0) content['application/problem+json'] = { schema: refFor(problemSchema) };
  const headers = {
    ...(own?.location ? { Location: { description: own.location, schema: { type: 'string', format: 'uri-reference' } } } : {}),
    ...(status === '429' ? retryAfter : {}),
    ...(remembered && status.startsWith('2') ? replayed : {}),
  };
  return {
    description,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

/** The answers every route may give, once; operations point at them. */
const sharedResponses = (refFor: (schema: z.ZodType) => JsonSchema): Record<string, JsonSchema> =>
  Object.fromEntries(
    sharedAnswers.map((answer): [string, JsonSchema] => [
      answer.component ?? answer.code,
      { description: `${answer.description} (\`${answer.code}\`)`, content: { 'application/problem+json': { schema: refFor(problemSchema) } } },
    ]),
  );

const statusOrder = (status: string) => (status === '5XX' ? 599.5 : Number(status));

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
    for (const answer of Object.values(operation.responses)) if (answer.schema) used.push(answer.schema);
  }
  const { components, refFor } = schemaRefs(used);

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes) {
    const key = `${route.method} ${route.path}`;
    const operation = options.operations[key];
    if (!operation) throw new Error(`No OpenAPI operation describes ${key}`);
    const remembered = remembersPosts(route);
    const queryParameters = operation.query
      ? Object.entries(operation.query.shape).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: refFor(schema as z.ZodType),
        }))
      : [];
    const headerParameters = [
      ...(remembered
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Retries with the same key and body replay the first answer', schema: { type: 'string', maxLength: 255 } }]
        : []),
      ...(operation.ifMatch
        ? [{ name: 'If-Match', in: 'header', required: operation.ifMatch === 'required', description: 'The ETag last read', schema: { type: 'string' } }]
        : []),
    ];
    const edge = edgeAnswers(route, {
      ...(operation.body ? { body: 'json' as const } : operation.form ? { body: 'form' as const } : {}),
      ...(operation.query ? { query: Object.keys(operation.query.shape) } : {}),
      ...(operation.ifMatch ? { ifMatch: operation.ifMatch } : {}),
    });
    const statuses = [...new Set([...Object.keys(operation.responses), ...edge.map((answer) => String(answer.status))])].sort((a, b) => statusOrder(a) - statusOrder(b));
    const responses: Record<string, unknown> = {};
    for (const status of statuses) {
      const own = (operation.responses as Record<string, OperationResponse | undefined>)[status];
      responses[status] = response(status, own, edge.filter((answer) => String(answer.status) === status), refFor, remembered);
    }
    const requestBody = operation.body
      ? { required: !operation.bodyOptional, content: { 'application/json': { schema: refFor(operation.body) } } }
      : operation.form
        ? { required: true, description: operation.form, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: { type: 'string' } } } } }
        : undefined;
    const pathItem = (paths[route.path] ??= {});
    pathItem[route.method.toLowerCase()] = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: operation.summary,
      tags: [operation.tag],
      parameters: [...pathParameters(route.path), ...queryParameters, ...headerParameters],
      ...(requestBody ? { requestBody } : {}),
      responses,
      security: options.isPublic(route) ? [] : route.auth === 'operator' ? [{ operator: [] }] : [{ apiKey: [] }],
    };
  }

  return {
    openapi: '3.1.1',
    info: {
      title: options.title,
      version: options.version,
      description:
        'Errors are RFC 9457 `application/problem+json` with a stable `code` (`type` is `/problems/<code>`). In AWS, API Gateway answers its own ' +
        'refusals (401 and 403 of the authorizer, its quotas, and 429 when the stage throttle is reached, on any route) ' +
        'with its own JSON body (`{"message": …}`); locally the hub answers them as problems.',
    },
    paths,
    components: {
      schemas: components,
      responses: sharedResponses(refFor),
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A licensee API key' },
        operator: { type: 'http', scheme: 'bearer', description: 'Operators only: AWS IAM (SigV4) in AWS; the operator token of .local/run.json in local mode' },
      },
    },
  };
}
