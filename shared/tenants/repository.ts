/**
 * Licensees and API keys in the hub table. A licensee's profile and the item that reserves its
 * license number are written in one transaction, so two tenants can never hold the same number.
 * API keys are never deleted: revoking one stamps `revokedAt`.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors.ts';
import { processCursors, queryPage } from '../repositories/paging.ts';
import type { Page, PageCursors } from '../repositories/paging.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import type { ApiKeyRecord, ApiKeySummary, Licensee } from './licensee.ts';

export interface LicenseeRepository {
  /** Refuses a license number another licensee holds (`license-number-taken`). */
  create(licensee: Licensee): Promise<void>;
  get(licenseeId: string): Promise<Licensee | undefined>;
  findIdByLicenseNumber(licenseNumber: string): Promise<string | undefined>;
}

export interface ApiKeyRepository {
  create(key: ApiKeyRecord): Promise<void>;
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Newest first, without the hashes. */
  list(licenseeId: string, options: { limit: number; cursor?: string }): Promise<Page<ApiKeySummary>>;
  /**
   * Stamps the revocation on a key of `licenseeId` that is not revoked yet. Returns the revoked key,
   * or `undefined` when there is no such key, it belongs to another licensee, or it was already revoked.
   */
  revoke(keyId: string, licenseeId: string, at: string, byKeyId: string): Promise<ApiKeySummary | undefined>;
}

const toLicensee = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Licensee;
const toApiKey = (item: Record<string, unknown>) => withoutKeys(item) as unknown as ApiKeyRecord;

export const withoutHash = (key: ApiKeyRecord): ApiKeySummary => {
  const { secretHash: _hash, ...summary } = key;
  return summary;
};

/** Every attribute of a key except its hash, for lists: the hash never leaves the table there. */
const SUMMARY_ATTRIBUTES = ['id', 'licenseeId', 'label', 'createdAt', 'createdByKeyId', 'revokedAt', 'revokedByKeyId', 'version'] as const;

export function createLicenseeRepository(client: DynamoDBDocumentClient, tableName: string): LicenseeRepository {
  return {
    async create(licensee) {
      const transaction = new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.licensee(licensee.id), ...licensee },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.licenseNumber(licensee.licenseNumber), licenseNumber: licensee.licenseNumber, licenseeId: licensee.id },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      });
      for (let attempt = 1; ; attempt += 1) {
        try {
          await client.send(transaction);
          return;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code);
          if (reasons[1] === 'ConditionalCheckFailed') {
            throw new ConflictError('license-number-taken', 'Another licensee holds this license number', {
              licenseNumber: licensee.licenseNumber,
            });
          }
          // A concurrent registration of the same number was in flight: once it settles, the condition decides.
          if (!reasons.includes('TransactionConflict') || attempt === 3) throw error;
        }
      }
    },

    async get(licenseeId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.licensee(licenseeId) }));
      return Item ? toLicensee(Item) : undefined;
    },

    async findIdByLicenseNumber(licenseNumber) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.licenseNumber(licenseNumber) }));
      const licenseeId: unknown = Item?.['licenseeId'];
      return typeof licenseeId === 'string' ? licenseeId : undefined;
    },
  };
}

/** `cursors`: the hub's configured cursor key where cursors reach clients (see `shared/repositories/paging.ts`). */
export function createApiKeyRepository(client: DynamoDBDocumentClient, tableName: string, cursors: PageCursors = processCursors): ApiKeyRepository {
  return {
    async create(key) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          // Key ids are ULIDs: sorting on them lists a licensee's keys in creation order.
          Item: { ...keys.apiKey(key.id), ...keys.apiKeysOf(key.licenseeId), GSI1SK: key.id, ...key },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    },

    async get(keyId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.apiKey(keyId) }));
      return Item ? toApiKey(Item) : undefined;
    },

    async list(licenseeId, options) {
      const partition = keys.apiKeysOf(licenseeId).GSI1PK;
      const names = Object.fromEntries(SUMMARY_ATTRIBUTES.map((name, i) => [`#a${i}`, name]));
      const page = await queryPage(
        client,
        cursors,
        {
          TableName: tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ProjectionExpression: Object.keys(names).join(', '),
          ExpressionAttributeNames: names,
        },
        { ...options, list: 'api-keys', partitionAttribute: 'GSI1PK', partition, keyShape: ['PK', 'SK', 'GSI1PK', 'GSI1SK'] },
      );
      return { ...page, items: page.items.map((item) => item as ApiKeySummary) };
    },

    async revoke(keyId, licenseeId, at, byKeyId) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.apiKey(keyId),
            UpdateExpression: 'SET revokedAt = :at, revokedByKeyId = :by, version = version + :one',
            ConditionExpression: 'licenseeId = :licensee AND attribute_not_exists(revokedAt)',
            ExpressionAttributeValues: { ':at': at, ':by': byKeyId, ':licensee': licenseeId, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? withoutHash(toApiKey(Attributes)) : undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
  };
}
