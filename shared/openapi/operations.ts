/**
 * What each route does, in the words and schemas the OpenAPI document shows. Every route in
 * `shared/routes.ts` must have an entry here (the document refuses to build otherwise).
 */
import { z } from 'zod';
import { registryBodies, registryListQuery, registryRecords } from '../registries/schemas.ts';
import type { RegistryKind } from '../registries/schemas.ts';
import type { OperationDefinition, OperationResponse } from './document.ts';

const problem = (description: string): OperationResponse => ({ description, problem: true });
const common = {
  401: problem('No valid API key'),
  403: problem('The API key is not allowed'),
} as const;

const healthReport = z
  .object({
    status: z.literal('pass'),
    checks: z.record(z.string(), z.object({ status: z.enum(['up', 'down']), latencyMs: z.number(), error: z.string().optional() })),
  })
  .meta({ id: 'HealthReport' });

function registryOperations(collection: string, kind: RegistryKind, label: string): Record<string, OperationDefinition> {
  const record = registryRecords[kind];
  const page = z.object({ items: z.array(record), cursor: z.string().optional() }).meta({ id: `${z.globalRegistry.get(record)?.id ?? kind}Page` });
  return {
    [`POST /v1/${collection}`]: {
      summary: `Add a ${label}`,
      tag: 'Registries',
      body: registryBodies[kind],
      responses: { 201: { description: `The ${label}, with its ETag`, schema: record }, 400: problem('Malformed JSON'), 415: problem('Not JSON'), 422: problem('Invalid fields'), ...common },
    },
    [`GET /v1/${collection}`]: {
      summary: `List ${label}s, newest first`,
      tag: 'Registries',
      query: registryListQuery,
      responses: { 200: { description: 'One page', schema: page }, 400: problem('Invalid query or cursor'), ...common },
    },
    [`GET /v1/${collection}/{id}`]: {
      summary: `Read a ${label}`,
      tag: 'Registries',
      responses: { 200: { description: `The ${label}, with its ETag`, schema: record }, 404: problem('Unknown, or not yours'), ...common },
    },
    [`PUT /v1/${collection}/{id}`]: {
      summary: `Replace a ${label}`,
      tag: 'Registries',
      body: registryBodies[kind],
      ifMatch: 'optional',
      responses: {
        200: { description: `The ${label}, with its new ETag`, schema: record },
        404: problem('Unknown, or not yours'),
        409: problem('Deactivated'),
        412: problem('Stale If-Match'),
        422: problem('Invalid fields'),
        ...common,
      },
    },
    [`DELETE /v1/${collection}/{id}`]: {
      summary: `Deactivate a ${label} (records are never deleted)`,
      tag: 'Registries',
      ifMatch: 'optional',
      responses: { 200: { description: `The deactivated ${label}`, schema: record }, 404: problem('Unknown, or not yours'), 412: problem('Stale If-Match'), ...common },
    },
  };
}

export const operations: Readonly<Record<string, OperationDefinition>> = {
  'GET /health': {
    summary: 'Reachability of DynamoDB, S3 and SQS',
    tag: 'Operations',
    responses: { 200: { description: 'Everything is up', schema: healthReport }, 503: problem('A dependency is down; the problem names it') },
  },
  'GET /openapi.json': {
    summary: 'This document',
    tag: 'Operations',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
  ...registryOperations('drivers', 'driver', 'driver'),
  ...registryOperations('vehicles', 'vehicle', 'vehicle'),
  ...registryOperations('partners', 'partner', 'partner'),
};
