/**
 * Photo grants are bounded per address too: at most 30 in a 15-minute window across links, then
 * 429 with Retry-After, against the local hub's DynamoDB through the page's handler (so that the
 * test picks its own address and does not use up 127.0.0.1's window for the other tests).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHandler } from '#functions/receipt-links/handler.ts';
import { linkPageDeps } from '#shared/wiring/receipt-links.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { buildOpenApiDocument } from '#shared/openapi/document.ts';
import { operations } from '#shared/openapi/operations.ts';
import { GUESS_WINDOW_MS } from '#shared/receipt-links/guessing.ts';
import { routes } from '#shared/routes.ts';
import { MAX_PHOTO_GRANTS, MAX_PHOTO_GRANTS_PER_ADDRESS } from '#shared/receipt-links/use-cases.ts';
import { call, httpEvent } from '../../support/http-events.ts';
import { draftTo, step } from '../../support/lifecycle.ts';
import { freshInventory } from '../../support/nyapi.ts';
import { openApiContract } from '../../support/openapi-contract.ts';

const config = readConfig();
const aws = createAwsClients(config);
// One instant for the whole test: its grants all fall in one window, whenever it runs.
const now = new Date();
const handler = createHandler({ ...linkPageDeps(config, aws), now: () => now });

const jpeg = Buffer.from('a receiving-dock photo');
const photo = { contentType: 'image/jpeg', bytes: jpeg.length, sha256: createHash('sha256').update(jpeg).digest('hex') };

const grant = (token: string, sourceIp: string, through = handler) => {
  const event = httpEvent('POST /r/{token}/photos', `/r/${token}/photos`, { pathParameters: { token }, body: photo });
  return call(through, { ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp } } });
};

async function departedLinkToken(): Promise<string> {
  const tags = await freshInventory('distributor', 1);
  const id = await draftTo('retail dispensary', tags);
  const manifested = await step('distributor', id, 'manifest');
  await step('distributor', id, 'depart');
  return new URL((manifested['issuedReceiptLink'] as { url: string }).url).pathname.split('/').at(-1) ?? '';
}

describe('receipt-link photo grants per address', { timeout: 120_000 }, () => {
  it(`grant one address ${MAX_PHOTO_GRANTS_PER_ADDRESS} uploads in a window across links, then refuse it with 429 even on a link with grants left`, async () => {
    expect(MAX_PHOTO_GRANTS_PER_ADDRESS).toBe(30);
    const links = Math.ceil(MAX_PHOTO_GRANTS_PER_ADDRESS / MAX_PHOTO_GRANTS);
    const tokens: string[] = [];
    // One link more than the address's grants need: the refusal must come from the address, not the link.
    for (let i = 0; i <= links; i += 1) tokens.push(await departedLinkToken());
    const fresh = tokens.at(-1) ?? '';
    const n = 1 + (Date.now() % 250);
    const [address, another] = [`198.51.100.${n}`, `198.51.100.${n + 1}`];

    for (let i = 0; i < MAX_PHOTO_GRANTS_PER_ADDRESS; i += 1) {
      const granted = await grant(tokens[Math.floor(i / MAX_PHOTO_GRANTS)] ?? '', address);
      expect(granted.status, `grant ${i + 1}: ${granted.text}`).toBe(201);
    }

    const refused = await grant(fresh, address);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'too-many-uploads', status: 429 });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(GUESS_WINDOW_MS / 1000);
    // As the API document says it answers.
    const contract = openApiContract(buildOpenApiDocument({ title: 'hub', version: 'test', routes, operations, isPublic: (route) => route.auth === 'public' }));
    expect(contract.check('POST', '/r/{token}/photos', { status: refused.status, contentType: refused.headers['content-type'] ?? null, body: refused.body })).toEqual([]);
    expect(contract.response('POST', '/r/{token}/photos', 429)?.description).toContain('`too-many-uploads`');

    // The same link answers another address, and the refused one again once the window has ended.
    expect((await grant(fresh, another)).status).toBe(201);
    const nextWindow = await grant(fresh, address, createHandler({ ...linkPageDeps(config, aws), now: () => new Date(now.getTime() + GUESS_WINDOW_MS) }));
    expect(nextWindow.status, nextWindow.text).toBe(201);
  });
});
