/**
 * AWS SDK clients, built once per process from the hub config. Only adapters and repositories use them.
 * Each client has its own builder so that a function bundles and builds only the clients it uses:
 * an SDK client is a large share of a bundle and of its cold start.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { HubConfig } from '../config.ts';
import { meterCapacity } from './capacity-meter.ts';

export interface AwsClients {
  readonly dynamodb: DynamoDBDocumentClient;
  /** The low-level client under `dynamodb`, for libraries that want one (Powertools idempotency). */
  readonly dynamodbClient: DynamoDBClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
}

export function createDynamoDbClients(config: HubConfig): Pick<AwsClients, 'dynamodb' | 'dynamodbClient'> {
  const { region, endpoints } = config;
  const dynamodbClient = new DynamoDBClient({ region, ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}) });
  if (config.meterDynamoDbCapacity) meterCapacity(dynamodbClient);
  const dynamodb = DynamoDBDocumentClient.from(dynamodbClient, { marshallOptions: { removeUndefinedValues: true } });
  return { dynamodb, dynamodbClient };
}

export function createS3Client(config: HubConfig): S3Client {
  const { region, endpoints } = config;
  return new S3Client({ region, forcePathStyle: config.s3ForcePathStyle, ...(endpoints.s3 ? { endpoint: endpoints.s3 } : {}) });
}

export function createSqsClient(config: HubConfig): SQSClient {
  const { region, endpoints } = config;
  return new SQSClient({ region, ...(endpoints.sqs ? { endpoint: endpoints.sqs } : {}) });
}

/** Every client, for code that uses them all (the health check, the transfers API, tests, seeding). */
export function createAwsClients(config: HubConfig): AwsClients {
  return { ...createDynamoDbClients(config), s3: createS3Client(config), sqs: createSqsClient(config) };
}
