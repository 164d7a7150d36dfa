/**
 * The wiring of the state's manifest number on the hub's paper, for the two that learn it: the
 * submission worker (the manifest report's answer) and the reconciler (a person's registration
 * seen by polling). Both render and store the version that prints it, as the transfers API does.
 */
import type { AwsClients } from '../adapters/aws-clients.ts';
import type { HubConfig } from '../config.ts';
import { requireSetting, resourceName } from '../config.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import type { ManifestFiles } from '../manifests/files.ts';
import { createS3ManifestStore } from '../manifests/store.ts';
import { documentsBucket, hubTable } from '../resources.ts';
import type { OnStateManifestNumber } from '../submissions/deliver.ts';
import { createTransferRepository } from '../transfers/repository.ts';
import { recordStateManifestNumber } from '../transfers/state-numbered.ts';
import type { StoredTransfer } from '../transfers/use-cases.ts';

/** Manifest PDFs as the transfers API renders and stores them. */
export function manifestFilesFrom(config: HubConfig, aws: Pick<AwsClients, 's3'>): ManifestFiles {
  return {
    publicBaseUrl: requireSetting(config.publicBaseUrl, 'PUBLIC_BASE_URL'),
    // pdf-lib and the font are loaded when a manifest is first rendered, not at every cold start.
    render: async (document) => (await import('../manifests/pdf/manifest-pdf.ts')).renderManifestPdf(document),
    store: createS3ManifestStore(aws.s3, resourceName(config, documentsBucket)),
  };
}

/** Puts the number the state issued on the transfer's manifest (a new version before departure). */
export function stateManifestNumbering(config: HubConfig, aws: Pick<AwsClients, 'dynamodb' | 's3'>): OnStateManifestNumber {
  const deps = {
    transfers: createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, resourceName(config, hubTable)),
    manifests: manifestFilesFrom(config, aws),
    now: () => new Date(),
  };
  return (transferId, stateManifestNumber) => recordStateManifestNumber(deps, transferId, stateManifestNumber);
}
