/**
 * The whole hub on one machine: DynamoDB Local, s3rver and local-aws-sqs on loopback, resources
 * created from the shared definitions, the HTTP API and queue pollers invoking the real handler
 * modules. Used by `npm start` (persistent) and by the test global setup (ephemeral, free ports).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { authorizer, functions as sharedFunctions, queueConsumers as sharedConsumers, routes as sharedRoutes } from '#shared/routes.ts';
import type { FunctionDefinition, QueueConsumerDefinition, RouteDefinition } from '#shared/routes.ts';
import { bootstrapResources } from './bootstrap.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { freePort } from './free-port.ts';
import { startLocalApi } from './http-server.ts';
import { LocalLambdaRuntime } from './lambda-runtime.ts';
import { startQueuePoller } from './queue-poller.ts';
import { startS3Local } from './s3-local.ts';
import { startSqsLocal } from './sqs-local.ts';

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const REGION = 'us-east-1';
/** s3rver accepts only these; DynamoDB Local (shared DB) and local-aws-sqs accept anything. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalHubOptions {
  /** Keep data here across restarts; without it everything lives in memory or a temp dir. */
  readonly dataDir?: string;
  /** Fixed ports; a missing one is picked free. */
  readonly ports?: { readonly api?: number; readonly dynamodb?: number; readonly s3?: number; readonly sqs?: number };
  readonly log?: (entry: Record<string, unknown>) => void;
  /** Overrides for tests; default: the shared route table. */
  readonly functions?: Readonly<Record<string, FunctionDefinition>>;
  readonly routes?: readonly RouteDefinition[];
  readonly queueConsumers?: readonly QueueConsumerDefinition[];
}

export interface LocalHubUrls {
  readonly api: string;
  readonly dynamodb: string;
  readonly s3: string;
  readonly sqs: string;
}

export interface LocalHub {
  readonly urls: LocalHubUrls;
  /** The environment the functions run with (resource names, queue URLs, endpoints). */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startLocalHub(options: LocalHubOptions = {}): Promise<LocalHub> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const s3Directory = options.dataDir ? join(options.dataDir, 's3') : await mkdtemp(join(tmpdir(), 'hub-s3-'));
    if (!options.dataDir) stops.push(() => rm(s3Directory, { recursive: true, force: true }));

    const dynamodbPort = options.ports?.dynamodb ?? (await freePort());
    const sqsPort = options.ports?.sqs ?? (await freePort());
    // Known before any handler loads: manifests' QR codes point at this API's verification page.
    const requestedApiPort = options.ports?.api ?? 0;
    const apiPort = requestedApiPort === 0 ? await freePort() : requestedApiPort;
    // allSettled: a service that did start must still be stopped when another one failed.
    const started = await Promise.allSettled([
      startDynamoDbLocal({
        port: dynamodbPort,
        ...(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {}),
      }),
      startS3Local({ port: options.ports?.s3 ?? 0, directory: s3Directory }),
      startSqsLocal({ port: sqsPort }),
    ] as const);
    for (const result of started) if (result.status === 'fulfilled') stops.push(() => result.value.stop());
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const endpoint = (i: number) => (started[i] as PromiseFulfilledResult<{ endpoint: string }>).value.endpoint;
    const urls = { dynamodb: endpoint(0), s3: endpoint(1), sqs: endpoint(2) };

    const clients = {
      dynamodb: new DynamoDBClient({ region: REGION, endpoint: urls.dynamodb, credentials: LOCAL_CREDENTIALS }),
      s3: new S3Client({ region: REGION, endpoint: urls.s3, forcePathStyle: true, credentials: LOCAL_CREDENTIALS }),
      sqs: new SQSClient({ region: REGION, endpoint: urls.sqs, credentials: LOCAL_CREDENTIALS }),
    };
    stops.push(async () => {
      clients.dynamodb.destroy();
      clients.s3.destroy();
      clients.sqs.destroy();
    });
    const resourceEnv = await bootstrapResources(clients);

    const env: Record<string, string> = {
      ...resourceEnv,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
      AWS_ENDPOINT_URL_S3: urls.s3,
      AWS_ENDPOINT_URL_SQS: urls.sqs,
      S3_FORCE_PATH_STYLE: 'true',
      // Otherwise the SDK's aws-chunked framing ends up inside objects stored by s3rver.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    };
    // Handlers read their configuration from the environment at import, as in Lambda.
    Object.assign(process.env, env);

    const runtime = new LocalLambdaRuntime(repositoryRoot, { ...(options.functions ?? sharedFunctions), authorizer });
    const api = await startLocalApi({
      port: apiPort,
      routes: options.routes ?? sharedRoutes,
      runtime,
      authorizer: 'authorizer',
      ...(options.log ? { log: options.log } : {}),
    });
    stops.push(() => api.stop());

    for (const consumer of options.queueConsumers ?? sharedConsumers) {
      const queueUrl = env[consumer.queue.env];
      if (!queueUrl) throw new Error(`No local queue for ${consumer.queue.name}`);
      const poller = await startQueuePoller({
        sqs: clients.sqs,
        queueUrl,
        batchSize: consumer.batchSize,
        region: REGION,
        invoke: (event: SQSEvent) => runtime.invoke(consumer.function, event),
        onError: (error) => options.log?.({ consumer: consumer.function, error: String(error) }),
      });
      stops.push(() => poller.stop());
    }

    return { urls: { api: api.url, ...urls }, env, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
