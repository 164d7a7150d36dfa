import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FREE_GUESSES, GUESS_WINDOW_MS, MAX_GUESSES, guessWindow, guessingAddress, verdict } from '#shared/receipt-links/guessing.ts';

/** 2026-03-02 14:00 UTC: a whole number of 15-minute windows since the epoch. */
const WINDOW_START = new Date('2026-03-02T14:00:00.000Z');
const at = (ms: number) => new Date(WINDOW_START.getTime() + ms);

const delayOf = (guesses: number) => {
  const answer = verdict(guesses, WINDOW_START);
  if (answer.kind !== 'answer') expect.fail(`Expected an answer for guess ${guesses}, got ${JSON.stringify(answer)}`);
  return answer.delayMs;
};

describe('guessWindow', () => {
  it('numbers 15-minute windows from the epoch and ends each on the next boundary', () => {
    expect(GUESS_WINDOW_MS).toBe(15 * 60 * 1000);
    const { window, endsAt } = guessWindow(WINDOW_START);
    expect(window).toBe(WINDOW_START.getTime() / GUESS_WINDOW_MS);
    expect(endsAt).toEqual(at(GUESS_WINDOW_MS));
  });

  it('keeps the same window up to the last millisecond, and moves on at the boundary', () => {
    const first = guessWindow(WINDOW_START);
    expect(guessWindow(at(GUESS_WINDOW_MS - 1))).toEqual(first);
    const next = guessWindow(at(GUESS_WINDOW_MS));
    expect(next.window).toBe(first.window + 1);
    expect(next.endsAt).toEqual(at(2 * GUESS_WINDOW_MS));
  });

  it('always ends after now, and within one window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (ms) => {
        const now = new Date(ms);
        const { window, endsAt } = guessWindow(now);
        expect(endsAt.getTime()).toBeGreaterThan(ms);
        expect(endsAt.getTime() - ms).toBeLessThanOrEqual(GUESS_WINDOW_MS);
        expect(endsAt.getTime() % GUESS_WINDOW_MS).toBe(0);
        expect(window).toBe(endsAt.getTime() / GUESS_WINDOW_MS - 1);
      }),
    );
  });
});

describe('verdict', () => {
  it('answers the free guesses at once', () => {
    expect(FREE_GUESSES).toBe(5);
    for (let guesses = 0; guesses <= FREE_GUESSES; guesses++) {
      expect(verdict(guesses, WINDOW_START)).toEqual({ kind: 'answer', delayMs: 0 });
    }
  });

  it('then waits 250 ms more for every guess, up to 3 seconds', () => {
    expect(delayOf(FREE_GUESSES + 1)).toBe(250);
    expect(delayOf(FREE_GUESSES + 2)).toBe(500);
    expect(delayOf(FREE_GUESSES + 4)).toBe(1000);
    expect(delayOf(FREE_GUESSES + 12)).toBe(3000);
    expect(delayOf(MAX_GUESSES)).toBe(3000);
  });

  it('answers up to MAX_GUESSES and refuses the next one', () => {
    expect(MAX_GUESSES).toBe(20);
    expect(verdict(MAX_GUESSES, WINDOW_START).kind).toBe('answer');
    expect(verdict(MAX_GUESSES + 1, WINDOW_START).kind).toBe('refuse');
    expect(verdict(1000, WINDOW_START).kind).toBe('refuse');
  });

  it('refuses until the window ends, in whole seconds rounded up', () => {
    expect(verdict(MAX_GUESSES + 1, WINDOW_START)).toEqual({ kind: 'refuse', retryAfterSeconds: 900 });
    expect(verdict(MAX_GUESSES + 1, at(60_000))).toEqual({ kind: 'refuse', retryAfterSeconds: 840 });
    expect(verdict(MAX_GUESSES + 1, at(GUESS_WINDOW_MS - 1500))).toEqual({ kind: 'refuse', retryAfterSeconds: 2 });
  });

  it('asks to retry after at least one second, even in the last millisecond of a window', () => {
    expect(verdict(MAX_GUESSES + 1, at(GUESS_WINDOW_MS - 1))).toEqual({ kind: 'refuse', retryAfterSeconds: 1 });
  });

  it('never waits less for more guesses, never more than 3 s, and never refuses before MAX_GUESSES', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_GUESSES }), fc.integer({ min: 0, max: MAX_GUESSES }), (a, b) => {
        const [fewer, more] = a <= b ? [a, b] : [b, a];
        expect(delayOf(fewer)).toBeLessThanOrEqual(delayOf(more));
        expect(delayOf(more)).toBeLessThanOrEqual(3000);
      }),
    );
  });

  it('a refusal always points at the end of the current window', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_GUESSES + 1, max: 10_000 }), fc.integer({ min: 0, max: 4_000_000_000_000 }), (guesses, ms) => {
        const now = new Date(ms);
        const answer = verdict(guesses, now);
        if (answer.kind !== 'refuse') expect.fail('Expected a refusal');
        const left = guessWindow(now).endsAt.getTime() - ms;
        expect(answer.retryAfterSeconds).toBe(Math.max(1, Math.ceil(left / 1000)));
        expect(answer.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(answer.retryAfterSeconds).toBeLessThanOrEqual(GUESS_WINDOW_MS / 1000);
      }),
    );
  });
});

