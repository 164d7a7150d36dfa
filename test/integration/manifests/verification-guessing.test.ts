/**
 * Guessing manifest numbers and their codes on the public verification page, against the local
 * hub's DynamoDB through the page's handler: lookups that prove no copy (an unknown number, no
 * code, a wrong code) are counted per address; past the free ones every answer waits longer, past
 * the burst the address is refused with 429 and Retry-After, even with the right code.
 */
import { describe, expect, it } from 'vitest';
import { createHandler } from '#functions/verify/handler.ts';
import { verifyPageDeps } from '#shared/wiring/verification.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { FREE_GUESSES, MAX_GUESSES } from '#shared/receipt-links/guessing.ts';
import { call, httpEvent } from '../../support/http-events.ts';
import { directoryOf, draftBody, licensee, registryFor, transfersApi } from '../../support/transfer-world.ts';

const config = readConfig();
const deps = verifyPageDeps(config, createAwsClients(config));
const waits: number[] = [];
// The waits are recorded, not slept: the policy is what is under test.
const handler = createHandler({ ...deps, guessing: { ...deps.guessing, sleep: async (ms) => void waits.push(ms) } });

const verify = (manifestNumber: string, sourceIp: string, h?: string, accept = 'text/html') => {
  const event = httpEvent('GET /verify/{manifestNumber}', `/verify/${manifestNumber}`, {
    pathParameters: { manifestNumber },
    headers: { accept },
    ...(h === undefined ? {} : { query: { h } }),
  });
  return call(handler, { ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp } } });
};

const shipper = licensee('DIST', 'Guessed Distribution LLC');
const receiver = licensee('CAURD', 'Guessed Dispensary');
const api = transfersApi(directoryOf(shipper, receiver));

async function manifested(): Promise<{ number: string; short: string }> {
  const created = await api.create(shipper.caller, draftBody(await registryFor(shipper, receiver), 1));
  const reply = await api.action(shipper.caller, created.body['id'] as string, 'manifest');
  expect(reply.status).toBe(200);
  const manifest = reply.body['manifest'] as { number: string; contentHash: string };
  return { number: manifest.number, short: manifest.contentHash.slice(0, 16) };
}

describe('guessing on the verification page', () => {
  it('slows sequential numbers without a code after a few, then refuses them with 429 until the window ends, per address', async () => {
    const { number, short } = await manifested();
    const sequence = Number(/-M(\d+)$/.exec(number)?.[1]);
    const numberAt = (n: number) => number.replace(/-M\d+$/, `-M${String(n).padStart(6, '0')}`);
    const address = `203.0.113.${1 + (Date.now() % 200)}`;

    waits.length = 0;
    // An enumeration: this shipper's numbers one after the other (all but the first unknown), no code.
    for (let guess = 1; guess <= MAX_GUESSES; guess += 1) {
      const answer = await verify(numberAt(sequence + guess - 1), address);
      expect(answer.status).toBe(guess === 1 ? 200 : 404);
      expect(answer.text).not.toContain('Guessed Dispensary');
    }
    expect(waits).toHaveLength(MAX_GUESSES - FREE_GUESSES);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits.every((ms, i) => i === 0 || ms >= (waits[i - 1] ?? 0))).toBe(true);

    const refused = await verify(numberAt(sequence + MAX_GUESSES), address);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(refused.text).toContain('Too many tries');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // Even the right code is refused to this address, and software gets problem+json.
    const json = await verify(number, address, short, 'application/json');
    expect(json.status).toBe(429);
    expect(json.headers['content-type']).toBe('application/problem+json');
    expect(json.headers['retry-after']).toBe(String(retryAfter));

    // Another address is not affected, and a right code is never counted.
    const other = '198.51.100.23';
    waits.length = 0;
    for (let i = 0; i < MAX_GUESSES + 2; i += 1) expect((await verify(number, other, short)).status).toBe(200);
    expect(waits).toEqual([]);
    expect((await verify(number, other)).text).toContain('Scan the QR code on the copy you hold');
  });

  it('counts wrong codes for a real number like unknown numbers', async () => {
    const { number } = await manifested();
    const address = `2001:db8:${(Date.now() % 65000).toString(16)}::1`;
    waits.length = 0;
    for (let guess = 1; guess <= MAX_GUESSES; guess += 1) {
      const answer = await verify(number, address, guess.toString(16).padStart(16, '0'));
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('Does not match');
      expect(answer.text).not.toContain('Guessed Dispensary');
    }
    expect(waits).toHaveLength(MAX_GUESSES - FREE_GUESSES);
    // Another address in the same /64 is the same network.
    expect((await verify(number, address.replace(/::1$/, '::2'), '0'.repeat(16))).status).toBe(429);
  });
});
