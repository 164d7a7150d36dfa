import type { TestProject } from 'vitest/node';
import { startLocalHub } from '#infra/local/hub.ts';
import type { LocalHubUrls } from '#infra/local/hub.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    hub: { urls: LocalHubUrls; env: Record<string, string> };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Handler logs are noise in test output; failures still carry the problem responses.
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  const hub = await startLocalHub();
  project.provide('hub', { urls: hub.urls, env: { ...hub.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  return () => hub.stop();
}