describe('guessingAddress', () => {
  it('counts a whole IPv6 /64 as one address', () => {
    const key = guessingAddress('2001:db8:85a3:1234:0:0:0:1');
    expect(guessingAddress('2001:db8:85a3:1234:ffff:ffff:ffff:ffff')).toBe(key);
    expect(guessingAddress('2001:db8:85a3:1234::abcd')).toBe(key);
    expect(guessingAddress('2001:0DB8:85A3:1234::1')).toBe(key);
    expect(guessingAddress('2001:db8:85a3:1234:1:2:3:4')).toBe(key);
  });

  it('expands :: and leading zeros before taking the prefix', () => {
    expect(guessingAddress('2001:db8::1')).toBe(guessingAddress('2001:0db8:0000:0000:0000:0000:0000:0001'));
    expect(guessingAddress('2001:db8::1')).toBe(guessingAddress('2001:db8:0:0:9:9:9:9'));
    expect(guessingAddress('2001:db8:0:1::1')).not.toBe(guessingAddress('2001:db8::1'));
  });

  it('tells different /64 prefixes apart', () => {
    const key = guessingAddress('2001:db8:85a3:1234::1');
    expect(guessingAddress('2001:db8:85a3:1235::1')).not.toBe(key);
    expect(guessingAddress('2001:db9:85a3:1234::1')).not.toBe(key);
    expect(guessingAddress('fe80::1')).not.toBe(key);
  });

  it('counts every IPv4 address on its own', () => {
    const keys = ['203.0.113.5', '203.0.113.6', '198.51.100.5', '10.0.0.1'].map(guessingAddress);
    expect(new Set(keys).size).toBe(4);
    expect(guessingAddress('203.0.113.5')).toBe(keys[0]);
  });

  it('keeps no client address: a 32-hex-digit hash', () => {
    for (const ip of ['203.0.113.5', '2001:db8:85a3:1234::1']) {
      const key = guessingAddress(ip);
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      expect(key).not.toContain(ip);
    }
  });

  it('is stable for the same address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(guessingAddress(ip)).toBe(guessingAddress(ip));
        expect(guessingAddress(ip)).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });
});

describe('an IPv4 client on a dual-stack socket', () => {
  it('is counted as its IPv4 address, not as the all-zero /64 every such client shares', () => {
    expect(guessingAddress('::ffff:203.0.113.5')).toBe(guessingAddress('203.0.113.5'));
    expect(guessingAddress('::ffff:203.0.113.5')).not.toBe(guessingAddress('::ffff:198.51.100.7'));
  });
});
