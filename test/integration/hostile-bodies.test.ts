/**
 * Hostile bodies over HTTP: a name that spoofs its display is a 422 at its pointer, and bytes that
 * are not UTF-8 are a 400, not silently replaced.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { demoTenant, request } from '../support/hub-api.ts';

const distributor = demoTenant('distributor');
const driver = { name: 'Zoë Peña', employeeId: 'E-104', driversLicenseNumber: '123456789', phone: '+1 518 555 0100' };

describe('hostile bodies', () => {
  it('refuse a bidi override in a name with a 422 and a pointer', async () => {
    const answer = await request('POST', '/v1/drivers', { apiKey: distributor.apiKey, body: { ...driver, name: 'Zoë\u202E Peña' } });
    expect(answer.status).toBe(422);
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.body['errors']).toEqual([expect.objectContaining({ pointer: '/name' })]);
  });

  it('refuse a lone surrogate sent as a JSON escape', async () => {
    const body = JSON.stringify(driver).replace('Zoë Peña', 'Zo\\ud800');
    const answer = await request('POST', '/v1/drivers', { apiKey: distributor.apiKey, body });
    expect(answer.status).toBe(422);
    expect(answer.body['errors']).toEqual([expect.objectContaining({ pointer: '/name' })]);
  });

  it('refuse a body that is not UTF-8 with a 400 instead of storing U+FFFD', async () => {
    const json = Buffer.from(JSON.stringify(driver), 'utf8');
    const invalid = Buffer.concat([json.subarray(0, 10), Buffer.from([0xc3, 0x28]), json.subarray(10)]);
    const response = await fetch(`${inject('hub').urls.api}/v1/drivers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${distributor.apiKey}`, 'content-type': 'application/json' },
      body: invalid,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'invalid-utf8' });
  });
});
