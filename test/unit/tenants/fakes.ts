/**
 * In-memory stand-ins for the tenant repositories, with the same conditions as the DynamoDB ones.
 */
import { monotonicFactory } from 'ulid';
import { ConflictError } from '#shared/errors.ts';
import type { ApiKeyRecord, Licensee } from '#shared/tenants/licensee.ts';
import type { ApiKeyRepository, LicenseeRepository } from '#shared/tenants/repository.ts';
import type { TenantDeps } from '#shared/tenants/use-cases.ts';

export function fakeTenants(now = new Date('2026-11-24T15:00:00Z')) {
  const licensees = new Map<string, Licensee>();
  const licenseNumbers = new Map<string, string>();
  const keys = new Map<string, ApiKeyRecord>();

  const licenseeRepository: LicenseeRepository = {
    async create(licensee) {
      if (licenseNumbers.has(licensee.licenseNumber)) throw new ConflictError('license-number-taken', 'taken');
      licensees.set(licensee.id, licensee);
      licenseNumbers.set(licensee.licenseNumber, licensee.id);
    },
    get: async (id) => licensees.get(id),
    findIdByLicenseNumber: async (number) => licenseNumbers.get(number),
  };

  const apiKeyRepository: ApiKeyRepository = {
    async create(key) {
      if (keys.has(key.id)) throw new Error('ConditionalCheckFailed');
      keys.set(key.id, key);
    },
    get: async (id) => keys.get(id),
    async list(licenseeId, options) {
      const items = [...keys.values()]
        .filter((k) => k.licenseeId === licenseeId)
        .sort((a, b) => b.id.localeCompare(a.id))
        .slice(0, options.limit)
        .map(({ secretHash: _secret, ...rest }) => rest);
      return { items };
    },
    async revoke(keyId, licenseeId, at, byKeyId) {
      const key = keys.get(keyId);
      if (key?.licenseeId !== licenseeId || key.revokedAt !== undefined) return undefined;
      const revoked = { ...key, revokedAt: at, revokedByKeyId: byKeyId, version: key.version + 1 };
      keys.set(keyId, revoked);
      const { secretHash: _secret, ...rest } = revoked;
      return rest;
    },
  };

  const deps: TenantDeps = { licensees: licenseeRepository, apiKeys: apiKeyRepository, now: () => now, newId: monotonicFactory() };
  return { deps, keys, licensees };
}
