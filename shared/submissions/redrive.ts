/**
 * Redrive: moves dead-lettered submission messages back to the queue once the cause is fixed.
 * Each keeps its message group (its transfer), so order holds; a new de-duplication id lets it
 * through FIFO's five-minute window. A redriven submission that has succeeded since finds nothing
 * to do in the worker.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';

export const redriveQuery = z.object({ max: z.coerce.number().int().min(1).max(10_000).default(10_000) });
export const redriveResult = z.object({ moved: z.number().int() }).meta({ id: 'RedriveResult' });

export interface RedriveResult {
  readonly moved: number;
}

export async function redriveDeadLetters(
  sqs: SQSClient,
  queues: { readonly deadLetterUrl: string; readonly queueUrl: string },
  options: { readonly max?: number; readonly now?: () => Date } = {},
): Promise<RedriveResult> {
  const max = options.max ?? 10_000;
  const now = options.now ?? (() => new Date());
  let moved = 0;
  while (moved < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterUrl,
        MaxNumberOfMessages: Math.min(10, max - moved),
        WaitTimeSeconds: 0,
        // Keep them hidden long enough to move; local-aws-sqs answers system attributes only to AttributeNames.
        VisibilityTimeout: 60,
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        AttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    const stamp = now().getTime();
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrl,
        Entries: Messages.map((message, i) => ({
          Id: String(i),
          MessageBody: message.Body ?? '',
          MessageGroupId: message.Attributes?.MessageGroupId ?? 'redriven',
          MessageDeduplicationId: `${message.MessageId ?? i}.redrive-${stamp}`,
        })),
      }),
    );
    const failed = new Set(Failed.map((f) => f.Id));
    const sent = Messages.map((message, i) => ({ message, id: String(i) })).filter(({ id }) => !failed.has(id));
    if (sent.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queues.deadLetterUrl, Entries: sent.map(({ message, id }) => ({ Id: id, ReceiptHandle: message.ReceiptHandle ?? '' })) }),
      );
    }
    moved += sent.length;
    if (failed.size > 0) throw new Error(`The queue refused ${failed.size} redriven messages; they stay in the DLQ`);
  }
  return { moved };
}
