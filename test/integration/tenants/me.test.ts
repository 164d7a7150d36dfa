import { describe, expect, inject, it } from 'vitest';
import { request } from '../../support/hub-api.ts';

const tenants = inject('tenants');

describe('the demo tenants', () => {
  it('are a distributor, a processor and a retail dispensary, one of them not integrated', () => {
    expect(tenants.map((t) => t.role).sort()).toEqual(['distributor', 'processor', 'retail dispensary']);
    expect(tenants.filter((t) => !t.integrated)).toHaveLength(1);
    for (const tenant of tenants) expect(tenant.licenseNumber).toMatch(/^OCM-[A-Z]+-\d{2}-\d{6}(-[A-Z0-9]+)?$/);
  });
});

describe.each(tenants)('GET /v1/me as the $role', (tenant) => {
  it('answers with its own licensee profile and state-system link', async () => {
    const me = await request('GET', '/v1/me', { apiKey: tenant.apiKey });

    expect(me.status).toBe(200);
    expect(me.contentType).toBe('application/json');
    expect(me.body).toMatchObject({
      licenseNumber: tenant.licenseNumber,
      licenseType: tenant.licenseNumber.split('-')[1],
      legalName: tenant.name,
      premisesAddress: { state: 'NY' },
      stateSystemAccess: 'active',
      integrated: tenant.integrated,
    });
    const { adapter } = me.body['stateSystem'] as { adapter: string };
    expect(adapter === 'none').toBe(!tenant.integrated);
    expect(me.body['phone']).toMatch(/^\(\d{3}\) 555-\d{4}$/);
  });

  it('names the API key the request was made with', async () => {
    const me = await request('GET', '/v1/me', { apiKey: tenant.apiKey });

    expect(tenant.apiKey).toContain(`_${String(me.body['apiKeyId'])}_`);
  });
});
