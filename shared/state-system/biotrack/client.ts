/**
 * HTTP to the NY-API: one license's calls with its bearer token and its acting user's session,
 * answers validated with zod, and every failure turned into a `StateSystemError` the pipeline
 * knows how to treat. Both error styles of the contract count as failures: an HTTP error status
 * with `{Error, ErrorCode}`, and HTTP 200 with `{success: 0}`.
 */
import { retryAfterMs } from '../../http/retry-after.ts';
import type * as z from 'zod';
import { StateSystemError } from '../port.ts';
import type { StateFailureKind } from '../port.ts';
import { apiError, legacyError, tokenError, tokenResponse } from './schemas.ts';

export interface NyApiSettings {
  readonly baseUrl: string;
  /** Not public: `/oauth/token` by our reading of the contract, configurable. */
  readonly tokenPath: string;
  readonly authorizePath: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly timeoutMs: number;
  /**
   * How long an unanswered create may still be committing at the state system: until then a
   * retry that does not find it waits instead of creating it again. Default: twice the timeout.
   */
  readonly settleMs?: number;
}

/** Codes that are worth another try later; every other refusal is the state system's final word. */
const transientCodes = new Set(['RATE_LIMITED', 'SERVER_ERROR', 'TIMEOUT', 'NETWORK', 'UNAVAILABLE']);

export function failureKind(status: number, code: string): StateFailureKind {
  if (code === 'CONSENT_EXPIRED') return 'consent-expired';
  if (status === 429 || status >= 500 || transientCodes.has(code)) return 'transient';
  return 'permanent';
}

export interface RawAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly retryAfter: string | null;
}

/**
 * One HTTP exchange; a timeout or a dropped connection is transient and unsettled: the call may
 * have happened, or may still happen, at the state system (`sentAt` says since when).
 */
export async function exchange(settings: NyApiSettings, fetcher: typeof fetch, path: string, init: RequestInit, sentAt = new Date()): Promise<RawAnswer> {
  let response: Response;
  try {
    response = await fetcher(new URL(path, settings.baseUrl), { ...init, signal: AbortSignal.timeout(settings.timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new StateSystemError('transient', timedOut ? 'TIMEOUT' : 'NETWORK', timedOut ? `No answer within ${settings.timeoutMs} ms` : 'The connection failed or was dropped', {
      unsettledSince: sentAt.toISOString(),
    });
  }
  let body: unknown;
  try {
    const text = await response.text();
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new StateSystemError('transient', response.status >= 500 ? 'SERVER_ERROR' : 'UNEXPECTED_RESPONSE', `HTTP ${response.status} without a JSON body`, {
      status: response.status,
    });
  }
  return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
}

/** The answer's body if it is a success of the expected shape; otherwise the failure it stands for. */
export function interpret<T extends z.ZodType>(answer: RawAnswer, schema: T): z.output<T> {
  const { status, body } = answer;
  const retryAfter = retryAfterMs(answer.retryAfter);
  const extra = { status, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
  if (status >= 400) {
    const parsed = apiError.safeParse(body);
    const code = parsed.success ? (parsed.data.ErrorCode ?? `HTTP_${status}`) : status === 429 ? 'RATE_LIMITED' : `HTTP_${status}`;
    const message = parsed.success ? parsed.data.Error : `HTTP ${status}`;
    throw new StateSystemError(failureKind(status, code), code, message, extra);
  }
  const legacy = legacyError.safeParse(body);
  if (legacy.success) {
    const code = legacy.data.errorcode ?? 'LEGACY_ERROR';
    throw new StateSystemError(failureKind(status, code), code, legacy.data.error ?? 'The state system refused the call', extra);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    // The contract moved under us: retried, then parked in the DLQ until the adapter is fixed and redriven.
    throw new StateSystemError('transient', 'UNEXPECTED_RESPONSE', `The answer did not match the contract: ${parsed.error.issues[0]?.message ?? 'invalid'}`, extra);
  }
  return parsed.data;
}

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresInSeconds: number;
  readonly consentExpiresAt?: string;
}

/** The OAuth token endpoint (authorization code or refresh); an expired consent says so. */
export async function requestTokens(settings: NyApiSettings, fetcher: typeof fetch, form: Record<string, string>): Promise<Tokens> {
  const answer = await exchange(settings, fetcher, settings.tokenPath, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...form, client_id: settings.clientId, client_secret: settings.clientSecret }).toString(),
  });
  if (answer.status >= 400) {
    const parsed = tokenError.safeParse(answer.body);
    const code = parsed.success ? (parsed.data.ErrorCode ?? parsed.data.error) : `HTTP_${answer.status}`;
    const message = parsed.success ? (parsed.data.error_description ?? parsed.data.error) : `HTTP ${answer.status}`;
    // A refused refresh grant needs a new approval either way; whether the 100 days ran out
    // (CONSENT_EXPIRED) or the grant was cut short (a lost refresh answer rotated it) the caller
    // tells by the consent's date.
    const refused = form['grant_type'] === 'refresh_token' && code === 'invalid_grant';
    const kind = code === 'CONSENT_EXPIRED' || refused ? 'consent-expired' : failureKind(answer.status, code);
    throw new StateSystemError(kind, refused ? 'REFRESH_REJECTED' : code, message, { status: answer.status });
  }
  const tokens = interpret(answer, tokenResponse);
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    expiresInSeconds: tokens.expires_in,
    ...(tokens.consent_expires_at ? { consentExpiresAt: tokens.consent_expires_at } : {}),
  };
}

/** Where the license admin approves the hub (OAuth authorization code). */
export function authorizeUrl(settings: NyApiSettings, input: { readonly state: string; readonly redirectUri: string; readonly license: string }): string {
  const url = new URL(settings.authorizePath, settings.baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: input.redirectUri,
    state: input.state,
    // The real server learns the license from the admin's login; the emulator reads it here.
    license: input.license,
  }).toString();
  return url.toString();
}
