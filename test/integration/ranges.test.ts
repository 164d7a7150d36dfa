/**
 * A list's range is validated where it is read: a reversed range is the client's mistake (400),
 * never DynamoDB's BETWEEN refusing its bounds (500).
 */
import { describe, expect, it } from 'vitest';
import { demoTenant, request } from '../support/hub-api.ts';

const distributor = demoTenant('distributor');

describe('GET /v1/transfers ranges', () => {
  it('refuse from after to with a 400 naming to', async () => {
    const answer = await request('GET', '/v1/transfers?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', { apiKey: distributor.apiKey });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'invalid-query', errors: [expect.objectContaining({ parameter: 'to' })] });
  });

  it('compare instants, not strings: a later-looking bound with an offset is the earlier instant', async () => {
    // 10:00+09:00 is 01:00Z, before 05:00Z: in order, although its text sorts after.
    const inOrder = await request('GET', `/v1/transfers?from=${encodeURIComponent('2026-03-01T10:00:00+09:00')}&to=2026-03-01T05:00:00Z`, {
      apiKey: distributor.apiKey,
    });
    expect(inOrder.status).toBe(200);
    // 05:00-09:00 is 14:00Z, after 10:00Z: reversed, although its text sorts before.
    const reversed = await request('GET', `/v1/transfers?from=${encodeURIComponent('2026-03-01T05:00:00-09:00')}&to=2026-03-01T10:00:00Z`, {
      apiKey: distributor.apiKey,
    });
    expect(reversed.status).toBe(400);
  });

  it('are the same rule the report applies', async () => {
    const answer = await request('GET', '/v1/reports/inventory-movements?from=2026-03-02&to=2026-03-01', { apiKey: distributor.apiKey });
    expect(answer.status).toBe(400);
    expect(answer.body['errors']).toEqual([expect.objectContaining({ message: 'to must not be before from' })]);
  });
});
