/**
 * GET /v1/me: the caller's licensee profile, its link to the state system and its connection to
 * each system in neutral terms.
 */
import { readConfig } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { presentLicensee } from '#shared/tenants/licensee.ts';
import { getLicensee } from '#shared/tenants/use-cases.ts';
import { consentView } from '#shared/state-system/biotrack/consent.ts';
import { bioTrackSystem, stateSystemConnections } from '#shared/state-system/capabilities.ts';
import { profileDeps } from '#shared/wiring/profile.ts';
import type { ProfileDeps } from '#shared/wiring/profile.ts';

export function createHandler(deps: ProfileDeps) {
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

export const handler = createHandler(profileDeps(readConfig()));
