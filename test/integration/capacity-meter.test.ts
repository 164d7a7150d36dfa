import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { capacityMeter } from '#shared/adapters/capacity-meter.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';

describe('DynamoDB capacity meter (for the benchmark)', () => {
  it('adds up what DynamoDB reports, doubling transactions as AWS bills them', async () => {
    const { dynamodb } = createAwsClients(readConfig({ ...process.env, DYNAMODB_CAPACITY_METER: 'true' }));
    capacityMeter.reset();

    await dynamodb.send(new PutCommand({ TableName: hubTable.name, Item: { PK: `METER#${ulid()}`, SK: 'A' } }));
    const afterPut = capacityMeter.totals().writeCapacityUnits;
    await dynamodb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: hubTable.name, Item: { PK: `METER#${ulid()}`, SK: 'A' } } },
          { Put: { TableName: hubTable.name, Item: { PK: `METER#${ulid()}`, SK: 'B' } } },
        ],
      }),
    );

    expect(afterPut).toBe(1);
    expect(capacityMeter.totals().writeCapacityUnits - afterPut).toBe(4);
    dynamodb.destroy();
  });

  it('stays out of the way unless asked for', async () => {
    const { dynamodb } = createAwsClients(readConfig());
    capacityMeter.reset();
    await dynamodb.send(new PutCommand({ TableName: hubTable.name, Item: { PK: `METER#${ulid()}`, SK: 'A' } }));
    expect(capacityMeter.totals()).toEqual({ readCapacityUnits: 0, writeCapacityUnits: 0 });
    dynamodb.destroy();
  });
});
