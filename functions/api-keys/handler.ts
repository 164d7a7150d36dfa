/**
 * /v1/api-keys: create (the secret is in this one answer only), list, and revoke (DELETE; keys are
 * never deleted). With `Idempotency-Key`, a retried POST creates nothing and replays the key's record
 * without its secret: the secret is added after the answer is remembered, never stored.
 */
import { readConfig } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { showOnce } from '#shared/http/shown-once.ts';
import type { IdempotencyDeps } from '#shared/http/idempotency.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { pathParameter, readJsonBody, readQuery } from '#shared/http/request.ts';
import { apiKeyListQuery, createApiKeyBody } from '#shared/tenants/schemas.ts';
import type { TenantDeps } from '#shared/tenants/use-cases.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '#shared/tenants/use-cases.ts';
import { apiKeyDeps } from '#shared/wiring/api-keys.ts';

export function createHandler(deps: Pick<TenantDeps, 'apiKeys' | 'now' | 'newId'> & { readonly idempotency?: IdempotencyDeps }) {
  return httpHandler(async (event) => {
    const caller = callerOf(event);
    switch (event.routeKey) {
      case 'POST /v1/api-keys': {
        const { label } = readJsonBody(event, createApiKeyBody);
        const { key, apiKey } = await createApiKey(deps, caller.licenseeId, label, caller.apiKeyId);
        showOnce(event, { apiKey });
        return jsonResponse(201, key, { location: `/v1/api-keys/${key.id}`, 'cache-control': 'no-store' });
      }
      case 'GET /v1/api-keys':
        return jsonResponse(200, await listApiKeys(deps, caller, readQuery(event, apiKeyListQuery)));
      case 'DELETE /v1/api-keys/{id}':
        return jsonResponse(200, await revokeApiKey(deps, caller, pathParameter(event, 'id')));
      default:
        throw new Error(`Route ${event.routeKey} is not an API key route`);
    }
  }, deps.idempotency ? { idempotency: deps.idempotency } : {});
}

export const handler = createHandler(apiKeyDeps(readConfig()));
