import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { presentLicensee } from '#shared/tenants/licensee.ts';
import { createApiKey, getLicensee, listApiKeys, registerLicensee, revokeApiKey } from '#shared/tenants/use-cases.ts';
import { fakeTenants } from './fakes.ts';

const registration = {
  licenseNumber: ' ocm-dist-24-000114-dx1 ',
  legalName: 'Capital District Distribution LLC',
  dba: 'Capital Cannabis Logistics',
  premisesAddress: { street: '1450 Central Ave', city: 'Albany', zip: '12205' },
  phone: '(518) 555-0142',
  stateSystem: { adapter: 'biotrack-ny', stateLicenseNumber: 'LocLic114', ubi: '604114228' },
};

const pointers = async (attempt: Promise<unknown>) => {
  const error: unknown = await attempt.catch((e: unknown) => e);
  if (!(error instanceof z.ZodError)) throw new Error('expected a validation error');
  return error.issues.map((issue) => `/${issue.path.join('/')}`);
};

describe('registerLicensee', () => {
  it('stores the canonical license number, its type, version 1, and NY as the premises state', async () => {
    const { deps } = fakeTenants();

    const { licensee, warnings } = await registerLicensee(deps, registration);

    expect(warnings).toEqual([]);
    expect(licensee).toMatchObject({
      licenseNumber: 'OCM-DIST-24-000114-DX1',
      licenseType: 'DIST',
      premisesAddress: { state: 'NY' },
      stateSystemAccess: 'active',
      version: 1,
      createdAt: '2026-11-24T15:00:00.000Z',
    });
    expect(await deps.licensees.findIdByLicenseNumber('OCM-DIST-24-000114-DX1')).toBe(licensee.id);
  });

  it('accepts an unknown license type with a warning', async () => {
    const { deps } = fakeTenants();

    const { warnings } = await registerLicensee(deps, { ...registration, licenseNumber: 'OCM-NURS-25-000042' });

    expect(warnings).toEqual([expect.objectContaining({ code: 'unknown-license-type' })]);
  });

  it('refuses a license number already held by another licensee', async () => {
    const { deps } = fakeTenants();
    await registerLicensee(deps, registration);

    await expect(registerLicensee(deps, { ...registration, legalName: 'Someone Else LLC' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('points at every invalid field', async () => {
    const { deps } = fakeTenants();

    const invalid = {
      ...registration,
      licenseNumber: 'DIST-24-000114',
      premisesAddress: { street: '1 Main St', city: 'Newark', state: 'NJ', zip: '07102' },
      stateSystem: { adapter: 'biotrack-ny' },
      sneaky: true,
    };

    expect(await pointers(registerLicensee(deps, invalid))).toEqual(
      expect.arrayContaining(['/licenseNumber', '/premisesAddress/state', '/stateSystem/stateLicenseNumber', '/stateSystem/ubi', '/']),
    );
  });

  it('needs no state identifiers for a licensee that is not integrated', async () => {
    const { deps } = fakeTenants();

    const { licensee } = await registerLicensee(deps, { ...registration, stateSystem: { adapter: 'none' } });

    expect(presentLicensee(licensee, 'key-1')).toMatchObject({ integrated: false, stateSystem: { adapter: 'none' } });
  });
});

describe('getLicensee', () => {
  it("shows the caller's profile with its license type named", async () => {
    const { deps } = fakeTenants();
    const { licensee } = await registerLicensee(deps, registration);

    const me = presentLicensee(await getLicensee(deps, { licenseeId: licensee.id, apiKeyId: 'key-1' }), 'key-1');

    expect(me).toMatchObject({ licenseTypeName: 'Adult-use distributor', integrated: true, apiKeyId: 'key-1' });
    expect(me).not.toHaveProperty('version');
  });

  it('answers not found for a licensee that does not exist', async () => {
    const { deps } = fakeTenants();

    await expect(getLicensee(deps, { licenseeId: 'gone', apiKeyId: 'k' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('API keys', () => {
  it('lists keys newest first and never with their hashes', async () => {
    const { deps } = fakeTenants();
    const first = await createApiKey(deps, 'alice', 'first');
    const second = await createApiKey(deps, 'alice', 'second', first.key.id);
    await createApiKey(deps, 'bob', 'not alice’s');

    const page = await listApiKeys(deps, { licenseeId: 'alice', apiKeyId: first.key.id }, { limit: 10 });

    expect(page.items.map((k) => k.label)).toEqual(['second', 'first']);
    expect(page.items[0]).toEqual({ id: second.key.id, label: 'second', status: 'active', createdAt: '2026-11-24T15:00:00.000Z', createdByKeyId: first.key.id });
    expect(JSON.stringify(page)).not.toMatch(/secretHash|nyth_/);
  });

  it('revokes a key once; revoking again answers with the first revocation', async () => {
    const { deps } = fakeTenants();
    const { key } = await createApiKey(deps, 'alice', 'ERP');
    const caller = { licenseeId: 'alice', apiKeyId: key.id };

    const revoked = await revokeApiKey(deps, caller, key.id);
    const again = await revokeApiKey({ ...deps, now: () => new Date('2027-01-01T00:00:00Z') }, caller, key.id);

    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: '2026-11-24T15:00:00.000Z', revokedByKeyId: key.id });
    expect(again).toEqual(revoked);
  });

  it("answers another licensee's key, an unknown id and a malformed id all with not found", async () => {
    const { deps, keys } = fakeTenants();
    const { key } = await createApiKey(deps, 'alice', 'ERP');
    const bob = { licenseeId: 'bob', apiKeyId: 'bobs-key' };

    for (const id of [key.id, '01JDX00000000000000000000Z', '../APIKEY']) {
      await expect(revokeApiKey(deps, bob, id)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(keys.get(key.id)?.revokedAt).toBeUndefined();
  });
});
