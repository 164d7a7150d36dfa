/**
 * A licensee's link to a state system: the OAuth consent (tokens sealed by the token cipher) and
 * the state-system users hub API keys act as. The 100-day consent clock is kept here, so the hub
 * can warn before it runs out and park submissions when it has.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TokenCipher } from '../adapters/token-cipher.ts';
import { keys } from '../repositories/keys.ts';
import { queryAll } from '../repositories/paging.ts';

export interface StateConnection {
  readonly licenseeId: string;
  readonly system: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly accessExpiresAt: string;
  readonly consentGrantedAt: string;
  readonly consentExpiresAt: string;
  readonly updatedAt: string;
  /**
   * Set when the state system refused the refresh token before the consent ran out (its answer to
   * an earlier refresh was lost, or the grant was revoked): only a new approval helps.
   */
  readonly refreshFailedAt?: string;
  readonly refreshFailure?: string;
}

export interface StateUserCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * A licensee's connection to one state system in neutral terms, whatever the system's own
 * mechanism (an OAuth consent, a user key): what `GET /v1/me` and `GET /v1/integrations/{system}` show.
 */
export const connectionHealths = ['connected', 'expiring', 'revoked', 'reconnect-required', 'missing'] as const;
export type ConnectionHealth = (typeof connectionHealths)[number];

const timestamp = z.iso.datetime({ offset: true });

export const stateSystemConnectionView = z
  .object({
    system: z.string().meta({ description: "The state system's id, as a tenant's link names its adapter" }),
    displayName: z.string(),
    health: z.enum(connectionHealths).meta({
      description:
        '`connected`; `expiring`: works, but runs out soon (see `expiresAt`); `revoked`: the state system no longer accepts the credentials; `reconnect-required`: the hub must be approved or given credentials again (a consent ran out, or the state system refused a refresh); `missing`: never connected',
    }),
    expiresAt: timestamp.optional().meta({ description: 'When the connection runs out, for systems whose connections do' }),
    since: timestamp.optional().meta({ description: 'Since when the connection has been in this health' }),
  })
  .meta({ id: 'StateSystemConnection' });
export type StateSystemConnection = z.output<typeof stateSystemConnectionView>;
/** What a system's own rules say of a connection; the registry adds the system's id and name. */
export type ConnectionHealthView = Omit<StateSystemConnection, 'system' | 'displayName'>;

/** Which state user an API key acts as; `default` is the license's integration user. */
export const DEFAULT_STATE_USER = 'default';

/**
 * The connection's dates, readable without the key that seals its secrets: since when it was
 * granted (an OAuth consent, or a user key entered), when it runs out (consents only), and since
 * when the state system refuses it.
 */
export interface ConsentDates {
  readonly consentGrantedAt: string;
  readonly consentExpiresAt?: string;
  readonly refreshFailedAt?: string;
  readonly refreshFailure?: string;
}

export interface ConnectionStore {
  get(licenseeId: string, system: string): Promise<StateConnection | undefined>;
  consentDates(licenseeId: string, system: string): Promise<ConsentDates | undefined>;
  /** Replaces the connection (new tokens): clears a refresh failure and any refresh lease. */
  put(connection: StateConnection): Promise<void>;
  /**
   * Takes the license's refresh lease until `until` unless another holder has a live one: one
   * refresher at a time across every function instance, so a rotating refresh token is never raced.
   */
  leaseRefresh(licenseeId: string, system: string, holder: string, now: Date, until: Date): Promise<boolean>;
  releaseRefresh(licenseeId: string, system: string, holder: string): Promise<void>;
  /** The state system refuses the connection's credentials (a refused refresh, a revoked key) until new ones are given. */
  markRefreshFailed(licenseeId: string, system: string, at: string, reason: string): Promise<void>;
  /**
   * For systems a licensee connects by a user key (no consent, no expiry): seals the key as the
   * license's default state user and records the connection as granted now, which ends any refusal.
   */
  putUserKey(licenseeId: string, system: string, userKey: string, at: string): Promise<void>;
  /** Licensees that have connected to `system` (consent may since have expired). */
  connectedLicensees(system: string): Promise<string[]>;
  stateUser(licenseeId: string, system: string, apiKeyId: string): Promise<StateUserCredentials | undefined>;
  putStateUser(licenseeId: string, system: string, apiKeyId: string, credentials: StateUserCredentials, at: string): Promise<void>;
  stateUsers(licenseeId: string, system: string): Promise<{ apiKeyId: string; username: string; updatedAt: string }[]>;
}

/** Pending consent requests, found by the hash of their `state`; each can be taken once, before it expires. */
export interface ConsentRequests {
  open(stateHash: string, licenseeId: string, createdAt: Date, expiresAt: Date): Promise<void>;
  /** The licensee of a live request, which is consumed; undefined when unknown, used or expired. */
  take(stateHash: string, now: Date): Promise<string | undefined>;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function createConsentRequests(client: DynamoDBDocumentClient, tableName: string): ConsentRequests {
  return {
    async open(stateHash, licenseeId, createdAt, expiresAt) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          // `expiresAt` is also the table's TTL: DynamoDB deletes requests nobody completed.
          Item: { ...keys.consentRequest(stateHash), licenseeId, createdAt: createdAt.toISOString(), expiresAt: epochSeconds(expiresAt) },
        }),
      );
    },
    async take(stateHash, now) {
      try {
        const { Attributes } = await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.consentRequest(stateHash),
            ConditionExpression: 'attribute_exists(PK) AND expiresAt > :now',
            ExpressionAttributeValues: { ':now': epochSeconds(now) },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return String(Attributes?.['licenseeId']);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
  };
}

