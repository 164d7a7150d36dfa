/**
 * The hub's functions, HTTP routes and queue consumers, defined once. The CDK stateless stack
 * bundles and wires exactly these; the local server (`infra/local/http-server.ts`) and queue
 * pollers invoke the same handler modules through the same table.
 */
import { documentsBucket, hubTable, stateSubmissionsQueue } from './resources.ts';
import type { BucketDefinition, QueueDefinition, TableDefinition } from './resources.ts';

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
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/transfers/{id}`. */
  readonly path: string;
  readonly function: FunctionName;
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
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof functions;

export const routes = [
  { method: 'GET', path: '/health', function: 'health' },
] as const satisfies readonly RouteDefinition[];

/** Queue → function wiring with Lambda's SQS contract (batches, partial batch failures). */
export const queueConsumers: readonly QueueConsumerDefinition[] = [];
