/**
 * The console admin function's wiring: the people and sessions (as sign-in has them, without a
 * mailer), and each admin section's dependencies as its API function has them: the key repository,
 * the integrations (BioTrack's consent, Metrc's user key), the registries and the report. None of
 * the API's idempotency: a page's form is not retried by software.
 */
import { monotonicFactory } from 'ulid';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import { pageCursorsFrom } from '../adapters/page-cursors.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import type { Mailer } from '../mail/mailer.ts';
import { createRegistryRepository } from '../registries/repository.ts';
import { hubTable } from '../resources.ts';
import { createApiKeyRepository } from '../tenants/repository.ts';
import { integrationDeps } from '../wiring/integrations.ts';
import { peopleDeps } from '../wiring/people.ts';
import { reportDeps } from '../wiring/reports.ts';
import type { ConsoleAdminDeps } from './use-cases.ts';

/** The admin pages read sessions but send no e-mail (sign-in does): they are given no sender. */
const sendsNoMail: Mailer = { send: () => Promise.reject(new Error('The console admin pages send no e-mail')) };

export async function consoleAdminDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)): Promise<ConsoleAdminDeps> {
  const table = resourceName(config, hubTable);
  const cursors = pageCursorsFrom(config);
  const people = peopleDeps(config, aws, sendsNoMail);
  const { consent, credentials } = await integrationDeps(config, aws);
  return {
    people,
    secureCookies: people.secureCookies,
    apiKeys: { apiKeys: createApiKeyRepository(aws.dynamodb, table, cursors), now: () => new Date(), newId: monotonicFactory() },
    consent,
    credentials,
    registries: { registries: createRegistryRepository(aws.dynamodb, table, cursors), now: () => new Date() },
    reports: reportDeps(config, aws),
  };
}
