import type { TestProject } from 'vitest/node';
import { startLocalHub } from '#infra/local/hub.ts';
import type { LocalHubUrls } from '#infra/local/hub.ts';
import { seedDemoData } from '#infra/local/seed.ts';
import type { DemoTenant } from '#infra/local/seed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    hub: { urls: LocalHubUrls; env: Record<string, string> };
    /** The demo tenants `npm start` seeds, with their API keys. */
    tenants: DemoTenant[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Handler logs are noise in test output; failures still carry the problem responses.
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  const hub = await startLocalHub();
  try {
    project.provide('tenants', await seedDemoData({ env: hub.env, apiUrl: hub.urls.api }));
  } catch (error) {
    await hub.stop();
    throw error;
  }
  project.provide('hub', { urls: hub.urls, env: { ...hub.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  return () => hub.stop();
}
