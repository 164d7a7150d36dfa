/**
 * GET /health: 200 with each dependency's status, or 503 naming the ones that are down, or 503
 * `starting` while a local hub is still seeding and connecting (a script waits for 200).
 */
import { readConfig } from '#shared/config.ts';
import type { HealthDeps } from '#shared/health/check-health.ts';
import { checkHealth } from '#shared/health/check-health.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse, problemResponse } from '#shared/http/problem.ts';
import { healthDeps } from '#shared/wiring/health.ts';

export function createHandler(deps: HealthDeps) {
  return httpHandler(async () => {
    const report = await checkHealth(deps);
    if (report.status === 'starting') {
      return problemResponse(
        { status: 503, code: 'starting', title: 'The hub is still starting', detail: 'Demo data and the state-system connection are being set up; try again in a second.' },
        { 'retry-after': '1', 'cache-control': 'no-store' },
      );
    }
    if (report.status === 'pass') {
      return jsonResponse(200, { status: report.status, checks: report.checks }, { 'cache-control': 'no-store' });
    }
    return problemResponse({
      status: 503,
      code: 'dependency-unavailable',
      title: 'A dependency of the hub is unavailable',
      detail: `Unavailable: ${report.unavailable.join(', ')}`,
      unavailable: report.unavailable,
      checks: report.checks,
    });
  });
}

export const handler = createHandler(healthDeps(readConfig()));
