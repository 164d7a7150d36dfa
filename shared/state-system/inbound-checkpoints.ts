/**
 * Where each licensee's inbound pull from a state system stopped. The checkpoint itself is the
 * adapter's (opaque text); this store only keeps it, one item per licensee and system.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../repositories/keys.ts';

export interface InboundCheckpoints {
  get(licenseeId: string, system: string): Promise<string | undefined>;
  put(licenseeId: string, system: string, checkpoint: string, at: string): Promise<void>;
}

export function createInboundCheckpoints(client: DynamoDBDocumentClient, tableName: string): InboundCheckpoints {
  return {
    async get(licenseeId, system) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.inboundCheckpoint(licenseeId, system), ConsistentRead: true }));
      return typeof Item?.['checkpoint'] === 'string' ? Item['checkpoint'] : undefined;
    },
    async put(licenseeId, system, checkpoint, at) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...keys.inboundCheckpoint(licenseeId, system), checkpoint, updatedAt: at } }));
    },
  };
}
