/**
 * GET /v1/me: the caller's licensee profile and its link to the state system.
 */
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { hubTable } from '#shared/resources.ts';
import { presentLicensee } from '#shared/tenants/licensee.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import type { TenantDeps } from '#shared/tenants/use-cases.ts';
import { getLicensee } from '#shared/tenants/use-cases.ts';

export function createHandler(deps: Pick<TenantDeps, 'licensees'>) {
  return httpHandler(async (event) => {
    const caller = callerOf(event);
    return jsonResponse(200, presentLicensee(await getLicensee(deps, caller), caller.apiKeyId));
  });
}

const config = readConfig();
export const handler = createHandler({
  licensees: createLicenseeRepository(createAwsClients(config).dynamodb, resourceName(config, hubTable)),
});
