/**
 * Passkeys and their ceremonies' challenges in the hub table.
 *
 * - A person's passkeys share one partition (`PASSKEYS#<licensee>#<person>`), one item each by
 *   credential ID: the account page lists them with one consistent Query, and sign-in reads the one
 *   the browser names (the user handle tells the person, the credential ID the item). Not in the
 *   licensee's partition: its `PERSON#` prefix lists the people.
 * - A challenge is one item by its SHA-256; taking it is a conditional delete, so it works once
 *   even raced. TTL removes one nobody took, a day after it stopped working.
 *
 * The key builders belong with the others in `shared/repositories/keys.ts` (and the README's access
 * patterns); they are here until that file's owner moves them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from '../repositories/keys.ts';
import type { Passkey, PasskeyChallenge } from './passkeys.ts';

export const passkeyKeys = {
  /** A person's passkey, in the person's passkey partition. */
  passkey: (licenseeId: string, personId: string, credentialId: string) => ({ PK: `PASSKEYS#${licenseeId}#${personId}`, SK: `PASSKEY#${credentialId}` }),
  passkeyPrefix: 'PASSKEY#',
  /** A WebAuthn challenge the hub issued, by its SHA-256. */
  challenge: (challengeHash: string) => ({ PK: `PASSKEY_CHALLENGE#${challengeHash}`, SK: 'CHALLENGE' }),
};

/** A person has a handful of passkeys, not hundreds. */
export const MAX_PASSKEYS_PER_PERSON = 20;

export interface PasskeyRepository {
  /** Refuses a credential ID the person already has (`false`). */
  create(passkey: Passkey): Promise<boolean>;
  list(licenseeId: string, personId: string): Promise<Passkey[]>;
  get(licenseeId: string, personId: string, credentialId: string): Promise<Passkey | undefined>;
  /** Records a sign-in: the new counter, only if the stored one is still `passkey.counter` (`false` otherwise). */
  recordUse(passkey: Passkey, counter: number, at: string): Promise<boolean>;
  /** `false` when there was no such passkey. */
  remove(licenseeId: string, personId: string, credentialId: string): Promise<boolean>;
  putChallenge(challenge: PasskeyChallenge): Promise<void>;
  /** The challenge, deleted in the same step: the second taker gets nothing. */
  takeChallenge(challengeHash: string): Promise<PasskeyChallenge | undefined>;
}

const toPasskey = (item: Record<string, unknown>) => withoutKeys(item) as unknown as Passkey;

export function createPasskeyRepository(client: DynamoDBDocumentClient, tableName: string): PasskeyRepository {
  const failedCondition = (error: unknown) => error instanceof ConditionalCheckFailedException;
  return {
    async create(passkey) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...passkeyKeys.passkey(passkey.licenseeId, passkey.personId, passkey.credentialId), ...passkey },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        return true;
      } catch (error) {
        if (failedCondition(error)) return false;
        throw error;
      }
    },

    async list(licenseeId, personId) {
      const { PK } = passkeyKeys.passkey(licenseeId, personId, '');
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': PK, ':prefix': passkeyKeys.passkeyPrefix },
          ConsistentRead: true,
          Limit: MAX_PASSKEYS_PER_PERSON + 1,
        }),
      );
      return (Items ?? []).map(toPasskey).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async get(licenseeId, personId, credentialId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: passkeyKeys.passkey(licenseeId, personId, credentialId), ConsistentRead: true }));
      return Item ? toPasskey(Item) : undefined;
    },

    async recordUse(passkey, counter, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: passkeyKeys.passkey(passkey.licenseeId, passkey.personId, passkey.credentialId),
            UpdateExpression: 'SET #counter = :counter, lastUsedAt = :at',
            ConditionExpression: 'attribute_exists(PK) AND #counter = :before',
            ExpressionAttributeNames: { '#counter': 'counter' },
            ExpressionAttributeValues: { ':counter': counter, ':at': at, ':before': passkey.counter },
          }),
        );
        return true;
      } catch (error) {
        if (failedCondition(error)) return false;
        throw error;
      }
    },

    async remove(licenseeId, personId, credentialId) {
      try {
        await client.send(new DeleteCommand({ TableName: tableName, Key: passkeyKeys.passkey(licenseeId, personId, credentialId), ConditionExpression: 'attribute_exists(PK)' }));
        return true;
      } catch (error) {
        if (failedCondition(error)) return false;
        throw error;
      }
    },

    async putChallenge(challenge) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...passkeyKeys.challenge(challenge.challengeHash), ...challenge, expiresAt: Math.ceil(Date.parse(challenge.validUntil) / 1000) + 24 * 3600 },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    },

    async takeChallenge(challengeHash) {
      try {
        const { Attributes } = await client.send(
          new DeleteCommand({ TableName: tableName, Key: passkeyKeys.challenge(challengeHash), ConditionExpression: 'attribute_exists(PK)', ReturnValues: 'ALL_OLD' }),
        );
        if (!Attributes) return undefined;
        const { expiresAt: _ttl, ...challenge } = withoutKeys(Attributes);
        return challenge as unknown as PasskeyChallenge;
      } catch (error) {
        if (failedCondition(error)) return undefined;
        throw error;
      }
    },
  };
}
