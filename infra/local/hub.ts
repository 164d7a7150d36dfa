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
import { hkdfSync, randomBytes } from 'node:crypto';
import {
  authorizer,
  functions as sharedFunctions,
  queueConsumers as sharedConsumers,
  routes as sharedRoutes,
  schedules as sharedSchedules,
} from '#shared/routes.ts';
import type { FunctionDefinition, QueueConsumerDefinition, RouteDefinition, ScheduleDefinition } from '#shared/routes.ts';
import { startNyApiEmulator } from './nyapi/server.ts';
import { startMetrcEmulator } from './metrc/server.ts';
import { startMailServer } from './mail-server.ts';
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
  readonly ports?: { readonly api?: number; readonly dynamodb?: number; readonly s3?: number; readonly sqs?: number; readonly nyapi?: number; readonly metrc?: number; readonly smtp?: number; readonly mailbox?: number };
  /** Seals state-system tokens; keep it with `dataDir` so stored tokens stay readable. Random when absent. */
  readonly tokenKey?: Buffer;
  /** Local stand-in for EventBridge schedules: every schedule runs this often (default 10 s); 0 turns them off. */
  readonly scheduleEveryMs?: number;
  /** How long a committed submission may wait unenqueued before the sweeper takes it (default 30 s). */
  readonly outboxGraceSeconds?: number;
  /** The longest backoff between tries of a failing submission (default: the configuration's 900 s). */
  readonly submissionBackoffCapSeconds?: number;
  readonly schedules?: readonly ScheduleDefinition[];
  /** Start with the queue consumers stopped (`resumeConsumers` starts them): lets a benchmark build a backlog. */
  readonly consumersPaused?: boolean;
  /** `/health` answers 503 `starting` until this file exists (`npm start` writes run.json there once it is ready). */
  readonly readyFile?: string;
  /**
   * A NY-API that is not our emulator (the state's sandbox, or one started separately): the hub
   * talks to it instead of starting the emulator. Nothing is seeded there and no consent is given.
   */
  readonly nyApi?: NyApiEndpoint;
  /** A Metrc that is not our emulator (the NY sandbox, or one started separately): the hub talks to it instead. */
  readonly metrc?: MetrcEndpoint;
  readonly log?: (entry: Record<string, unknown>) => void;
  /** Overrides for tests; default: the shared route table. */
  readonly functions?: Readonly<Record<string, FunctionDefinition>>;
  readonly routes?: readonly RouteDefinition[];
  readonly queueConsumers?: readonly QueueConsumerDefinition[];
}

export interface NyApiEndpoint {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenPath?: string;
  readonly authorizePath?: string;
}

export interface MetrcEndpoint {
  readonly baseUrl: string;
  readonly vendorKey: string;
}

export interface LocalHubUrls {
  readonly api: string;
  readonly dynamodb: string;
  readonly s3: string;
  readonly sqs: string;
  /** The NY-API: our emulator, or the configured one. */
  readonly nyapi: string;
  /** Metrc: our emulator, or the configured one. */
  readonly metrc: string;
  /** The local mailbox page: every e-mail the hub sent (`infra/local/mail-server.ts`). */
  readonly mailbox: string;
  /** Its SMTP server, which the hub sends through. */
  readonly smtp: string;
}

/** The emulator's integrator client; the hub is configured with the same pair. */
export const LOCAL_NYAPI_CLIENT = { clientId: 'hub-local', clientSecret: 'hub-local-secret' } as const;

/** Our NY-API emulator, on its port, stopped with the hub. */
async function startEmulator(options: LocalHubOptions, stops: (() => Promise<void>)[]): Promise<NyApiEndpoint> {
  const emulator = await startNyApiEmulator({
    port: options.ports?.nyapi ?? 0,
    ...LOCAL_NYAPI_CLIENT,
    ...(options.log ? { log: options.log } : {}),
  });
  stops.push(() => emulator.stop());
  return { baseUrl: emulator.url, ...LOCAL_NYAPI_CLIENT };
}

/** The vendor key our Metrc emulator accepts; the hub is configured with it. */
export const LOCAL_METRC_VENDOR_KEY = 'hub-local-vendor-key';

