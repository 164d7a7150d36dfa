/**
 * Passkeys (WebAuthn) a person adds after the first sign-in, and the challenges of the two
 * ceremonies (adding one; signing in with one). Pure: the ceremonies' cryptography is
 * `@simplewebauthn/server`'s, in the use-cases; here are the rules around it.
 *
 * - The relying party is the hub's public origin: its host name is the RP ID. A browser refuses an IP
 *   address as RP ID, so a hub served at a loopback address (local mode) uses `localhost` and its
 *   port, which browsers treat as a secure context as they do 127.0.0.1.
 * - A challenge is random (32 bytes), kept server-side only as its SHA-256, works once (taking it
 *   deletes it) and for five minutes; adding a passkey's is bound to the session that asked for it,
 *   signing in's to the form token of the page that asked.
 * - Sign-in is usernameless: the passkey is discoverable and tells the person by its user handle,
 *   which names the licensee and the person (two ULIDs, no personal data).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';

export interface RelyingParty {
  /** The RP ID: a domain name, never an IP address. */
  readonly id: string;
  readonly name: string;
  /** The origins a ceremony may come from. */
  readonly origins: readonly string[];
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '[::1]']);

/** The relying party of a hub served at `baseUrl` (its public address). */
export function relyingParty(baseUrl: string, name = 'NY transfer hub'): RelyingParty {
  const url = new URL(baseUrl);
  if (LOOPBACK_ADDRESSES.has(url.hostname)) {
    const local = new URL(url.origin);
    local.hostname = 'localhost';
    return { id: 'localhost', name, origins: [local.origin] };
  }
  return { id: url.hostname, name, origins: [url.origin] };
}

/** The address of the same page at the relying party's origin: where a passkey can be used (local mode's localhost). */
export const passkeyOrigin = (rp: RelyingParty): string => rp.origins[0] ?? '';

export interface Passkey {
  /** The credential ID (base64url), as the authenticator gave it. */
  readonly credentialId: string;
  readonly licenseeId: string;
  readonly personId: string;
  /** The COSE public key (base64url). */
  readonly publicKey: string;
  /** The signature counter the authenticator last reported (0 for authenticators that keep none). */
  readonly counter: number;
  readonly transports: readonly string[];
  /** What the person calls it ("Work phone"), or the day it was added. */
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  /** `multiDevice`: synced (a platform passkey); `singleDevice`: a security key or a device-bound one. */
  readonly deviceType: 'singleDevice' | 'multiDevice';
  readonly backedUp: boolean;
}

export type ChallengePurpose = 'add-passkey' | 'passkey-sign-in';

/** Five minutes: time to find the phone or the key, not to keep a challenge around. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** What the browser is told (the ceremony's own timeout). */
export const CEREMONY_TIMEOUT_MS = 2 * 60 * 1000;

