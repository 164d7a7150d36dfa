/**
 * GET /v1/state-system/packages?search=&limit=&cursor=: the caller's active packages at its state
 * system, for picking a draft's lines.
 */
import { readConfig } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { readQuery } from '#shared/http/request.ts';
import { listStatePackages, statePackageQuery } from '#shared/state-packages/list.ts';
import type { StatePackageDeps } from '#shared/state-packages/list.ts';
import { statePackageDeps } from '#shared/wiring/state-packages.ts';

export function createHandler(deps: StatePackageDeps) {
  return httpHandler(async (event) => {
    const page = await listStatePackages(deps, callerOf(event), readQuery(event, statePackageQuery));
    // The state's inventory changes under the caller: never cached on the way.
    return jsonResponse(200, page, { 'cache-control': 'no-store' });
  });
}

export const handler = createHandler(await statePackageDeps(readConfig()));
