/**
 * The sign-in function's wiring: people and sessions as `shared/wiring/people.ts` wires them, plus
 * passkeys (their items and challenges in the hub table, the relying party from the hub's public
 * address, the counters that slow failed passkey sign-ins) on the same DynamoDB client.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { requireSetting, resourceName } from '../config.ts';
import { createGuessCounter } from '../guessing/counter.ts';
import type { Mailer } from '../mail/mailer.ts';
import { hubTable } from '../resources.ts';
import type { SignInSettings } from '../wiring/people.ts';
import { peopleDeps } from '../wiring/people.ts';
import { createPasskeyRepository } from './passkey-repository.ts';
import type { PasskeyDeps } from './passkey-use-cases.ts';
import { relyingParty } from './passkeys.ts';
import type { PeopleDeps } from './use-cases.ts';

export type SignInDeps = PeopleDeps & PasskeyDeps & SignInSettings;

export function signInDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb'> = createDynamoDbClients(config), mailer?: Mailer): SignInDeps {
  const table = resourceName(config, hubTable);
  return {
    ...peopleDeps(config, aws, ...(mailer ? [mailer] : [])),
    passkeys: createPasskeyRepository(aws.dynamodb, table),
    relyingParty: relyingParty(requireSetting(config.publicBaseUrl, 'PUBLIC_BASE_URL')),
    passkeyCounters: {
      failures: createGuessCounter(aws.dynamodb, table, 'PASSKEY_SIGN_IN'),
      challenges: createGuessCounter(aws.dynamodb, table, 'PASSKEY_CHALLENGE'),
    },
  };
}
