/**
 * One-time links sent by e-mail: an invitation (sets up the account) and a sign-in link. The token
 * is 256 random bits in the URL; the hub keeps only its SHA-256, so a copy of the table opens
 * nothing. A link works once, and only until it expires. Pure apart from the random bytes.
 */
import { createHash, randomBytes } from 'node:crypto';

export type LinkPurpose = 'invitation' | 'sign-in';

/** Long enough to open the e-mail on another device; short enough that an old message in a mailbox is worth nothing. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;
/** An invitation waits for the person a week. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface OneTimeLink {
  /** SHA-256 (hex) of the token: the item's key. */
  readonly tokenHash: string;
  readonly purpose: LinkPurpose;
  readonly licenseeId: string;
  readonly personId: string;
  readonly issuedAt: string;
  readonly validUntil: string;
  readonly usedAt?: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const isLinkToken = (token: string): boolean => TOKEN.test(token);

export const hashLinkToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function issueLink(
  purpose: LinkPurpose,
  ids: { readonly licenseeId: string; readonly personId: string },
  now: Date,
  validForMs: number = purpose === 'invitation' ? INVITATION_TTL_MS : SIGN_IN_LINK_TTL_MS,
  random: (size: number) => Buffer = randomBytes,
): { readonly token: string; readonly link: OneTimeLink } {
  const token = random(32).toString('base64url');
  return {
    token,
    link: {
      tokenHash: hashLinkToken(token),
      purpose,
      ...ids,
      issuedAt: now.toISOString(),
      validUntil: new Date(now.getTime() + validForMs).toISOString(),
    },
  };
}

export type LinkStanding = 'usable' | 'used' | 'expired';

/** A used link says so even after it expired: the person learns why it no longer works. */
export function linkStanding(link: OneTimeLink, now: Date): LinkStanding {
  if (link.usedAt !== undefined) return 'used';
  if (now.getTime() >= Date.parse(link.validUntil)) return 'expired';
  return 'usable';
}
