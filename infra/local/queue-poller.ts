/**
 * Local stand-in for Lambda's SQS event source mapping: long-polls a queue, hands batches to the
 * consumer as SQS events, deletes what succeeded and leaves reported failures (or the whole batch
 * when the handler throws or times out) to reappear after the visibility timeout. The queue's own
 * redrive policy moves a message to its DLQ after `maxReceiveCount` receives, as in AWS.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** Long-poll wait; kept well below any queue's visibility timeout so a receive never sees a message twice. */
const DEFAULT_WAIT_TIME_SECONDS = 1;

export interface QueuePollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly batchSize: number;
  readonly region?: string;
  readonly waitTimeSeconds?: number;
  readonly invoke: (event: SQSEvent) => Promise<unknown>;
  readonly onError?: (error: unknown) => void;
}

export interface QueuePoller {
  stop(): Promise<void>;
}

export function toSqsRecord(message: Message, eventSourceARN: string, awsRegion: string): SQSRecord {
  const a = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
    SentTimestamp: a.SentTimestamp ?? String(Date.now()),
    SenderId: a.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
    ...(a.MessageDeduplicationId ? { MessageDeduplicationId: a.MessageDeduplicationId } : {}),
    ...(a.SequenceNumber ? { SequenceNumber: a.SequenceNumber } : {}),
  };
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes: toRecordAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}

function toRecordAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    };
  }
  return out;
}

/**
 * Which records succeeded, per Lambda's partial batch response contract: no response (or an empty
 * failure list) means all succeeded; a malformed response or an unknown identifier fails the batch.
 */
export function succeededRecords(records: readonly SQSRecord[], response: unknown): SQSRecord[] {
  if (response === undefined || response === null) return [...records];
  const failures = (response as Partial<SQSBatchResponse>).batchItemFailures;
  if (failures === undefined) return [...records];
  if (!Array.isArray(failures)) return [];
  const ids = new Set(records.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown }).itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return [];
    failed.add(id);
  }
  return records.filter((r) => !failed.has(r.messageId));
}

export async function startQueuePoller(options: QueuePollerOptions): Promise<QueuePoller> {
  const { sqs, queueUrl, batchSize, region = 'us-east-1', waitTimeSeconds = DEFAULT_WAIT_TIME_SECONDS } = options;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn ?? queueUrl;
  const controller = new AbortController();

  const pollOnce = async (): Promise<void> => {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(batchSize, 10),
        WaitTimeSeconds: waitTimeSeconds,
        // local-aws-sqs answers system attributes only to the older AttributeNames parameter.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: controller.signal },
    );
    if (!Messages?.length) {
      // Short polling (wait 0) must not spin.
      if (waitTimeSeconds === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      return;
    }
    const records = Messages.map((m) => toSqsRecord(m, arn, region));
    let response: unknown;
    try {
      response = await options.invoke({ Records: records });
    } catch (error) {
      // The whole batch failed; every message reappears after its visibility timeout.
      options.onError?.(error);
      return;
    }
    const done = succeededRecords(records, response);
    for (let i = 0; i < done.length; i += 10) {
      const entries = done.slice(i, i + 10).map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle }));
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    }
  };

  const stopped = () => controller.signal.aborted;
  const loop = (async () => {
    while (!stopped()) {
      try {
        await pollOnce();
      } catch (error) {
        if (stopped()) break;
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
