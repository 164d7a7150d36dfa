/**
 * The decision the authorizer makes on every request: the licensee of the API key in an
 * `Authorization` header. Apart from the other tenant use-cases, so that the authorizer's bundle
 * carries the key check only, not the onboarding schemas and the state-system registry.
 */
import type { Caller } from '../http/caller.ts';
import { apiKeyIdOf, bearerToken, matchesHash } from './api-key.ts';
import type { ApiKeyRepository } from './repository.ts';
export type AccessDecision =
  | { readonly allowed: true; readonly caller: Caller }
  | { readonly allowed: false; readonly reason: 'missing' | 'malformed' | 'unknown-key' | 'wrong-secret' | 'revoked' };

/** The authorizer's decision on an `Authorization` header: one read of the key's item. */
export async function authorize(deps: { readonly apiKeys: ApiKeyRepository }, authorization: string | undefined): Promise<AccessDecision> {
  if (authorization === undefined || authorization.trim() === '') return { allowed: false, reason: 'missing' };
  const apiKey = bearerToken(authorization);
  const keyId = apiKey === undefined ? undefined : apiKeyIdOf(apiKey);
  if (apiKey === undefined || keyId === undefined) return { allowed: false, reason: 'malformed' };
  const stored = await deps.apiKeys.get(keyId);
  if (!stored) return { allowed: false, reason: 'unknown-key' };
  if (!matchesHash(apiKey, stored.secretHash)) return { allowed: false, reason: 'wrong-secret' };
  if (stored.revokedAt !== undefined) return { allowed: false, reason: 'revoked' };
  return { allowed: true, caller: { licenseeId: stored.licenseeId, apiKeyId: stored.id } };
}
