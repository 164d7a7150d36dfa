/**
 * The receipt-link page's wiring: transfers and links in the table, the receipt PDF in the
 * documents bucket, signatures and photos in the uploads bucket, and the outbox for the receipt.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsClients } from '../adapters/aws-clients.ts';
import { createAwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { resourceName } from '../config.ts';
import { createS3ManifestStore } from '../manifests/store.ts';
import { createLinkRepository } from '../receipt-links/repository.ts';
import { receiptFilesFrom } from '../receipt-links/uploads.ts';
import type { LinkPageDeps } from '../receipt-links/use-cases.ts';
import { documentsBucket, hubTable } from '../resources.ts';
import { createLicenseeRepository } from '../tenants/repository.ts';
import { createLicenseeDirectory } from '../transfers/licensee-directory.ts';
import { createTransferRepository } from '../transfers/repository.ts';
import { submissionOutbox } from './outbox.ts';

export function linkPageDeps(config: HubConfig, aws: Pick<AwsClients, 'dynamodb' | 's3' | 'sqs'> = createAwsClients(config)): LinkPageDeps & { readonly variancePercent: number } {
  const table = resourceName(config, hubTable);
  return {
    transfers: createTransferRepository(aws.dynamodb, table),
    links: createLinkRepository(aws.dynamodb, table),
    licensees: createLicenseeDirectory(createLicenseeRepository(aws.dynamodb, table)),
    rules: config.transferRules,
    pdfs: createS3ManifestStore(aws.s3, resourceName(config, documentsBucket)),
    files: receiptFilesFrom(config, aws.s3),
    // The receipt PDF prints the manifest's verification URL, as the one the API renders does.
    ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
    outbox: submissionOutbox(config, aws),
    now: () => new Date(),
    sleep: (ms) => sleep(ms),
    variancePercent: Number((config.transferRules.receivingVariance.threshold * 100).toFixed(3)),
  };
}
