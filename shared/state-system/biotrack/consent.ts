/**
 * The license admin's consent to the hub in the state system (OAuth 2.0 authorization code), the
 * state users hub API keys act as, and what `GET /v1/me` says about the consent's 100 days.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { HttpProblem } from '../../http/problem.ts';
import type { Caller } from '../../http/caller.ts';
import type { SubmissionQueue } from '../../submissions/outbox.ts';
import type { SubmissionRepository } from '../../submissions/repository.ts';
import type { Licensee } from '../../tenants/licensee.ts';
import { authorizeUrl, requestTokens } from './client.ts';
import type { NyApiSettings } from './client.ts';
import { DEFAULT_STATE_USER } from '../connections.ts';
import { StateSystemError } from '../port.ts';
import { CONSENT_WARNING_DAYS } from './capabilities.ts';

export { CONSENT_WARNING_DAYS };
import type { ConnectionStore, ConsentDates, ConsentRequests, StateUserCredentials } from '../connections.ts';

export const CONSENT_DAYS = 100;
const DAY_MS = 24 * 60 * 60 * 1000;
const REQUEST_TTL_SECONDS = 10 * 60;
const SYSTEM = 'biotrack-ny';

export interface ConsentView {
  readonly status: 'not-connected' | 'connected' | 'expiring' | 'expired' | 'reconnect-required';
  readonly grantedAt?: string;
  readonly expiresAt?: string;
  readonly daysLeft?: number;
  readonly refreshFailedAt?: string;
  readonly warning?: string;
}

/**
 * Connected, in its last 14 days (warned), run out, or cut short: the state system refused the
 * hub's refresh token inside the 100 days, which only a new approval repairs.
 */
export function consentView(dates: ConsentDates | undefined, now: Date): ConsentView {
  if (!dates?.consentExpiresAt) return { status: 'not-connected' };
  const left = Date.parse(dates.consentExpiresAt) - now.getTime();
  const daysLeft = Math.max(0, Math.ceil(left / DAY_MS));
  const base = { grantedAt: dates.consentGrantedAt, expiresAt: dates.consentExpiresAt, daysLeft };
  if (left <= 0) {
    return { ...base, status: 'expired', warning: 'The state-system consent has expired: reports wait until the license admin approves the hub again.' };
  }
  if (dates.refreshFailedAt) {
    return {
      ...base,
      status: 'reconnect-required',
      refreshFailedAt: dates.refreshFailedAt,
      warning: `The state system stopped accepting the hub's access on ${dates.refreshFailedAt.slice(0, 10)}, before the consent's end: reports wait until the license admin approves the hub again.`,
    };
  }
  if (left <= CONSENT_WARNING_DAYS * DAY_MS) {
    return { ...base, status: 'expiring', warning: `The state-system consent expires in ${daysLeft} day(s): ask the license admin to approve the hub again.` };
  }
  return { ...base, status: 'connected' };
}

export interface ConsentDeps {
  readonly requests: ConsentRequests;
  readonly settings: NyApiSettings;
  readonly connections: ConnectionStore;
  readonly licensees: { get(licenseeId: string): Promise<Licensee | undefined> };
  readonly apiKeys: { get(keyId: string): Promise<{ readonly licenseeId: string; readonly revokedAt?: string } | undefined> };
  readonly submissions: SubmissionRepository;
  readonly queue: SubmissionQueue;
  readonly publicBaseUrl: string;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
}

const hashOf = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');
export const callbackPath = '/v1/integrations/biotrack/callback';

async function biotrackLicensee(deps: ConsentDeps, licenseeId: string): Promise<Licensee & { stateSystem: { stateLicenseNumber: string } }> {
  const licensee = await deps.licensees.get(licenseeId);
  const link = licensee?.stateSystem;
  if (!licensee || link?.adapter !== SYSTEM || !link.stateLicenseNumber) {
    throw new ConflictError('not-integrated', 'This licensee does not report to the BioTrack NY-API', { stateSystem: link?.adapter ?? 'none' });
  }
  return licensee as Licensee & { stateSystem: { stateLicenseNumber: string } };
}

