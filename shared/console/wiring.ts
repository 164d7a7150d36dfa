/**
 * The console function's wiring: the people and sessions (as sign-in has them), the transfer
 * use-cases' dependencies (as the transfers API has them, state systems included), the connection
 * records and awaited steps `/v1/me` reads, and the tag reservations the search looks a tag up in.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import type { Mailer } from '../mail/mailer.ts';
import { keys } from '../repositories/keys.ts';
import { hubTable } from '../resources.ts';
import { createConsentReader } from '../state-system/connections.ts';
import { createSubmissionRepository } from '../submissions/repository.ts';
import { peopleDeps } from '../wiring/people.ts';
import { transferDeps } from '../wiring/transfers.ts';
import { stateSystemsFrom } from '../state-system/wiring.ts';
import type { ConsoleDeps } from './use-cases.ts';

/** The transfer a tag's reservation names (the one that holds it, or held it last). */
export function tagHolderFrom(client: DynamoDBDocumentClient, tableName: string): (tag: string) => Promise<string | undefined> {
  return async (tag) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.tagReservation(tag), ProjectionExpression: 'transferId' }));
    const id: unknown = Item?.['transferId'];
    return typeof id === 'string' ? id : undefined;
  };
}

/** The console reads sessions but sends no e-mail (sign-in does): it is given no sender. */
const sendsNoMail: Mailer = { send: () => Promise.reject(new Error('The console sends no e-mail')) };

export async function consoleDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)): Promise<ConsoleDeps> {
  const table = resourceName(config, hubTable);
  const people = peopleDeps(config, aws, sendsNoMail);
  return {
    people,
    secureCookies: people.secureCookies,
    transfers: transferDeps(config, aws, await stateSystemsFrom(config, aws, table)),
    consent: createConsentReader(aws.dynamodb, table),
    submissions: createSubmissionRepository(aws.dynamodb, table),
    tagHolder: tagHolderFrom(aws.dynamodb, table),
  };
}
