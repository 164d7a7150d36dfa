import type { TestProject } from 'vitest/node';
import { startLocalHub } from '#infra/local/hub.ts';
import type { LocalHubUrls } from '#infra/local/hub.ts';
import { seedDemoData } from '#infra/local/seed.ts';
import { seedStateSystem } from '#infra/local/seed-state-system.ts';
import type { DemoTenant } from '#infra/local/seed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    hub: { urls: LocalHubUrls; env: Record<string, string>; operatorToken: string };
    /** The demo tenants `npm start` seeds, with their API keys. */
    tenants: DemoTenant[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Handler logs are noise in test output; failures still carry the problem responses.
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  // Schedules every 2 s, a 3 s outbox grace and backoffs of at most 1 s keep the pipeline tests short.
  const hub = await startLocalHub({ scheduleEveryMs: 2_000, outboxGraceSeconds: 3, submissionBackoffCapSeconds: 1 });
  try {
    const tenants = await seedDemoData({ env: hub.env, apiUrl: hub.urls.api });
    await seedStateSystem({ apiUrl: hub.urls.api, nyapiUrl: hub.urls.nyapi }, tenants);
    project.provide('tenants', tenants);
  } catch (error) {
    await hub.stop();
    throw error;
  }
  project.provide('hub', { urls: hub.urls, env: { ...hub.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' }, operatorToken: hub.operatorToken });
  return () => hub.stop();
}
