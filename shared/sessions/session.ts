/**
 * A person's signed-in session: a random token in an HttpOnly cookie, kept in the table only as its
 * SHA-256. It ends after a while without use (idle) and, used or not, some hours after sign-in
 * (absolute); signing out ends it, and signing out everywhere ends every session of the person.
 * Pure apart from the random bytes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A clerk who steps away from a shared desk for half an hour is signed out. */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** A working day and a bit: nobody stays signed in overnight. */
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** Last use is written at most this often: most page views cost one read, not a write. */
export const TOUCH_EVERY_MS = 60 * 1000;

export type SignInMethod = 'link' | 'invitation' | 'passkey';

export interface Session {
  /** SHA-256 (hex) of the cookie's token: the item's key. */
  readonly tokenHash: string;
  readonly licenseeId: string;
  readonly personId: string;
  /** The person's session generation when it opened (see `Person.sessionGeneration`). */
  readonly generation: number;
  readonly method: SignInMethod;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** The form token of this session: every form posts it back (CSRF). */
  readonly csrfToken: string;
}

export const hashSessionToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const isSessionToken = (token: string): boolean => TOKEN.test(token);

export function openSession(
  person: { readonly licenseeId: string; readonly id: string; readonly sessionGeneration: number },
  method: SignInMethod,
  now: Date,
  random: (size: number) => Buffer = randomBytes,
): { readonly token: string; readonly session: Session } {
  // A new token at every sign-in: a token planted before sign-in (session fixation) never becomes a session.
  const token = random(32).toString('base64url');
  return {
    token,
    session: {
      tokenHash: hashSessionToken(token),
      licenseeId: person.licenseeId,
      personId: person.id,
      generation: person.sessionGeneration,
      method,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      csrfToken: random(32).toString('base64url'),
    },
  };
}

export type SessionStanding = 'active' | 'idle' | 'expired' | 'ended';

/** `ended`: signed out everywhere since it opened (or the person lost access). */
export function sessionStanding(session: Session, now: Date, personGeneration: number): SessionStanding {
  if (session.generation !== personGeneration) return 'ended';
  if (now.getTime() - Date.parse(session.createdAt) >= ABSOLUTE_TIMEOUT_MS) return 'expired';
  if (now.getTime() - Date.parse(session.lastSeenAt) >= IDLE_TIMEOUT_MS) return 'idle';
  return 'active';
}

/** When the table may forget the session: at its absolute end (DynamoDB's TTL, in seconds). */
export const sessionExpiresAt = (session: Session): number => Math.ceil((Date.parse(session.createdAt) + ABSOLUTE_TIMEOUT_MS) / 1000);

export const needsTouch = (session: Session, now: Date): boolean => now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS;

/** Constant time, so the answer's timing says nothing about how much of a token was right. */
export function sameToken(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
