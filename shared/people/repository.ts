/**
 * People, their e-mail addresses and their one-time links in the hub table. An account and the
 * item that reserves its address are written in one transaction, with the invitation link, so no
 * two accounts share an address and no invitation exists without its account. Taking up a link
 * and the change it makes are one transaction too: a link works once, even raced.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors.ts';
import { keys, withoutKeys } from '../repositories/keys.ts';
import { processCursors, queryPage } from '../repositories/paging.ts';
import type { Page, PageCursors } from '../repositories/paging.ts';
import type { OneTimeLink } from './one-time-links.ts';
import type { Person } from './person.ts';

export interface PeopleRepository {
  /** Refuses an address another account holds (`email-taken`). */
  createInvited(person: Person, invitation: OneTimeLink): Promise<void>;
  get(licenseeId: string, personId: string): Promise<Person | undefined>;
  findByEmail(email: string): Promise<Person | undefined>;
  list(licenseeId: string, options: { limit: number; cursor?: string }): Promise<Page<Person>>;
  getLink(tokenHash: string): Promise<OneTimeLink | undefined>;
  putLink(link: OneTimeLink): Promise<void>;
  /**
   * Marks the link used and, in the same transaction, writes `changed` (at the version before it).
   * False when the link was used meanwhile (or the person changed): nothing is written then.
   */
  useLink(link: OneTimeLink, at: string, changed?: Person): Promise<boolean>;
  /** Writes `changed` if the stored person is still at the version before it; false otherwise (nothing written). */
  update(changed: Person): Promise<boolean>;
  /** A new invitation link and the person that names it (`invitationHash`), in one transaction; false if the person changed meanwhile. */
  replaceInvitation(changed: Person, invitation: OneTimeLink): Promise<boolean>;
  /** Ends every session the person has: returns the person with the next session generation. */
  nextSessionGeneration(licenseeId: string, personId: string): Promise<Person | undefined>;
}

const toPerson = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Person;
const toLink = (item: Record<string, unknown>) => withoutKeys(item) as unknown as OneTimeLink;
/** DynamoDB's TTL removes a link a day after it stopped working (seconds). */
const linkTtl = (link: OneTimeLink) => Math.ceil(Date.parse(link.validUntil) / 1000) + 24 * 3600;

export function createPeopleRepository(client: DynamoDBDocumentClient, tableName: string, cursors: PageCursors = processCursors): PeopleRepository {
  /** A Put of the changed person, conditional on the stored one being at the version before. */
  const personAtVersion = (changed: Person) => ({
    TableName: tableName,
    Item: { ...keys.person(changed.licenseeId, changed.id), ...changed },
    ConditionExpression: 'version = :before',
    ExpressionAttributeValues: { ':before': changed.version - 1 },
  });
  const get = async (licenseeId: string, personId: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.person(licenseeId, personId), ConsistentRead: true }));
    return Item ? toPerson(Item) : undefined;
  };
  return {
    async createInvited(person, invitation) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: { ...keys.person(person.licenseeId, person.id), ...person }, ConditionExpression: 'attribute_not_exists(PK)' } },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...keys.personEmail(person.email), email: person.email, licenseeId: person.licenseeId, personId: person.id },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              { Put: { TableName: tableName, Item: { ...keys.oneTimeLink(invitation.tokenHash), ...invitation, expiresAt: linkTtl(invitation) }, ConditionExpression: 'attribute_not_exists(PK)' } },
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') {
          throw new ConflictError('email-taken', 'This e-mail address already has an account on the hub', { email: person.email });
        }
        throw error;
      }
    },

    get,

    async findByEmail(email) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.personEmail(email) }));
      const licenseeId: unknown = Item?.['licenseeId'];
      const personId: unknown = Item?.['personId'];
      return typeof licenseeId === 'string' && typeof personId === 'string' ? get(licenseeId, personId) : undefined;
    },

    async list(licenseeId, options) {
      const partition = keys.person(licenseeId, '').PK;
      const page = await queryPage(
        client,
        cursors,
        {
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.personPrefix },
        },
        { ...options, list: 'people', partitionAttribute: 'PK', partition, keyShape: ['PK', 'SK'] },
      );
      return { ...page, items: page.items.map(toPerson) };
    },

    async getLink(tokenHash) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.oneTimeLink(tokenHash), ConsistentRead: true }));
      return Item ? toLink(Item) : undefined;
    },

    async putLink(link) {
      await client.send(
        new PutCommand({ TableName: tableName, Item: { ...keys.oneTimeLink(link.tokenHash), ...link, expiresAt: linkTtl(link) }, ConditionExpression: 'attribute_not_exists(PK)' }),
      );
    },

    async useLink(link, at, changed) {
      const use = {
        Update: {
          TableName: tableName,
          Key: keys.oneTimeLink(link.tokenHash),
          UpdateExpression: 'SET usedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(usedAt)',
          ExpressionAttributeValues: { ':at': at },
        },
      };
      const write = changed
        ? [
            {
              Put: {
                TableName: tableName,
                Item: { ...keys.person(changed.licenseeId, changed.id), ...changed },
                ConditionExpression: 'version = :before',
                ExpressionAttributeValues: { ':before': changed.version - 1 },
              },
            },
          ]
        : [];
      try {
        await client.send(new TransactWriteCommand({ TransactItems: [use, ...write] }));
        return true;
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
          if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict')) return false;
        }
        throw error;
      }
    },

    async update(changed) {
      try {
        await client.send(new PutCommand(personAtVersion(changed)));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async replaceInvitation(changed, invitation) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: { ...keys.oneTimeLink(invitation.tokenHash), ...invitation, expiresAt: linkTtl(invitation) }, ConditionExpression: 'attribute_not_exists(PK)' } },
              { Put: personAtVersion(changed) },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
          if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict')) return false;
        }
        throw error;
      }
    },

    async nextSessionGeneration(licenseeId, personId) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.person(licenseeId, personId),
            UpdateExpression: 'ADD sessionGeneration :one, version :one',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? toPerson(Attributes) : undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
  };
}
