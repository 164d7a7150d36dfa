/**
 * AWS SDK clients, built once per process from the hub config. Only adapters and repositories use them.
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

export function createAwsClients(config: HubConfig): AwsClients {
  const { region, endpoints } = config;
  const dynamodbClient = new DynamoDBClient({ region, ...(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}) });
  if (config.meterDynamoDbCapacity) meterCapacity(dynamodbClient);
  const dynamodb = DynamoDBDocumentClient.from(dynamodbClient, { marshallOptions: { removeUndefinedValues: true } });
  const s3 = new S3Client({
    region,
    forcePathStyle: config.s3ForcePathStyle,
    ...(endpoints.s3 ? { endpoint: endpoints.s3 } : {}),
  });
  const sqs = new SQSClient({ region, ...(endpoints.sqs ? { endpoint: endpoints.sqs } : {}) });
  return { dynamodb, dynamodbClient, s3, sqs };
}
