/**
 * Drivers, vehicles and partners in the owning licensee's partition of the hub table. Every write
 * is conditional on the version the caller read; nothing is deleted, a record is deactivated.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, StaleVersionError } from '../errors.ts';
import { processCursors, queryPage } from '../repositories/paging.ts';
import type { Page, PageCursors } from '../repositories/paging.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import type { RegistryData, RegistryKind } from './schemas.ts';
import type { RegistryStateLink } from './state-link.ts';

export interface RegistryRecord<K extends RegistryKind = RegistryKind> {
  readonly kind: K;
  readonly id: string;
  readonly licenseeId: string;
  readonly active: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deactivatedAt?: string;
  readonly data: RegistryData[K];
  /** A driver's or vehicle's link to its copy in the license's state system (the registries' sync). */
  readonly stateSystem?: RegistryStateLink;
}

export interface RegistryRepository {
  create<K extends RegistryKind>(record: RegistryRecord<K>): Promise<void>;
  get<K extends RegistryKind>(kind: K, licenseeId: string, id: string): Promise<RegistryRecord<K> | undefined>;
  list<K extends RegistryKind>(
    kind: K,
    licenseeId: string,
    options: { status: 'active' | 'inactive' | 'all'; limit: number; cursor?: string },
  ): Promise<Page<RegistryRecord<K>>>;
  /** Writes `next` if the stored record is still at `expectedVersion`; `next.version` is the new one. */
  replace<K extends RegistryKind>(next: RegistryRecord<K>, expectedVersion: number): Promise<void>;
}

const keyOf = (kind: RegistryKind, licenseeId: string, id: string) => keys[kind](licenseeId, id);

function toRecord<K extends RegistryKind>(item: Record<string, unknown>): RegistryRecord<K> {
  return withoutKeys(item) as unknown as RegistryRecord<K>;
}

/** `cursors`: the hub's configured cursor key where cursors reach clients (see `shared/repositories/paging.ts`). */
export function createRegistryRepository(client: DynamoDBDocumentClient, tableName: string, cursors: PageCursors = processCursors): RegistryRepository {
  return {
    async create(record) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keyOf(record.kind, record.licenseeId, record.id), ...record },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    },

    async get(kind, licenseeId, id) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(kind, licenseeId, id) }));
      return Item ? toRecord(Item) : undefined;
    },

    async list(kind, licenseeId, options) {
      const partition = keys.licensee(licenseeId).PK;
      const filter =
        options.status === 'all' ? {} : { FilterExpression: 'active = :active', ExpressionAttributeValues: { ':active': options.status === 'active' } };
      // Ids are ULIDs, so the sort key orders by creation.
      const page = await queryPage(
        client,
        cursors,
        {
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ...filter,
          ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.registryPrefix[kind], ...filter.ExpressionAttributeValues },
        },
        { ...options, list: `registries/${kind}`, partitionAttribute: 'PK', partition, keyShape: ['PK', 'SK'] },
      );
      return { ...page, items: page.items.map((item) => toRecord(item)) };
    },

    async replace(next, expectedVersion) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keyOf(next.kind, next.licenseeId, next.id), ...next },
            ConditionExpression: 'attribute_exists(PK) AND version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          const current = error.Item?.['version']?.N;
          if (current === undefined) throw new NotFoundError(next.kind);
          throw new StaleVersionError(Number(current));
        }
        throw error;
      }
    },
  };
}
