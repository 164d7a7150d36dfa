/**
 * `PUT /v1/integrations/metrc/credentials`: the license admin enters the license's Metrc user key.
 * The hub checks it with Metrc first (`GET /facilities/v2/`: the key works and reaches this
 * license's facility), then keeps it sealed and wakes the submissions that waited for a key. The
 * key is never shown again.
 */
import * as z from 'zod';
import { ConflictError } from '../../errors.ts';
import type { Caller } from '../../http/caller.ts';
import { HttpProblem } from '../../http/problem.ts';
import type { SubmissionQueue } from '../../submissions/outbox.ts';
import type { SubmissionRepository } from '../../submissions/repository.ts';
import type { Licensee } from '../../tenants/licensee.ts';
import type { ConnectionStore } from '../connections.ts';
import { stateSystemConnectionView } from '../connections.ts';
import { StateSystemError } from '../port.ts';
import { metrcCapabilities, metrcSystem } from './capabilities.ts';
import { GetBudget, metrcConnection } from './client.ts';
import type { MetrcSettings } from './client.ts';
import { metrcConnectionHealth } from './connection.ts';

export const userKeyBody = z
  .strictObject({
    userKey: z
      .string()
      .trim()
      .min(1, 'Paste the user key you created in Metrc')
      .max(512)
      .regex(/^\S*$/, 'A Metrc user key has no spaces inside: paste it exactly as Metrc shows it')
      .meta({ description: "The license's Metrc user key (Metrc: your name → API Keys). Write-only: never shown again." }),
  })
  .meta({ id: 'MetrcUserKey' });

export const keyConnectionView = stateSystemConnectionView
  .extend({
    facility: z.object({ licenseNumber: z.string(), name: z.string().optional() }).meta({ description: 'The Metrc facility the key reaches for this license' }),
    resumed: z.number().int().nonnegative().meta({ description: 'Submissions that waited for a working key and are sent again now' }),
  })
  .meta({ id: 'MetrcConnection' });
export type KeyConnectionView = z.output<typeof keyConnectionView>;

export interface CredentialsDeps {
  /** None when the hub is not configured for Metrc (no base URL). */
  readonly settings: MetrcSettings | undefined;
  readonly connections: Pick<ConnectionStore, 'putUserKey'>;
  readonly licensees: { get(licenseeId: string): Promise<Licensee | undefined> };
  readonly submissions: Pick<SubmissionRepository, 'awaitingConsent'>;
  readonly queue: SubmissionQueue;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  /** The GET budget every instance shares (the check is a facility's GET like any other); none: this process's own. */
  readonly budget?: GetBudget;
}

const refused = (detail: string) => new HttpProblem({ status: 422, code: 'state-credentials-refused', title: 'Metrc does not accept this user key', detail, errors: [{ pointer: '/userKey', message: detail }] });

export async function enterUserKey(deps: CredentialsDeps, caller: Caller, body: z.output<typeof userKeyBody>): Promise<KeyConnectionView> {
  const licensee = await deps.licensees.get(caller.licenseeId);
  const license = licensee?.stateSystem.adapter === metrcSystem ? licensee.stateSystem.stateLicenseNumber : undefined;
  if (!license) throw new ConflictError('not-integrated', 'This licensee does not report to Metrc', { stateSystem: licensee?.stateSystem.adapter ?? 'none' });
  if (!deps.settings) {
    throw new HttpProblem({ status: 503, code: 'state-system-not-configured', title: 'The hub is not connected to Metrc', detail: 'This hub has no Metrc address configured; ask its operator.' });
  }
  const metrc = metrcConnection({ settings: deps.settings, fetch: deps.fetch, budget: deps.budget ?? new GetBudget(deps.settings.budget), userKey: body.userKey, license, now: deps.now });
  const facilities = await metrc.facilities().catch((error: unknown) => {
    if (error instanceof StateSystemError && error.kind === 'consent-expired') {
      throw refused('Metrc refused this key: check that it is the user key (not the vendor key), copied whole, and not deleted in Metrc. Create a new one in Metrc if unsure.');
    }
    if (error instanceof StateSystemError && error.kind === 'transient') {
      throw new HttpProblem({ status: 503, code: 'state-system-unavailable', title: 'Metrc did not answer', detail: 'The key was not checked or stored. Try again in a few minutes.' });
    }
    throw error;
  });
  const facility = facilities.find((candidate) => candidate.License.Number === license);
  if (!facility) {
    throw refused(`This key works, but its Metrc user has no access to facility ${license}. In Metrc, give the user access to that facility, or enter the key of a user who has it.`);
  }
  const at = deps.now().toISOString();
  await deps.connections.putUserKey(caller.licenseeId, metrcSystem, body.userKey, at);
  const waiting = await deps.submissions.awaitingConsent(caller.licenseeId);
  if (waiting.length > 0) await deps.queue.send(waiting, `user-key-${Date.parse(at)}`);
  return {
    system: metrcSystem,
    displayName: metrcCapabilities.displayName,
    ...metrcConnectionHealth({ consentGrantedAt: at }),
    facility: { licenseNumber: license, ...(facility.Name ? { name: facility.Name } : {}) },
    resumed: waiting.length,
  };
}