/** Our Metrc emulator, empty (licensees' facilities and user keys are seeded through its control routes), stopped with the hub. */
async function startMetrc(options: LocalHubOptions, stops: (() => Promise<void>)[]): Promise<MetrcEndpoint> {
  const emulator = await startMetrcEmulator({
    port: options.ports?.metrc ?? 0,
    config: { vendorKeys: [LOCAL_METRC_VENDOR_KEY] },
    // The hub's data outlives a restart: Metrc's ids must too.
    ...(options.dataDir ? { idSequencesFile: join(options.dataDir, 'metrc-ids.json') } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  stops.push(() => emulator.close());
  return { baseUrl: emulator.url, vendorKey: emulator.vendorKey };
}

export interface LocalHub {
  readonly urls: LocalHubUrls;
  /** The environment the functions run with (resource names, queue URLs, endpoints). */
  readonly env: Readonly<Record<string, string>>;
  /** The bearer token of operator routes (`/ops/...`) in local mode. */
  readonly operatorToken: string;
  /** Starts the queue consumers of a hub started with `consumersPaused`; no-op otherwise. */
  resumeConsumers(): Promise<void>;
  stop(): Promise<void>;
}

/** Pollers per queue consumer in local mode, at most: they mostly wait on the state system, as Lambda instances would. */
const LOCAL_MAX_POLLERS = 10;

/** What EventBridge hands a scheduled function. */
function scheduledEvent(schedule: ScheduleDefinition) {
  return {
    version: '0',
    id: randomBytes(8).toString('hex'),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    time: new Date().toISOString(),
    region: REGION,
    resources: [`local:schedule/${schedule.function}`],
    detail: {},
  };
}

/** Runs `job` every `everyMs`, never two at once; the returned function stops it and waits for a run in progress. */
function startSchedule(everyMs: number, job: () => Promise<unknown>, onError: (error: unknown) => void): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = job()
      .catch(onError)
      .finally(() => {
        busy = false;
      });
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
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
    const nyApi: NyApiEndpoint = options.nyApi ?? (await startEmulator(options, stops));
    const metrc: MetrcEndpoint = options.metrc ?? (await startMetrc(options, stops));
    // The hub's e-mail goes to a real SMTP server on loopback and stays on this machine.
    const mail = await startMailServer({
      ...(options.ports?.smtp ? { smtpPort: options.ports.smtp } : {}),
      ...(options.ports?.mailbox ? { httpPort: options.ports.mailbox } : {}),
      ...(options.dataDir ? { directory: join(options.dataDir, 'mail') } : {}),
    });
    stops.push(() => mail.stop());
    const urls = { dynamodb: endpoint(0), s3: endpoint(1), sqs: endpoint(2), nyapi: nyApi.baseUrl, metrc: metrc.baseUrl, mailbox: mail.url, smtp: mail.smtpUrl };

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
    const resourceEnv = await bootstrapResources(clients, { publicOrigin: `http://127.0.0.1:${apiPort}` });

    const tokenKey = options.tokenKey ?? randomBytes(32);
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
      NYAPI_BASE_URL: nyApi.baseUrl,
      NYAPI_CLIENT_ID: nyApi.clientId,
      NYAPI_CLIENT_SECRET: nyApi.clientSecret,
      ...(nyApi.tokenPath ? { NYAPI_TOKEN_PATH: nyApi.tokenPath } : {}),
      ...(nyApi.authorizePath ? { NYAPI_AUTHORIZE_PATH: nyApi.authorizePath } : {}),
      // Short, so a lost answer is retried quickly against the emulator.
      NYAPI_TIMEOUT_MS: '2000',
      METRC_BASE_URL: metrc.baseUrl,
      METRC_VENDOR_KEY: metrc.vendorKey,
      ...(options.metrc ? {} : { METRC_TIMEOUT_MS: '2000' }),
      TOKEN_ENCRYPTION_KEY: tokenKey.toString('base64'),
      MAIL_SMTP_URL: mail.smtpUrl,
      MAIL_SENDER: 'hub@transfer-hub.example',
      // Derived from the token key, so printed receipt links survive a restart of `npm start`.
      RECEIPT_LINK_SECRET: Buffer.from(hkdfSync('sha256', tokenKey, '', 'ny-transfer-hub/receipt-links', 32)).toString('base64'),
      // Likewise, so a cursor a client holds keeps working across a restart.
      CURSOR_SECRET: Buffer.from(hkdfSync('sha256', tokenKey, '', 'ny-transfer-hub/cursors', 32)).toString('base64'),
      OUTBOX_GRACE_SECONDS: String(options.outboxGraceSeconds ?? 30),
      ...(options.submissionBackoffCapSeconds ? { SUBMISSION_BACKOFF_CAP_SECONDS: String(options.submissionBackoffCapSeconds) } : {}),
      ...(options.readyFile ? { HUB_READY_FILE: options.readyFile } : {}),
    };
    // Handlers read their configuration from the environment at import, as in Lambda.
    Object.assign(process.env, env);

    const runtime = new LocalLambdaRuntime(repositoryRoot, { ...(options.functions ?? sharedFunctions), authorizer });
    const operatorToken = randomBytes(24).toString('base64url');
    const api = await startLocalApi({
      port: apiPort,
      routes: options.routes ?? sharedRoutes,
      runtime,
      authorizer: 'authorizer',
      operatorToken,
      ...(options.log ? { log: options.log } : {}),
    });
    stops.push(() => api.stop());

    let consumersStarted = false;
    const startConsumers = async () => {
      if (consumersStarted) return;
      consumersStarted = true;
      for (const consumer of options.queueConsumers ?? sharedConsumers) {
        const queueUrl = env[consumer.queue.env];
        if (!queueUrl) throw new Error(`No local queue for ${consumer.queue.name}`);
        // As Lambda scales a FIFO queue's consumer by message group, up to its maximum concurrency.
        for (let i = 0; i < Math.min(LOCAL_MAX_POLLERS, consumer.maxConcurrency); i += 1) {
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
      }
    };
    if (!options.consumersPaused) await startConsumers();

    const everyMs = options.scheduleEveryMs ?? 10_000;
    if (everyMs > 0) {
      for (const schedule of options.schedules ?? sharedSchedules) {
        stops.push(startSchedule(everyMs, () => runtime.invoke(schedule.function, scheduledEvent(schedule)), (error) =>
          options.log?.({ schedule: schedule.function, error: String(error) }),
        ));
      }
    }

    return { urls: { api: api.url, ...urls }, env, operatorToken, resumeConsumers: startConsumers, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
