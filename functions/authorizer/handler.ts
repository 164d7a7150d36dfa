/**
 * HTTP API Lambda authorizer (payload v2, simple responses): resolves the licensee of the API key in
 * `Authorization: Bearer <key>` and hands `{ licenseeId, apiKeyId }` to the route as its context.
 * API Gateway caches a decision per header value for a short time, so in AWS a revoked key keeps
 * working until its cached decision expires (see `shared/routes.ts`).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { readConfig } from '#shared/config.ts';
import type { Caller } from '#shared/http/caller.ts';
import { logger } from '#shared/observability.ts';
import type { TenantDeps } from '#shared/tenants/use-cases.ts';
import { authorize } from '#shared/tenants/authorize.ts';
import { keyCheckDeps } from '#shared/wiring/authorizer.ts';

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<Caller> | APIGatewaySimpleAuthorizerResult;

export function createHandler(deps: Pick<TenantDeps, 'apiKeys'>) {
  return middy<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      // The identity source is the Authorization header; its value is what API Gateway caches on.
      const decision = await authorize(deps, event.identitySource[0]);
      if (decision.allowed) return { isAuthorized: true, context: decision.caller };
      // The reason is for operators only; the key itself is never logged.
      logger.info('API key refused', { reason: decision.reason, routeKey: event.routeKey });
      return { isAuthorized: false };
    });
}

export const handler = createHandler(keyCheckDeps(readConfig()));
