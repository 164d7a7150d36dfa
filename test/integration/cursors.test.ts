/**
 * List cursors are the hub's own: sealed, bound to their list, caller and query, and of the exact
 * key shape of that query. A reused or forged cursor is a 400, never a 500 from DynamoDB.
 */
import { describe, expect, it } from 'vitest';
import { demoTenant, request } from '../support/hub-api.ts';

const distributor = demoTenant('distributor');
const processor = demoTenant('processor');

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

async function firstCursor(path: string, apiKey = distributor.apiKey): Promise<string> {
  const page = await request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1`, { apiKey });
  expect(page.status, JSON.stringify(page.body)).toBe(200);
  const cursor = page.body['cursor'];
  expect(cursor, `${path} has more than one item`).toEqual(expect.any(String));
  return cursor as string;
}

const lists = ['/v1/drivers', '/v1/vehicles', '/v1/partners', '/v1/api-keys', '/v1/transfers', '/v1/transfers?direction=incoming'];

describe('list cursors', () => {
  it('continue the list they came from, and reveal no key names or ids', async () => {
    const cursor = await firstCursor('/v1/drivers');
    const next = await request('GET', `/v1/drivers?limit=1&cursor=${encodeURIComponent(cursor)}`, { apiKey: distributor.apiKey });
    expect(next.status).toBe(200);
    expect(next.body['items']).toHaveLength(1);
    const me = await request('GET', '/v1/me', { apiKey: distributor.apiKey });
    expect(me.body['id']).toEqual(expect.any(String));
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
    for (const secret of ['PK', 'SK', 'DRIVER#', 'LICENSEE#', String(me.body['id'])]) expect(decoded).not.toContain(secret);
  });

  it.each(lists.filter((path) => path !== '/v1/drivers'))('of /v1/drivers are refused on %s (400, not 500)', async (path) => {
    const cursor = await firstCursor('/v1/drivers');
    const answer = await request('GET', `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`, { apiKey: distributor.apiKey });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'invalid-cursor' });
  });

  it("of another licensee's own list are refused", async () => {
    const cursor = await firstCursor('/v1/drivers', processor.apiKey);
    const answer = await request('GET', `/v1/drivers?cursor=${encodeURIComponent(cursor)}`, { apiKey: distributor.apiKey });
    expect(answer.status).toBe(400);
  });

  it('continue only the query they came from (another status filter is refused)', async () => {
    const cursor = await firstCursor('/v1/drivers?status=all');
    const answer = await request('GET', `/v1/drivers?status=active&cursor=${encodeURIComponent(cursor)}`, { apiKey: distributor.apiKey });
    expect(answer.status).toBe(400);
  });

  it('edited by a byte are refused', async () => {
    const cursor = await firstCursor('/v1/drivers');
    const raw = Buffer.from(cursor, 'base64url');
    raw[raw.length - 20] = (raw[raw.length - 20] ?? 0) ^ 1;
    const answer = await request('GET', `/v1/drivers?cursor=${raw.toString('base64url')}`, { apiKey: distributor.apiKey });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'invalid-cursor' });
  });

  it('forged within the caller’s own partition are refused in all four ways the sweep found', async () => {
    const me = await request('GET', '/v1/me', { apiKey: distributor.apiKey });
    expect(me.body['id']).toEqual(expect.any(String));
    const pk = `LICENSEE#${String(me.body['id'])}`;
    const forged = [
      ['/v1/drivers', { PK: pk }], // sort key missing
      ['/v1/drivers', { PK: pk, SK: 7 }], // a number
      ['/v1/drivers', { PK: pk, SK: 'DRIVER#0', extra: 'x' }], // an extra attribute
      ['/v1/transfers', { GSI2PK: `${pk}#OUT`, GSI2SK: '2026-01-01T00:00:00.000Z#x' }], // index key without the table key
    ] as const;
    for (const [path, key] of forged) {
      const answer = await request('GET', `${path}?cursor=${b64(key)}`, { apiKey: distributor.apiKey });
      expect(answer.status, JSON.stringify(key)).toBe(400);
      expect(answer.body).toMatchObject({ code: 'invalid-cursor' });
    }
  });
});
