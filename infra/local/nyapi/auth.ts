/**
 * The two auth layers of ny-api.md §2, against the emulator clock: OAuth authorization-code consent
 * (100 days per license) with rotating refresh tokens, and per-user sessions for attribution.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorClock } from './clock.ts';
import type { ErrorCode } from './model.ts';

export const ACCESS_TOKEN_SECONDS = 3600;
export const CONSENT_DAYS = 100;
const CODE_SECONDS = 600;
const SESSION_SECONDS = 12 * 3600;
const DAY_MS = 86_400_000;

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly consent_expires_at: string;
}

/** What the token endpoint answers; `license` is for the call log. */
export type TokenOutcome =
  | { readonly ok: true; readonly license: string; readonly body: TokenResponse }
  | { readonly ok: false; readonly status: 400 | 401; readonly license?: string; readonly body: Readonly<Record<string, string>> };

export type Authentication = { readonly ok: true; readonly license: string } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

interface AuthorizationCode {
  readonly license: string;
  readonly redirectUri: string;
  readonly issuedAtMs: number;
}

interface Session {
  readonly license: string;
  readonly username: string;
  readonly issuedAtMs: number;
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

export class AuthStore {
  readonly #clock: EmulatorClock;
  readonly #client: OAuthClient;
  readonly #codes = new Map<string, AuthorizationCode>();
  /** Consent time per license; a new authorization-code grant starts a fresh consent. */
  readonly #consents = new Map<string, number>();
  readonly #accessTokens = new Map<string, { license: string; issuedAtMs: number }>();
  readonly #refreshTokens = new Map<string, string>();
  readonly #sessions = new Map<string, Session>();

  constructor(clock: EmulatorClock, client: OAuthClient) {
    this.#clock = clock;
    this.#client = client;
  }

  isClient(clientId: string): boolean {
    return clientId === this.#client.clientId;
  }

  /** The admin's approval on `GET /oauth`: a single-use code valid for 10 minutes. */
  approve(license: string, redirectUri: string): string {
    const code = token();
    this.#codes.set(code, { license, redirectUri, issuedAtMs: this.#clock.nowMs() });
    return code;
  }

  #clientMatches(clientId: string | undefined, clientSecret: string | undefined): boolean {
    return clientId === this.#client.clientId && clientSecret === this.#client.clientSecret;
  }

  #consentExpiresAtMs(license: string): number {
    return (this.#consents.get(license) ?? Number.NEGATIVE_INFINITY) + CONSENT_DAYS * DAY_MS;
  }

  #issue(license: string): TokenOutcome {
    const accessToken = token();
    const refreshToken = token();
    this.#accessTokens.set(accessToken, { license, issuedAtMs: this.#clock.nowMs() });
    this.#refreshTokens.set(refreshToken, license);
    return {
      ok: true,
      license,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: ACCESS_TOKEN_SECONDS,
        refresh_token: refreshToken,
        consent_expires_at: new Date(this.#consentExpiresAtMs(license)).toISOString(),
      },
    };
  }

  exchangeCode(params: { clientId?: string; clientSecret?: string; code?: string; redirectUri?: string }): TokenOutcome {
    if (!this.#clientMatches(params.clientId, params.clientSecret)) return { ok: false, status: 401, body: { error: 'invalid_client' } };
    const code = params.code === undefined ? undefined : this.#codes.get(params.code);
    if (!params.code || !code) return { ok: false, status: 400, body: { error: 'invalid_grant' } };
    this.#codes.delete(params.code);
    if (this.#clock.nowMs() - code.issuedAtMs > CODE_SECONDS * 1000 || params.redirectUri !== code.redirectUri) {
      return { ok: false, status: 400, license: code.license, body: { error: 'invalid_grant' } };
    }
    this.#consents.set(code.license, this.#clock.nowMs());
    return this.#issue(code.license);
  }

  refresh(params: { clientId?: string; clientSecret?: string; refreshToken?: string }): TokenOutcome {
    if (!this.#clientMatches(params.clientId, params.clientSecret)) return { ok: false, status: 401, body: { error: 'invalid_client' } };
    const license = params.refreshToken === undefined ? undefined : this.#refreshTokens.get(params.refreshToken);
    if (!params.refreshToken || !license) return { ok: false, status: 400, body: { error: 'invalid_grant' } };
    if (this.#clock.nowMs() > this.#consentExpiresAtMs(license)) {
      return {
        ok: false,
        status: 400,
        license,
        body: {
          error: 'invalid_grant',
          error_description: 'Consent expired: the license admin must approve the integrator again',
          ErrorCode: 'CONSENT_EXPIRED',
        },
      };
    }
    // Rotation: the refresh token just used stops working.
    this.#refreshTokens.delete(params.refreshToken);
    return this.#issue(license);
  }

  /** The `Authorization: Bearer` check of every `/v1` call. Consent is checked first: it outlives any token. */
  authenticate(authorization: string | undefined): Authentication {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const access = bearer === undefined ? undefined : this.#accessTokens.get(bearer);
    if (!access) return { ok: false, code: 'UNAUTHORIZED', message: 'A valid access token is required: send Authorization: Bearer <access_token>' };
    const now = this.#clock.nowMs();
    if (now > this.#consentExpiresAtMs(access.license)) {
      return { ok: false, code: 'CONSENT_EXPIRED', message: 'Consent expired: the license admin must approve the integrator again' };
    }
    if (now - access.issuedAtMs > ACCESS_TOKEN_SECONDS * 1000) {
      return { ok: false, code: 'AUTH_EXPIRED', message: 'The access token has expired: refresh it' };
    }
    return { ok: true, license: access.license };
  }

  openSession(license: string, username: string): { Session: string; SessionTime: number } {
    const session = token();
    this.#sessions.set(session, { license, username, issuedAtMs: this.#clock.nowMs() });
    return { Session: session, SessionTime: this.#clock.sessionTime() };
  }

  /** Ends every user session (as a restart would); answers how many there were. */
  endSessions(): number {
    const open = this.#sessions.size;
    this.#sessions.clear();
    return open;
  }

  /** The user acting through `X-Session-Token`, if the session is live and of this license. */
  sessionUser(sessionToken: string | undefined, license: string): string | undefined {
    const session = sessionToken === undefined ? undefined : this.#sessions.get(sessionToken);
    if (!session || session.license !== license) return undefined;
    if (this.#clock.nowMs() - session.issuedAtMs > SESSION_SECONDS * 1000) return undefined;
    return session.username;
  }
}
