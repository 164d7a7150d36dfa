/**
 * Guessing receipt-link tokens, against the local hub's DynamoDB through the page's handler: each
 * address is counted on its own; past the free guesses every answer waits longer, past the burst
 * the address is refused with 429 and Retry-After, even with a right token.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHandler } from '#functions/receipt-links/handler.ts';
import { linkPageDeps } from '#shared/wiring/receipt-links.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { FREE_GUESSES, MAX_GUESSES } from '#shared/receipt-links/guessing.ts';
import { call, httpEvent } from '../../support/http-events.ts';
import { draftTo, step } from '../../support/lifecycle.ts';
import { freshInventory } from '../../support/nyapi.ts';

const config = readConfig();
const aws = createAwsClients(config);
const waits: number[] = [];
const handler = createHandler({
  ...linkPageDeps(config, aws),
  // The waits are recorded, not slept: the policy is what is under test.
  sleep: async (ms) => {
    waits.push(ms);
  },
});

const open = (token: string, sourceIp: string) => {
  const event = httpEvent('GET /r/{token}', `/r/${token}`, { pathParameters: { token } });
  return call(handler, { ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp } } });
};
const wrongToken = () => randomBytes(32).toString('base64url');

describe('guessing receipt-link tokens', () => {
  it('is slowed after a few wrong tokens, then refused with 429 until the window ends, per address', async () => {
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('retail dispensary', tags);
    const manifested = await step('distributor', id, 'manifest');
    await step('distributor', id, 'depart');
    const token = new URL((manifested['issuedReceiptLink'] as { url: string }).url).pathname.split('/').at(-1) ?? '';

    const address = `203.0.113.${1 + (Date.now() % 200)}`;
    waits.length = 0;
    for (let guess = 1; guess <= MAX_GUESSES; guess += 1) {
      const answer = await open(wrongToken(), address);
      expect(answer.status).toBe(404);
      expect(answer.text).toContain('This link is not valid');
    }
    // Free guesses answer at once; every later one waits longer than the one before.
    expect(waits).toHaveLength(MAX_GUESSES - FREE_GUESSES);
    expect(waits.every((ms, i) => i === 0 || ms >= (waits[i - 1] ?? 0))).toBe(true);
    expect(waits[0]).toBeGreaterThan(0);

    const refused = await open(wrongToken(), address);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Even the right token is refused to this address: a refusal says nothing about which tokens exist.
    expect((await open(token, address)).status).toBe(429);
    // Another address is not affected.
    const other = await open(token, '198.51.100.7');
    expect(other.status).toBe(200);
    expect(other.text).toContain('Confirm receipt');
  });
});
