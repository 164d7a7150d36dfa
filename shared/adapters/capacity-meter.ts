/**
 * Counts the DynamoDB capacity the hub consumes, for the benchmark: what a transfer will cost on
 * AWS. Installed on the hub's DynamoDB client only when `DYNAMODB_CAPACITY_METER=true`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CapacityTotals {
  readCapacityUnits: number;
  writeCapacityUnits: number;
}

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
/** AWS bills transactional reads and writes at twice the capacity; DynamoDB Local reports the plain figure. */
const TRANSACTIONS = new Set(['TransactWriteItemsCommand', 'TransactGetItemsCommand']);
const SUPPORTS = new Set([...READS, 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

const totals: CapacityTotals = { readCapacityUnits: 0, writeCapacityUnits: 0 };

export const capacityMeter = {
  totals: (): CapacityTotals => ({ ...totals }),
  reset(): void {
    totals.readCapacityUnits = 0;
    totals.writeCapacityUnits = 0;
  },
};

type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

export function meterCapacity(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!SUPPORTS.has(command)) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
      const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0) * (TRANSACTIONS.has(command) ? 2 : 1);
      if (READS.has(command)) totals.readCapacityUnits += units;
      else totals.writeCapacityUnits += units;
      return result;
    },
    { step: 'initialize', name: 'hubCapacityMeter' },
  );
}
