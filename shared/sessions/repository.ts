/**
 * Sessions in the hub table, by the hash of their token. DynamoDB's TTL removes one at its
 * absolute end; the hub never trusts the TTL alone (it runs late), the timeouts are checked on read.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, withoutKeys } from '../repositories/keys.ts';
import { sessionExpiresAt } from './session.ts';
import type { Session } from './session.ts';

export interface SessionRepository {
  create(session: Session): Promise<void>;
  get(tokenHash: string): Promise<Session | undefined>;
  touch(tokenHash: string, at: string): Promise<void>;
  delete(tokenHash: string): Promise<void>;
}

export function createSessionRepository(client: DynamoDBDocumentClient, tableName: string): SessionRepository {
  return {
    async create(session) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.session(session.tokenHash), ...session, expiresAt: sessionExpiresAt(session) },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    },
    async get(tokenHash) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.session(tokenHash), ConsistentRead: true }));
      if (!Item) return undefined;
      const { expiresAt: _ttl, ...session } = withoutKeys(Item);
      return session as unknown as Session;
    },
    async touch(tokenHash, at) {
      await client
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.session(tokenHash),
            UpdateExpression: 'SET lastSeenAt = :at',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':at': at },
          }),
        )
        // Signed out meanwhile: nothing to touch.
        .catch((error: unknown) => {
          if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
        });
    },
    async delete(tokenHash) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: keys.session(tokenHash) }));
    },
  };
}
