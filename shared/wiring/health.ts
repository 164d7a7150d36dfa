/**
 * The health check's wiring: one probe per service the hub depends on, through the same clients.
 */
import { randomUUID } from 'node:crypto';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import type { HealthDeps } from '../health/check-health.ts';
import { createProbes, startedWhenFileExists } from '../health/probes.ts';

const PROBE_TIMEOUT_MS = 2_000;

export function healthDeps(config: HubConfig, aws: AwsClients = createAwsClients(config)): HealthDeps {
  return {
    probes: createProbes(config, aws, randomUUID()),
    timeoutMs: PROBE_TIMEOUT_MS,
    ...(config.readyFile ? { started: startedWhenFileExists(config.readyFile) } : {}),
  };
}
