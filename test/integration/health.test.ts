import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, inject, it } from 'vitest';
import { createHandler } from '#functions/health/handler.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { createProbes } from '#shared/health/probes.ts';
import { hubTable } from '#shared/resources.ts';

const { urls } = inject('hub');

describe('GET /health over the local API', () => {
  it('answers 200 with every dependency up', async () => {
    const response = await fetch(`${urls.api}/health`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('pass');
    expect(body.checks).toMatchObject({ dynamodb: { status: 'up' }, s3: { status: 'up' }, sqs: { status: 'up' } });
  });

  it('really wrote its probe item through the repository into DynamoDB', async () => {
    const before = new Date().toISOString();
    await fetch(`${urls.api}/health`);
    const config = readConfig();
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: config.region, endpoint: urls.dynamodb }),
    );

    const { Items } = await documents.send(
      new QueryCommand({
        TableName: hubTable.name,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'HEALTH' },
      }),
    );

    expect(Items?.some((item) => typeof item['checkedAt'] === 'string' && item['checkedAt'] >= before)).toBe(true);
    documents.destroy();
  });
});

describe('the health handler with one dependency unreachable', () => {
  const invoke = (handler: ReturnType<typeof createHandler>) =>
    handler({ headers: {} } as APIGatewayProxyEventV2, { functionName: 'health' } as Context);

  it('answers 503 problem+json naming S3 when S3 does not answer', async () => {
    // A real S3 client aimed at a loopback port nobody listens on.
    const config = readConfig({ ...process.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' });
    const handler = createHandler({ probes: createProbes(config, createAwsClients(config), 'test'), timeoutMs: 2_000 });

    const response = await invoke(handler);

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const body = JSON.parse(response.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ status: 503, code: 'dependency-unavailable', unavailable: ['s3'], detail: 'Unavailable: s3' });
    expect(body['checks']).toMatchObject({ dynamodb: { status: 'up' }, sqs: { status: 'up' }, s3: { status: 'down' } });
  });

  it('names DynamoDB and SQS when both are down', async () => {
    const config = readConfig({
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
    });
    const handler = createHandler({ probes: createProbes(config, createAwsClients(config), 'test'), timeoutMs: 2_000 });

    const response = await invoke(handler);
    const body = JSON.parse(response.body ?? '{}') as { unavailable: string[] };

    expect(body.unavailable.sort()).toEqual(['dynamodb', 'sqs']);
  });
});
