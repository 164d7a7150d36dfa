/**
 * Guessing slowed, then refused, for any public lookup keyed by something a stranger could try
 * (a token, a manifest number and its hash): the same policy as wrong receipt-link tokens (15-minute
 * windows per address, free guesses, then longer waits, then 429 until the window ends). The policy
 * itself is the receipt links' (`receipt-links/guessing.ts`), reused as it is.
 */
import { guessingAddress, guessWindow, MAX_GUESSES, verdict } from '../receipt-links/guessing.ts';
import type { GuessCounter } from './counter.ts';

export interface GuessingDeps {
  readonly counter: GuessCounter;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

export type Guarded<T> = { readonly kind: 'answered'; readonly value: T } | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

/**
 * Runs `lookup` for `sourceIp` unless that address has guessed too much in this window. A lookup
 * that says `failed` is counted, and its answer waits as long as the policy says (or is refused).
 */
export async function guarded<T>(deps: GuessingDeps, sourceIp: string, lookup: () => Promise<{ readonly value: T; readonly failed: boolean }>): Promise<Guarded<T>> {
  const now = deps.now();
  const { window, endsAt } = guessWindow(now);
  const address = guessingAddress(sourceIp);
  // An address that has guessed too much is refused even a right answer until its window ends: no oracle.
  if ((await deps.counter.guesses(address, window)) >= MAX_GUESSES) {
    return { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((endsAt.getTime() - now.getTime()) / 1000)) };
  }
  const { value, failed } = await lookup();
  if (failed) {
    const answer = verdict(await deps.counter.count(address, window, endsAt), now);
    if (answer.kind === 'refuse') return { kind: 'throttled', retryAfterSeconds: answer.retryAfterSeconds };
    if (answer.delayMs > 0) await deps.sleep(answer.delayMs);
  }
  return { kind: 'answered', value };
}