export interface PasskeyChallenge {
  /** SHA-256 (hex) of the challenge: the item's key. */
  readonly challengeHash: string;
  readonly purpose: ChallengePurpose;
  /** What it is bound to: the SHA-256 of the session's token (adding) or of the page's form token (signing in). */
  readonly boundTo: string;
  /** Adding: whose passkey it will be. */
  readonly licenseeId?: string;
  readonly personId?: string;
  readonly issuedAt: string;
  readonly validUntil: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export const hashChallenge = (challenge: string): string => sha256(challenge);
/** What a challenge is bound to is kept hashed too: the table holds no usable token. */
export const bindingOf = (token: string): string => sha256(`passkey-binding:${token}`);

export function issueChallenge(
  purpose: ChallengePurpose,
  boundToken: string,
  now: Date,
  owner: { readonly licenseeId: string; readonly personId: string } | undefined,
  random: (size: number) => Buffer = randomBytes,
): { readonly challenge: string; readonly record: PasskeyChallenge } {
  const challenge = random(32).toString('base64url');
  return {
    challenge,
    record: {
      challengeHash: hashChallenge(challenge),
      purpose,
      boundTo: bindingOf(boundToken),
      ...(owner ? { licenseeId: owner.licenseeId, personId: owner.personId } : {}),
      issuedAt: now.toISOString(),
      validUntil: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
    },
  };
}

export type ChallengeStanding = 'usable' | 'expired' | 'wrong-purpose' | 'not-yours';

/** A challenge taken from the table (so already spent) is good only for its purpose, its binding and its time. */
export function challengeStanding(record: PasskeyChallenge, purpose: ChallengePurpose, boundToken: string, now: Date): ChallengeStanding {
  if (record.purpose !== purpose) return 'wrong-purpose';
  if (record.boundTo !== bindingOf(boundToken)) return 'not-yours';
  if (now.getTime() >= Date.parse(record.validUntil)) return 'expired';
  return 'usable';
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ID = /^[A-Za-z0-9_-]{1,40}$/;

/** The user handle of a person's passkeys: `licenseeId:personId` in UTF-8 (at most 64 bytes, as WebAuthn allows). */
export function userHandle(person: { readonly licenseeId: string; readonly id: string }): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(`${person.licenseeId}:${person.id}`);
  if (bytes.length > 64) throw new Error('A user handle holds at most 64 bytes');
  return bytes;
}

/** The person a passkey's user handle (base64url, as the browser sends it) names; undefined for anything else. */
export function personOfUserHandle(handle: string | undefined): { readonly licenseeId: string; readonly personId: string } | undefined {
  if (handle === undefined || !/^[A-Za-z0-9_-]{1,100}$/.test(handle)) return undefined;
  const text = Buffer.from(handle, 'base64url').toString('utf8');
  const [licenseeId, personId, ...rest] = text.split(':');
  if (rest.length > 0 || licenseeId === undefined || personId === undefined) return undefined;
  if (!ID.test(licenseeId) || !ULID.test(personId)) return undefined;
  return { licenseeId, personId };
}

/** The challenge the browser signed, read from its client data (base64url JSON); undefined if it is not there. */
export function challengeOfClientData(clientDataJSON: string): string | undefined {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as unknown;
    const challenge = (data as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(challenge) ? challenge : undefined;
  } catch {
    return undefined;
  }
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/).max(16 * 1024);

/** What the browser posts after `navigator.credentials.create` (`@simplewebauthn/browser`'s `startRegistration`). */
export const registrationBody = z.object({
  name: z
    .string()
    .trim()
    .max(60, { error: 'Use at most 60 characters' })
    .refine((name) => !/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(name), { error: 'Use letters, spaces and punctuation only' })
    .optional(),
  response: z.object({
    id: base64url.max(1024),
    rawId: base64url.max(1024),
    type: z.literal('public-key'),
    response: z.looseObject({ clientDataJSON: base64url, attestationObject: base64url, transports: z.array(z.string().max(32)).max(10).optional() }),
    clientExtensionResults: z.looseObject({}),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  }),
});

/** What the browser posts after `navigator.credentials.get` (`startAuthentication`). */
export const authenticationBody = z.object({
  response: z.object({
    id: base64url.max(1024),
    rawId: base64url.max(1024),
    type: z.literal('public-key'),
    response: z.looseObject({ clientDataJSON: base64url, authenticatorData: base64url, signature: base64url, userHandle: base64url.max(200).optional() }),
    clientExtensionResults: z.looseObject({}),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  }),
});

/** The default name of a passkey: the day it was added, so two of them can be told apart. */
export function defaultPasskeyName(at: Date): string {
  return `Passkey added ${at.toLocaleDateString('en-US', { timeZone: 'America/New_York', dateStyle: 'medium' })}`;
}

/** A counter that did not move on is a cloned authenticator (or a replayed assertion), unless the authenticator keeps none (both 0). */
export function counterMovedOn(stored: number, reported: number): boolean {
  return (stored === 0 && reported === 0) || reported > stored;
}