/** The consent's dates only: what `GET /v1/me` shows, without access to the sealing key. */
export function createConsentReader(client: DynamoDBDocumentClient, tableName: string): Pick<ConnectionStore, 'consentDates'> {
  return {
    async consentDates(licenseeId, system) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.stateConnection(licenseeId, system),
          ProjectionExpression: 'consentGrantedAt, consentExpiresAt, refreshFailedAt, refreshFailure',
        }),
      );
      return Item ? datesOf(Item) : undefined;
    },
  };
}

function datesOf(item: Record<string, unknown>): ConsentDates {
  return {
    consentGrantedAt: String(item['consentGrantedAt']),
    ...(typeof item['consentExpiresAt'] === 'string' ? { consentExpiresAt: item['consentExpiresAt'] } : {}),
    ...(typeof item['refreshFailedAt'] === 'string' ? { refreshFailedAt: item['refreshFailedAt'] } : {}),
    ...(typeof item['refreshFailure'] === 'string' ? { refreshFailure: item['refreshFailure'] } : {}),
  };
}

export function createConnectionStore(client: DynamoDBDocumentClient, tableName: string, cipher: TokenCipher): ConnectionStore {
  const context = (licenseeId: string, system: string) => ({ licenseeId, system });
  /** A conditional update of the connection item; false when its condition does not hold. */
  const updateIfAllowed = async (input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> => {
    try {
      await client.send(new UpdateCommand({ TableName: tableName, ...input }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
  async function putStateUser(licenseeId: string, system: string, apiKeyId: string, credentials: StateUserCredentials, at: string): Promise<void> {
    const password = await cipher.encrypt(credentials.password, { ...context(licenseeId, system), apiKeyId });
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keys.stateUser(licenseeId, system, apiKeyId), licenseeId, system, apiKeyId, username: credentials.username, password, updatedAt: at },
      }),
    );
  }
  return {
    async get(licenseeId, system) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.stateConnection(licenseeId, system), ConsistentRead: true }));
      // A connection by user key holds no tokens.
      if (typeof Item?.['tokens'] !== 'string') return undefined;
      const tokens = JSON.parse(await cipher.decrypt(Item['tokens'], context(licenseeId, system))) as { accessToken: string; refreshToken?: string };
      return {
        licenseeId,
        system,
        ...tokens,
        accessExpiresAt: String(Item['accessExpiresAt']),
        ...datesOf(Item),
        consentExpiresAt: String(Item['consentExpiresAt']),
        updatedAt: String(Item['updatedAt']),
      };
    },

    consentDates: createConsentReader(client, tableName).consentDates,

    async put(connection) {
      // New tokens end any refresh failure: the failure fields are not carried over.
      const { accessToken, refreshToken, refreshFailedAt: _failedAt, refreshFailure: _failure, ...dates } = connection;
      const tokens = await cipher.encrypt(JSON.stringify({ accessToken, refreshToken }), context(connection.licenseeId, connection.system));
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.stateConnection(connection.licenseeId, connection.system),
            GSI1PK: keys.connectedLicensees(connection.system),
            GSI1SK: connection.licenseeId,
            ...dates,
            tokens,
          },
        }),
      );
    },

    leaseRefresh: (licenseeId, system, holder, now, until) =>
      updateIfAllowed({
        Key: keys.stateConnection(licenseeId, system),
        UpdateExpression: 'SET refreshLeaseHolder = :holder, refreshLeaseUntil = :until',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(refreshLeaseUntil) OR refreshLeaseUntil < :now OR refreshLeaseHolder = :holder)',
        ExpressionAttributeValues: { ':holder': holder, ':until': until.getTime(), ':now': now.getTime() },
      }),

    async releaseRefresh(licenseeId, system, holder) {
      // Refused when the new tokens were put (which ends the lease) or the lease ran out and another took it.
      await updateIfAllowed({
        Key: keys.stateConnection(licenseeId, system),
        UpdateExpression: 'REMOVE refreshLeaseHolder, refreshLeaseUntil',
        ConditionExpression: 'refreshLeaseHolder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      });
    },

    async markRefreshFailed(licenseeId, system, at, reason) {
      await updateIfAllowed({
        Key: keys.stateConnection(licenseeId, system),
        UpdateExpression: 'SET refreshFailedAt = :at, refreshFailure = :reason',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':at': at, ':reason': reason },
      });
    },

    async connectedLicensees(system) {
      const items = await queryAll(client, {
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.connectedLicensees(system) },
        ProjectionExpression: 'licenseeId',
      });
      return items.map((item) => String(item['licenseeId']));
    },

    async stateUser(licenseeId, system, apiKeyId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.stateUser(licenseeId, system, apiKeyId) }));
      if (!Item) return undefined;
      const password = await cipher.decrypt(Item['password'] as string, { ...context(licenseeId, system), apiKeyId });
      return { username: String(Item['username']), password };
    },

    putStateUser,

    async putUserKey(licenseeId, system, userKey, at) {
      // The key first: once the connection is listed, the reconciler uses it.
      await putStateUser(licenseeId, system, DEFAULT_STATE_USER, { username: '', password: userKey }, at);
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.stateConnection(licenseeId, system), GSI1PK: keys.connectedLicensees(system), GSI1SK: licenseeId, licenseeId, system, consentGrantedAt: at, updatedAt: at },
        }),
      );
    },

    async stateUsers(licenseeId, system) {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.stateUser(licenseeId, system, '').PK, ':prefix': keys.stateUser(licenseeId, system, '').SK },
          ProjectionExpression: 'apiKeyId, username, updatedAt',
        }),
      );
      return (Items ?? []).map((item) => ({ apiKeyId: String(item['apiKeyId']), username: String(item['username']), updatedAt: String(item['updatedAt']) }));
    },
  };
}
