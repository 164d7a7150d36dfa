/**
 * The submission worker: SQS FIFO batches of "this transfer has something for the state system",
 * delivered in order per transfer, with partial batch failures and a backoff per failed group.
 */
import { readConfig } from '#shared/config.ts';
import { createSubmissionWorker } from '#shared/submissions/worker.ts';
import { submissionWorkerDeps } from '#shared/wiring/submissions.ts';

export const handler = createSubmissionWorker(await submissionWorkerDeps(readConfig()));