/** Starts consent: a single-use `state` (128 random bits, stored hashed, 10 minutes) and where to send the admin. */
export async function startConsent(deps: ConsentDeps, caller: Caller): Promise<{ authorizeUrl: string; expiresAt: string }> {
  const licensee = await biotrackLicensee(deps, caller.licenseeId);
  const state = randomBytes(16).toString('base64url');
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + REQUEST_TTL_SECONDS * 1000);
  await deps.requests.open(hashOf(state), caller.licenseeId, now, expiresAt);
  return {
    authorizeUrl: authorizeUrl(deps.settings, { state, redirectUri: `${deps.publicBaseUrl}${callbackPath}`, license: licensee.stateSystem.stateLicenseNumber }),
    expiresAt: expiresAt.toISOString(),
  };
}

/**
 * The state system sent the admin back with a code: exchange it, keep the tokens sealed, start
 * the 100-day clock, and wake the submissions that waited for consent.
 */
export async function completeConsent(deps: ConsentDeps, input: { readonly code: string; readonly state: string }): Promise<{ licenseeId: string; consent: ConsentView; resumed: number }> {
  const licenseeId = await deps.requests.take(hashOf(input.state), deps.now());
  if (licenseeId === undefined) {
    throw new HttpProblem({ status: 400, code: 'consent-request-invalid', title: 'Unknown, used or expired consent request', detail: 'Start again from /v1/integrations/biotrack/connect.' });
  }
  await biotrackLicensee(deps, licenseeId);
  const tokens = await requestTokens(deps.settings, deps.fetch, {
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: `${deps.publicBaseUrl}${callbackPath}`,
  }).catch((error: unknown) => {
    const code = error instanceof StateSystemError ? error.code : 'STATE_SYSTEM_ERROR';
    throw new HttpProblem({ status: 502, code: 'state-system-refused', title: 'The state system did not grant tokens', detail: `Its answer: ${code}. Start again from /v1/integrations/biotrack/connect.` });
  });
  const now = deps.now();
  const consentExpiresAt = tokens.consentExpiresAt ?? new Date(now.getTime() + CONSENT_DAYS * DAY_MS).toISOString();
  await deps.connections.put({
    licenseeId,
    system: SYSTEM,
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    accessExpiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000).toISOString(),
    consentGrantedAt: now.toISOString(),
    consentExpiresAt,
    updatedAt: now.toISOString(),
  });
  const waiting = await deps.submissions.awaitingConsent(licenseeId);
  if (waiting.length > 0) await deps.queue.send(waiting, `consent-${now.getTime()}`);
  return { licenseeId, consent: consentView({ consentGrantedAt: now.toISOString(), consentExpiresAt }, now), resumed: waiting.length };
}

/** Links a state user to one of the caller's API keys, or (`default`) makes it the license's integration user. */
export async function linkStateUser(deps: ConsentDeps, caller: Caller, apiKeyId: string, credentials: StateUserCredentials): Promise<{ apiKeyId: string; username: string }> {
  await biotrackLicensee(deps, caller.licenseeId);
  if (apiKeyId !== DEFAULT_STATE_USER) {
    const key = await deps.apiKeys.get(apiKeyId);
    if (!key || key.licenseeId !== caller.licenseeId || key.revokedAt) throw new NotFoundError('API key');
  }
  await deps.connections.putStateUser(caller.licenseeId, SYSTEM, apiKeyId, credentials, deps.now().toISOString());
  return { apiKeyId, username: credentials.username };
}

export async function integrationStatus(deps: Pick<ConsentDeps, 'connections' | 'now'>, caller: Caller) {
  const [dates, users] = await Promise.all([
    deps.connections.consentDates(caller.licenseeId, SYSTEM),
    deps.connections.stateUsers(caller.licenseeId, SYSTEM),
  ]);
  return { system: SYSTEM, consent: consentView(dates, deps.now()), stateUsers: users };
}
