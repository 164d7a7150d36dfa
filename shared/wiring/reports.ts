/**
 * The reports' wiring: the transfers they are computed from, and the exports bucket for a report
 * too large to answer inline.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createDynamoDbClients, createS3Client } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import { createS3ReportExports } from '../reports/exports.ts';
import type { ReportExports } from '../reports/exports.ts';
import type { ReportDeps } from '../reports/inventory-movements.ts';
import { exportsBucket, hubTable } from '../resources.ts';
import { createTransferRepository } from '../transfers/repository.ts';
import type { StoredTransfer } from '../transfers/use-cases.ts';

/** Below Lambda's 6 MB response limit, with room for headers and encoding. */
const INLINE_LIMIT_BYTES = 5 * 1024 * 1024;

export function reportDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb' | 's3'> = { ...createDynamoDbClients(config), s3: createS3Client(config) }): ReportDeps & {
  readonly exports: ReportExports;
  readonly inlineLimitBytes: number;
  readonly now: () => Date;
} {
  return {
    transfers: createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, resourceName(config, hubTable)),
    exports: createS3ReportExports(aws.s3, resourceName(config, exportsBucket)),
    inlineLimitBytes: INLINE_LIMIT_BYTES,
    now: () => new Date(),
  };
}
