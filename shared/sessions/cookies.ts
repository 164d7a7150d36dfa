/**
 * The sign-in pages' cookies: the session (HttpOnly, SameSite=Lax, Secure except on loopback HTTP,
 * `__Host-` where Secure so no subdomain can set it) and the form token of pages shown before sign-in
 * (a double-submit CSRF token: a form posts back the cookie's value, which another site cannot read).
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ABSOLUTE_TIMEOUT_MS } from './session.ts';

export const cookieNames = (secure: boolean) => ({
  session: secure ? '__Host-hub-session' : 'hub-session',
  formToken: secure ? '__Host-hub-form' : 'hub-form',
});

/** The value of a cookie the request carries (payload v2 lists them as `name=value`). */
export function readCookie(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const cookies = event.cookies ?? (event.headers['cookie'] ?? '').split(';');
  for (const cookie of cookies) {
    const at = cookie.indexOf('=');
    if (at > 0 && cookie.slice(0, at).trim() === name) return cookie.slice(at + 1).trim();
  }
  return undefined;
}

const attributes = (secure: boolean, maxAgeSeconds: number) => `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;

export const sessionCookie = (token: string, secure: boolean) => `${cookieNames(secure).session}=${token}; ${attributes(secure, ABSOLUTE_TIMEOUT_MS / 1000)}`;
export const clearedSessionCookie = (secure: boolean) => `${cookieNames(secure).session}=; ${attributes(secure, 0)}`;

/** The form token a page before sign-in uses: the request's own, or a new one to set. */
export function formToken(event: APIGatewayProxyEventV2, secure: boolean): { readonly token: string; readonly setCookie?: string } {
  const name = cookieNames(secure).formToken;
  const present = readCookie(event, name);
  if (present !== undefined && /^[A-Za-z0-9_-]{43}$/.test(present)) return { token: present };
  const token = randomBytes(32).toString('base64url');
  return { token, setCookie: `${name}=${token}; ${attributes(secure, 24 * 3600)}` };
}
