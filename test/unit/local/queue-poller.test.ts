import { describe, expect, it } from 'vitest';
import { succeededRecords, toSqsRecord } from '#infra/local/queue-poller.ts';

const records = ['m1', 'm2', 'm3'].map((id) =>
  toSqsRecord({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: id }, 'arn:aws:sqs:us-east-1:0:q', 'us-east-1'),
);
const ids = (rs: { messageId: string }[]) => rs.map((r) => r.messageId);

describe('succeededRecords (Lambda partial batch response contract)', () => {
  it('counts every record as done when the handler returns nothing or no failures', () => {
    expect(ids(succeededRecords(records, undefined))).toEqual(['m1', 'm2', 'm3']);
    expect(ids(succeededRecords(records, { batchItemFailures: [] }))).toEqual(['m1', 'm2', 'm3']);
  });

  it('keeps only the reported failures for another try', () => {
    expect(ids(succeededRecords(records, { batchItemFailures: [{ itemIdentifier: 'm2' }] }))).toEqual(['m1', 'm3']);
  });

  it('fails the whole batch on an identifier that is not in it, or a malformed answer', () => {
    expect(succeededRecords(records, { batchItemFailures: [{ itemIdentifier: 'nope' }] })).toEqual([]);
    expect(succeededRecords(records, { batchItemFailures: [{ itemIdentifier: '' }] })).toEqual([]);
    expect(succeededRecords(records, { batchItemFailures: 'm1' })).toEqual([]);
  });
});

describe('toSqsRecord', () => {
  it('maps FIFO attributes and message attributes to the Lambda event shape', () => {
    const record = toSqsRecord(
      {
        MessageId: 'm',
        ReceiptHandle: 'rh',
        Body: '{}',
        MD5OfBody: 'md5',
        Attributes: { ApproximateReceiveCount: '3', MessageGroupId: 'transfer-1', SequenceNumber: '7', SentTimestamp: '1' },
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'manifest' } },
      },
      'arn:q',
      'us-east-1',
    );

    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:q',
      attributes: { ApproximateReceiveCount: '3', MessageGroupId: 'transfer-1', SequenceNumber: '7' },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'manifest', stringListValues: [] } },
    });
  });
});
