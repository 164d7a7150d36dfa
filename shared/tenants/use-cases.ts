/**
 * Onboarding licensees, their API keys, and the decision the authorizer makes on every request.
 * A licensee only ever reaches its own keys: another licensee's key id answers like an unknown one.
 */
import { NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import { isApiKeyId, issueApiKey } from './api-key.ts';
import type { LicenseNumberWarning } from './license.ts';
import { newLicensee, presentApiKey } from './licensee.ts';
import type { ApiKeySummary, ApiKeyView, Licensee } from './licensee.ts';
import type { ApiKeyRepository, LicenseeRepository } from './repository.ts';
import type { Page } from '../repositories/paging.ts';
import { withoutHash } from './repository.ts';
import { licenseeRegistrationSchema } from './schemas.ts';

export interface TenantDeps {
  readonly licensees: LicenseeRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly now: () => Date;
  /** ULIDs, so that keys sort by creation. */
  readonly newId: () => string;
}

export async function registerLicensee(
  deps: Pick<TenantDeps, 'licensees' | 'now' | 'newId'>,
  registration: unknown,
): Promise<{ licensee: Licensee; warnings: readonly LicenseNumberWarning[] }> {
  const valid = licenseeRegistrationSchema.parse(registration);
  const created = newLicensee(valid, deps.newId(), deps.now().toISOString());
  await deps.licensees.create(created.licensee);
  return created;
}

export async function getLicensee(deps: Pick<TenantDeps, 'licensees'>, caller: Caller): Promise<Licensee> {
  const licensee = await deps.licensees.get(caller.licenseeId);
  if (!licensee) throw new NotFoundError('licensee');
  return licensee;
}

/** A new key for a licensee; `createdByKeyId` is absent when the hub itself issues it (onboarding, demo data). */
export async function createApiKey(
  deps: Pick<TenantDeps, 'apiKeys' | 'now' | 'newId'>,
  licenseeId: string,
  label: string,
  createdByKeyId?: string,
): Promise<{ key: ApiKeyView; apiKey: string }> {
  const id = deps.newId();
  const { apiKey, secretHash } = issueApiKey(id);
  const record = {
    id,
    licenseeId,
    label,
    secretHash,
    createdAt: deps.now().toISOString(),
    ...(createdByKeyId ? { createdByKeyId } : {}),
    version: 1,
  };
  await deps.apiKeys.create(record);
  return { key: presentApiKey(withoutHash(record)), apiKey };
}

export async function listApiKeys(
  deps: Pick<TenantDeps, 'apiKeys'>,
  caller: Caller,
  options: { limit: number; cursor?: string },
): Promise<Page<ApiKeyView>> {
  const page = await deps.apiKeys.list(caller.licenseeId, options);
  return { items: page.items.map(presentApiKey), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** Revoking is idempotent: a key already revoked answers with its first revocation. */
export async function revokeApiKey(
  deps: Pick<TenantDeps, 'apiKeys' | 'now'>,
  caller: Caller,
  keyId: string,
): Promise<ApiKeyView> {
  const ownKey = async (): Promise<ApiKeySummary> => {
    const key = isApiKeyId(keyId) ? await deps.apiKeys.get(keyId) : undefined;
    if (key?.licenseeId !== caller.licenseeId) throw new NotFoundError('API key');
    return withoutHash(key);
  };
  const key = await ownKey();
  if (key.revokedAt !== undefined) return presentApiKey(key);
  const revoked = await deps.apiKeys.revoke(keyId, caller.licenseeId, deps.now().toISOString(), caller.apiKeyId);
  // Undefined only when a concurrent request revoked it first: answer with that revocation.
  return presentApiKey(revoked ?? (await ownKey()));
}

// The authorizer's decision lives apart, so that the authorizer bundles none of the onboarding schemas.
export { authorize } from './authorize.ts';
export type { AccessDecision } from './authorize.ts';
