import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { queueAttributes } from '#infra/local/bootstrap.ts';
import { LocalLambdaRuntime } from '#infra/local/lambda-runtime.ts';
import { startQueuePoller } from '#infra/local/queue-poller.ts';
import type { QueuePoller } from '#infra/local/queue-poller.ts';
import { repositoryRoot } from '#infra/local/hub.ts';
import type { Seen } from '../fixtures/batch-consumer.ts';

const { urls } = inject('hub');
const sqs = new SQSClient({ region: 'us-east-1', endpoint: urls.sqs, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
afterAll(() => sqs.destroy());

const runtime = new LocalLambdaRuntime(repositoryRoot, {
  consumer: { entry: 'test/fixtures/batch-consumer.ts', description: 'test consumer', timeoutSeconds: 30, memoryMb: 128 },
});
const seen = () => ((globalThis as { batchConsumerSeen?: Seen[] }).batchConsumerSeen ??= []);

/** A queue pair like the hub's: short visibility timeout so retries happen within a test. */
async function queuePair(name: string, fifo: boolean) {
  const suffix = fifo ? '.fifo' : '';
  const timings = { fifo, visibilityTimeoutSeconds: 2, retentionPeriodSeconds: 3600 };
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq${suffix}`, Attributes: queueAttributes(timings) }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}${suffix}`,
      Attributes: queueAttributes(timings, { deadLetterTargetArn: Attributes?.QueueArn ?? '', maxReceiveCount: 2 }),
    }),
  );
  return { url: queue.QueueUrl ?? '', dlqUrl: dlq.QueueUrl ?? '' };
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('condition not met in time');
}

async function approximateCount(url: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/**
 * Waits until the DLQ holds `count` messages, then reads them once. Counting first matters for FIFO:
 * a receive hides the whole message group, so polling by receiving could starve itself.
 */
async function deadLetters(dlqUrl: string, count: number) {
  await until(async () => ((await approximateCount(dlqUrl)) >= count ? true : undefined));
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return Messages ?? [];
}

let poller: QueuePoller | undefined;
beforeEach(() => {
  seen().length = 0;
});
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

const poll = (queueUrl: string) =>
  startQueuePoller({ sqs, queueUrl, batchSize: 10, waitTimeSeconds: 0, invoke: (event: SQSEvent) => runtime.invoke('consumer', event) });

describe('local queue poller (Lambda SQS event source contract)', () => {
  it('deletes what succeeded, retries only the reported failures, then dead-letters them', async () => {
    const { url, dlqUrl } = await queuePair(`partial-${Date.now()}`, false);
    for (const body of ['ok-1', 'fail-1', 'ok-2']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));

    poller = await poll(url);
    const dead = await deadLetters(dlqUrl, 1);

    expect(dead.map((m) => m.Body)).toEqual(['fail-1']);
    const byBody = (body: string) => seen().filter((s) => s.body === body);
    expect(byBody('ok-1')).toHaveLength(1);
    expect(byBody('ok-2')).toHaveLength(1);
    expect(byBody('fail-1').map((s) => s.receiveCount)).toEqual([1, 2]);
    expect(await approximateCount(url)).toBe(0);
  });

  it('retries the whole batch when the handler throws, and succeeds on the next receive', async () => {
    const { url, dlqUrl } = await queuePair(`throw-${Date.now()}`, false);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'throw-once-a' }));

    poller = await poll(url);
    await until(async () => (seen().some((s) => s.body === 'throw-once-a') ? true : undefined));
    await until(async () => ((await approximateCount(url)) === 0 ? true : undefined));

    expect(seen().filter((s) => s.body === 'throw-once-a').map((s) => s.receiveCount)).toEqual([2]);
    expect(await approximateCount(dlqUrl)).toBe(0);
  });

  it('gives the handler a context whose deadline is the function timeout', async () => {
    const { url } = await queuePair(`deadline-${Date.now()}`, false);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'ok-deadline' }));

    poller = await poll(url);
    const record = await until(async () => seen().find((s) => s.body === 'ok-deadline'));

    expect(record.remainingMs).toBeGreaterThan(25_000);
    expect(record.remainingMs).toBeLessThanOrEqual(30_000);
  });

  const sendGroup = async (url: string, bodies: string[]) => {
    for (const [i, body] of bodies.entries()) {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'transfer-1', MessageDeduplicationId: `d${i}` }),
      );
    }
  };

  it('keeps a FIFO group in order: a later message waits while an earlier one is retried', async () => {
    const { url } = await queuePair(`fifo-${Date.now()}`, true);
    await sendGroup(url, ['step-1', 'flaky-step-2', 'step-3']);

    poller = await poll(url);
    await until(async () => (seen().some((s) => s.body === 'step-3') ? true : undefined));

    expect(seen().map((s) => s.body)).toEqual(['step-1', 'flaky-step-2', 'flaky-step-2', 'step-3']);
  });

  it('dead-letters a FIFO message that keeps failing together with the group behind it, in order', async () => {
    // As in AWS: the held-back messages are received (and counted) with the failing one.
    const { url, dlqUrl } = await queuePair(`fifo-dead-${Date.now()}`, true);
    await sendGroup(url, ['step-1', 'fail-step-2', 'step-3']);

    poller = await poll(url);
    const dead = await deadLetters(dlqUrl, 2);

    expect(dead.map((m) => m.Body)).toEqual(['fail-step-2', 'step-3']);
    expect(seen().map((s) => s.body)).toEqual(['step-1', 'fail-step-2', 'fail-step-2']);
  });
});
