/**
 * The real probes: one cheap, read-mostly call per dependency through the same clients and
 * resource names the rest of the hub uses.
 */
import { access } from 'node:fs/promises';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { createHealthRepository } from '../repositories/health-repository.ts';
import { documentsBucket, hubTable, stateSubmissionsQueue } from '../resources.ts';
import type { Probe } from './check-health.ts';

export function createProbes(config: HubConfig, clients: AwsClients, instanceId: string): Probe[] {
  const health = createHealthRepository(clients.dynamodb, resourceName(config, hubTable), instanceId);
  const bucket = resourceName(config, documentsBucket);
  const queueUrl = resourceName(config, stateSubmissionsQueue);
  return [
    { name: 'dynamodb', check: (signal) => health.roundTrip(signal) },
    {
      name: 's3',
      check: async (signal) => {
        await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
      },
    },
    {
      name: 'sqs',
      check: async (signal) => {
        await clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
          { abortSignal: signal },
        );
      },
    },
  ];
}

/** Local mode: the hub has started once its ready file (run.json) exists. */
export function startedWhenFileExists(file: string): () => Promise<boolean> {
  return () => access(file).then(
    () => true,
    () => false,
  );
}
