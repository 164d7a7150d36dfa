/**
 * People and sign-in's wiring: accounts, links and sessions in the hub table, the counters that
 * slow guessing and limit sign-in e-mails, and the mailer (SES, or local mode's SMTP server).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { monotonicFactory } from 'ulid';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import { pageCursorsFrom } from '../adapters/page-cursors.ts';
import type { HubConfig } from '../config.ts';
import { requireSetting, resourceName } from '../config.ts';
import { createGuessCounter } from '../guessing/counter.ts';
import { createMailer } from '../mail/mailer.ts';
import type { Mailer } from '../mail/mailer.ts';
import { createPeopleRepository } from '../people/repository.ts';
import type { PeopleDeps } from '../people/use-cases.ts';
import { hubTable } from '../resources.ts';
import { createSessionRepository } from '../sessions/repository.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';

/** Cookies go without `Secure` only where the hub itself is served over plain HTTP on this machine. */
export function isLoopbackHttp(baseUrl: string): boolean {
  const url = new URL(baseUrl);
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export interface SignInSettings {
  readonly secureCookies: boolean;
}

export function peopleDeps(
  config: HubConfig,
  aws: Pick<AwsClients, 'dynamodb'> = createDynamoDbClients(config),
  mailer: Mailer = createMailer({ sender: requireSetting(config.mail.sender, 'MAIL_SENDER'), ...(config.mail.smtpUrl ? { smtpUrl: config.mail.smtpUrl } : {}) }, config.region),
): PeopleDeps & SignInSettings {
  const table = resourceName(config, hubTable);
  const baseUrl = requireSetting(config.publicBaseUrl, 'PUBLIC_BASE_URL');
  return {
    people: createPeopleRepository(aws.dynamodb, table, pageCursorsFrom(config)),
    sessions: createSessionRepository(aws.dynamodb, table),
    licensees: createLicenseeRepository(aws.dynamodb, table),
    mailer,
    baseUrl,
    counters: {
      linkGuesses: createGuessCounter(aws.dynamodb, table, 'SIGN_IN_LINK'),
      signInsFromNetwork: createGuessCounter(aws.dynamodb, table, 'SIGN_IN_FROM'),
      signInsToAddress: createGuessCounter(aws.dynamodb, table, 'SIGN_IN_TO'),
    },
    now: () => new Date(),
    newId: monotonicFactory(),
    sleep: (ms) => sleep(ms),
    secureCookies: !isLoopbackHttp(baseUrl),
  };
}
