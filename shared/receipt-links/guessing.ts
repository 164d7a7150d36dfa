/**
 * Guessing a token is pointless (2^256 of them), and made slow besides: wrong tokens from one
 * address are counted per window; past a few, every answer waits longer, and past a burst the
 * address is refused with 429 until the window ends. Pure: the count comes in from the table.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

export const GUESS_WINDOW_MS = 15 * 60 * 1000;
/** Typos and a stale bookmark or two cost nothing. */
export const FREE_GUESSES = 5;
export const MAX_GUESSES = 20;

export function guessWindow(now: Date): { readonly window: number; readonly endsAt: Date } {
  const window = Math.floor(now.getTime() / GUESS_WINDOW_MS);
  return { window, endsAt: new Date((window + 1) * GUESS_WINDOW_MS) };
}

export type GuessVerdict = { readonly kind: 'answer'; readonly delayMs: number } | { readonly kind: 'refuse'; readonly retryAfterSeconds: number };

/** What to do with the `guesses`-th wrong token of an address in its window. */
export function verdict(guesses: number, now: Date): GuessVerdict {
  if (guesses > MAX_GUESSES) return { kind: 'refuse', retryAfterSeconds: Math.max(1, Math.ceil((guessWindow(now).endsAt.getTime() - now.getTime()) / 1000)) };
  return { kind: 'answer', delayMs: guesses <= FREE_GUESSES ? 0 : Math.min(3000, (guesses - FREE_GUESSES) * 250) };
}

/**
 * The address guesses are counted for: an IPv6 client gets a whole /64 from its provider, so the
 * prefix counts, not the address. Hashed: the table keeps no client addresses.
 */
export function guessingAddress(sourceIp: string): string {
  // A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d: that client is its IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(sourceIp)?.[1];
  const address = mapped ?? (isIPv6(sourceIp) ? expandIPv6(sourceIp).slice(0, 4).join(':') : sourceIp);
  return createHash('sha256').update(address, 'utf8').digest('hex').slice(0, 32);
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.map((group) => group.toLowerCase().padStart(4, '0'));
}
