/**
 * The hub's functions, HTTP routes and queue consumers, defined once. The CDK stateless stack
 * bundles and wires exactly these; the local server (`infra/local/http-server.ts`) and queue
 * pollers invoke the same handler modules through the same table.
 */
import { documentsBucket, hubTable, idempotencyTable, stateSubmissionsQueue } from './resources.ts';
import type { BucketDefinition, QueueDefinition, TableDefinition } from './resources.ts';
import { manifestFontFiles } from './manifests/fonts.ts';

export type TableAccess = 'read' | 'readWrite';
export type BucketAccess = 'read' | 'readWrite';
/** `inspect` reads queue attributes only; `send` enqueues; `consume` receives and deletes. */
export type QueueAccess = 'inspect' | 'send' | 'consume';

export interface FunctionDefinition {
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Least privilege: the only resources this function may touch, and how. */
  readonly tables?: readonly { readonly table: TableDefinition; readonly access: TableAccess }[];
  readonly buckets?: readonly { readonly bucket: BucketDefinition; readonly access: BucketAccess }[];
  readonly queues?: readonly { readonly queue: QueueDefinition; readonly access: QueueAccess }[];
  /** Files the code reads at run time (package subpaths under node_modules), copied beside the bundle. */
  readonly files?: readonly string[];
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/transfers/{id}`. */
  readonly path: string;
  readonly function: FunctionName;
  /** `licensee`: the API key authorizer runs first and hands the route the caller's licensee. */
  readonly auth: 'public' | 'licensee';
  /** Why a public route may go without a key: what it shows and to whom. */
  readonly publicBecause?: string;
}

export interface QueueConsumerDefinition {
  readonly queue: QueueDefinition;
  readonly function: FunctionName;
  readonly batchSize: number;
}

export const functions = {
  health: {
    entry: 'functions/health/handler.ts',
    description: 'Reports whether DynamoDB, S3 and SQS are reachable',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'readWrite' }],
    buckets: [{ bucket: documentsBucket, access: 'read' }],
    queues: [{ queue: stateSubmissionsQueue, access: 'inspect' }],
  },
  me: {
    entry: 'functions/me/handler.ts',
    description: "The caller's licensee profile",
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'read' }],
  },
  apiKeys: {
    entry: 'functions/api-keys/handler.ts',
    description: "Creates, lists and revokes the caller's API keys",
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [
      { table: hubTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
  },
  registries: {
    entry: 'functions/registries/handler.ts',
    description: 'Drivers, vehicles and partners on file',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [
      { table: hubTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
  },
  transfers: {
    entry: 'functions/transfers/handler.ts',
    description: 'Transfer drafts, manifests and their PDFs, the lifecycle actions and their history',
    timeoutSeconds: 15,
    // Rendering a 1000-package manifest is CPU-bound: Lambda gives CPU in proportion to memory.
    memoryMb: 1024,
    tables: [
      { table: hubTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
    buckets: [{ bucket: documentsBucket, access: 'readWrite' }],
    files: manifestFontFiles,
  },
  verify: {
    entry: 'functions/verify/handler.ts',
    description: 'The public verification page of a printed manifest',
    timeoutSeconds: 5,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'read' }],
  },
  openapi: {
    entry: 'functions/openapi/handler.ts',
    description: 'The OpenAPI 3.1 document of the API',
    timeoutSeconds: 5,
    memoryMb: 256,
  },
} as const satisfies Record<string, FunctionDefinition>;

/**
 * The HTTP API Lambda authorizer of every `licensee` route. Not a route target, hence apart from
 * `functions`. API Gateway caches its decisions for `AUTHORIZER_CACHE_SECONDS`: in AWS a revoked key
 * may keep working that long. Local mode does not cache.
 */
export const authorizer = {
  entry: 'functions/authorizer/handler.ts',
  description: 'Resolves the licensee of a Bearer API key for API Gateway',
  timeoutSeconds: 5,
  memoryMb: 256,
  tables: [{ table: hubTable, access: 'read' }],
} as const satisfies FunctionDefinition;

export const AUTHORIZER_CACHE_SECONDS = 60;

export type FunctionName = keyof typeof functions;

export const routes = [
  { method: 'GET', path: '/health', function: 'health', auth: 'public', publicBecause: 'It reports only whether the services are up.' },
  { method: 'GET', path: '/v1/me', function: 'me', auth: 'licensee' },
  { method: 'POST', path: '/v1/api-keys', function: 'apiKeys', auth: 'licensee' },
  { method: 'GET', path: '/v1/api-keys', function: 'apiKeys', auth: 'licensee' },
  { method: 'DELETE', path: '/v1/api-keys/{id}', function: 'apiKeys', auth: 'licensee' },
  { method: 'GET', path: '/openapi.json', function: 'openapi', auth: 'public', publicBecause: 'The API description holds no tenant data.' },
  {
    method: 'GET',
    path: '/verify/{manifestNumber}',
    function: 'verify',
    auth: 'public',
    publicBecause: "Inspectors scan a manifest's QR code without an account; it shows what the printed manifest shows, without prices or quantities.",
  },
  ...(['drivers', 'vehicles', 'partners'] as const).flatMap((collection) => [
    { method: 'POST', path: `/v1/${collection}`, function: 'registries', auth: 'licensee' } as const,
    { method: 'GET', path: `/v1/${collection}`, function: 'registries', auth: 'licensee' } as const,
    { method: 'GET', path: `/v1/${collection}/{id}`, function: 'registries', auth: 'licensee' } as const,
    { method: 'PUT', path: `/v1/${collection}/{id}`, function: 'registries', auth: 'licensee' } as const,
    { method: 'DELETE', path: `/v1/${collection}/{id}`, function: 'registries', auth: 'licensee' } as const,
  ]),
  { method: 'POST', path: '/v1/transfers', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}', function: 'transfers', auth: 'licensee' },
  { method: 'PATCH', path: '/v1/transfers/{id}', function: 'transfers', auth: 'licensee' },
  { method: 'DELETE', path: '/v1/transfers/{id}', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}/events', function: 'transfers', auth: 'licensee' },
  ...(['manifest', 'amend', 'depart', 'arrive', 'receipt', 'void', 'return'] as const).map(
    (action) => ({ method: 'POST', path: `/v1/transfers/{id}/${action}`, function: 'transfers', auth: 'licensee' }) as const,
  ),
  { method: 'GET', path: '/v1/transfers/{id}/manifest', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}/manifest.json', function: 'transfers', auth: 'licensee' },
] as const satisfies readonly RouteDefinition[];

/** Queue → function wiring with Lambda's SQS contract (batches, partial batch failures). */
export const queueConsumers: readonly QueueConsumerDefinition[] = [];
