/**
 * GET /v1/me: the caller's licensee profile, its link to the state system and its connection to
 * each system in neutral terms.
 */
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { hubTable } from '#shared/resources.ts';
import { presentLicensee } from '#shared/tenants/licensee.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import type { TenantDeps } from '#shared/tenants/use-cases.ts';
import { getLicensee } from '#shared/tenants/use-cases.ts';
import { consentView } from '#shared/state-system/biotrack/consent.ts';
import { bioTrackSystem, stateSystemConnections } from '#shared/state-system/capabilities.ts';
import { createConsentReader } from '#shared/state-system/connections.ts';
import type { ConnectionStore } from '#shared/state-system/connections.ts';
import { createDiscrepancyStore } from '#shared/reconciliation/discrepancies.ts';
import type { DiscrepancyStore } from '#shared/reconciliation/discrepancies.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';
import type { SubmissionRepository } from '#shared/submissions/repository.ts';

export function createHandler(
  deps: Pick<TenantDeps, 'licensees'> & {
    readonly consent: Pick<ConnectionStore, 'consentDates'>;
    readonly submissions: Pick<SubmissionRepository, 'countRefused' | 'countOverdue'>;
    readonly discrepancies: Pick<DiscrepancyStore, 'countOpen'>;
    readonly now: () => Date;
  },
) {
  return httpHandler(async (event) => {
    const caller = callerOf(event);
    const licensee = await getLicensee(deps, caller);
    const adapter = licensee.stateSystem.adapter;
    // `stateSystemConsent` is BioTrack's own view, kept as it was; the connections say the same for every system.
    const consent = adapter === bioTrackSystem ? consentView(await deps.consent.consentDates(licensee.id, adapter), deps.now()) : undefined;
    const connections = await stateSystemConnections(deps.consent, licensee.id, adapter, deps.now());
    // What waits on the licensee: steps the state system refused, steps a person did not do in time, differences to settle.
    const [refused, overdue, discrepancies] = await Promise.all([
      deps.submissions.countRefused(licensee.id),
      deps.submissions.countOverdue(licensee.id, deps.now()),
      deps.discrepancies.countOpen(licensee.id),
    ]);
    const stateSystemAttention = { refused, overdue, discrepancies };
    return jsonResponse(200, { ...presentLicensee(licensee, caller.apiKeyId), ...(consent ? { stateSystemConsent: consent } : {}), stateSystemConnections: connections, stateSystemAttention });
  });
}

const config = readConfig();
const aws = createAwsClients(config);
const table = resourceName(config, hubTable);
export const handler = createHandler({
  licensees: createLicenseeRepository(aws.dynamodb, table),
  consent: createConsentReader(aws.dynamodb, table),
  submissions: createSubmissionRepository(aws.dynamodb, table),
  discrepancies: createDiscrepancyStore(aws.dynamodb, table),
  now: () => new Date(),
});
