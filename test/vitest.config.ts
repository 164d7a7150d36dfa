import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  test: {
    root,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        // Handler logs are noise in test output; failures still show the problem responses.
        test: { name: 'unit', root, include: ['test/unit/**/*.test.ts'], env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' } },
      },
      {
        test: {
          name: 'integration',
          root,
          // Browser tests drive pages the same local hub serves.
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'],
          // One local hub (DynamoDB Local, s3rver, local-aws-sqs, API) per run, on free ports.
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/hub-env.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: { name: 'infra', root, include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 },
      },
    ],
  },
});
