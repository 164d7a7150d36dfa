/**
 * `npm run redrive`: moves dead-lettered state submissions back to their queue once the cause is
 * fixed. In AWS, run it with operator credentials and the queue URLs in the environment
 * (STATE_SUBMISSIONS_QUEUE_URL, STATE_SUBMISSIONS_DLQ_URL, from the stateful stack); otherwise it
 * redrives the local hub described by `.local/run.json`. The operator endpoint
 * `POST /ops/state-submissions/redrive` does the same through the API.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { stateSubmissionsQueue } from '#shared/resources.ts';
import { redriveDeadLetters } from '#shared/submissions/redrive.ts';
import { repositoryRoot } from './local/hub.ts';

const runFile = z.object({ sqs: z.url(), queues: z.object({ stateSubmissions: z.url(), stateSubmissionsDlq: z.url() }) });

async function target(): Promise<{ sqs: SQSClient; queueUrl: string; deadLetterUrl: string }> {
  const queueUrl = process.env[stateSubmissionsQueue.env];
  const deadLetterUrl = process.env[stateSubmissionsQueue.deadLetter.env];
  if (queueUrl && deadLetterUrl) return { sqs: new SQSClient({}), queueUrl, deadLetterUrl };
  const path = join(process.env['HUB_LOCAL_DIR'] ?? join(repositoryRoot, '.local'), 'run.json');
  let run: z.infer<typeof runFile>;
  try {
    run = runFile.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    throw new Error(`Set ${stateSubmissionsQueue.env} and ${stateSubmissionsQueue.deadLetter.env}, or start the local hub (npm start) so that ${path} exists`);
  }
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: run.sqs, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return { sqs, queueUrl: run.queues.stateSubmissions, deadLetterUrl: run.queues.stateSubmissionsDlq };
}

try {
  const { sqs, ...queues } = await target();
  const { moved } = await redriveDeadLetters(sqs, queues);
  console.log(`Moved ${moved} dead-lettered submission message(s) back to ${queues.queueUrl}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
