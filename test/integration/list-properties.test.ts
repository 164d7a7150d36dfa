/**
 * Property: whatever strings a client puts in a list's query — cursor, from, to, limit, status,
 * direction — every list route answers without a 5xx.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoTenant, request } from '../support/hub-api.ts';

const distributor = demoTenant('distributor');
const lists = ['/v1/drivers', '/v1/vehicles', '/v1/partners', '/v1/api-keys', '/v1/transfers', '/v1/reports/inventory-movements'];
const parameters = ['cursor', 'from', 'to', 'limit', 'status', 'direction'] as const;

/** Strings a fuzzer sends: any Unicode, base64url-looking cursors, dates, numbers, the list's own words. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.base64String({ maxLength: 120 }).map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer().map(String),
  fc.constantFrom('outgoing', 'incoming', 'carrying', 'DRAFT', 'active', 'all', '', '2026-01-01', '-1', '1e9', 'NaN'),
);

describe('list routes under arbitrary query strings', () => {
  it('never answer 5xx', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), fc.dictionary(fc.constantFrom(...parameters), hostile, { maxKeys: 6 }), async (path, query) => {
        const answer = await request('GET', `${path}?${new URLSearchParams(query).toString()}`, { apiKey: distributor.apiKey });
        expect(answer.status, `${path} ${JSON.stringify(query)} → ${JSON.stringify(answer.body)}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
