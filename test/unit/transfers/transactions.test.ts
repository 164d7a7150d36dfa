import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { StaleVersionError } from '#shared/errors.ts';
import { DuplicateError, ManifestRaceError, createTransferRepository } from '#shared/transfers/repository.ts';
import { cancellationOf } from '#shared/transfers/transactions.ts';
import type { TransactionItem } from '#shared/transfers/transactions.ts';

interface TestTransfer {
  id: string;
  version: number;
  status: string;
  shipperId: string;
  createdAt: string;
  updatedAt: string;
  summary: object;
  content: { lines: unknown[] };
}

const transfer: TestTransfer = {
  id: 't1',
  version: 2,
  status: 'draft',
  shipperId: 'lic-1',
  createdAt: '2026-03-02T14:00:00.000Z',
  updatedAt: '2026-03-02T14:00:00.000Z',
  summary: {},
  content: { lines: [{ tag: 'A' }] },
};
const event = { sequence: 2 };

type Written = NonNullable<TransactionItem['item']>;
const keyOf = (written: Written) => (written.Put?.Item ?? written.Update?.Key ?? {}) as Record<string, unknown>;

/**
 * A document client whose transactions refuse the items `refuses` picks, as DynamoDB does: one
 * reason per item, in order. The tests pick items by what they are, never by where they stand.
 */
function refusingClient(refuses: (key: Record<string, unknown>) => boolean, storedVersion = transfer.version): DynamoDBDocumentClient {
  const send = async (command: unknown) => {
    if (command instanceof GetCommand) return { Item: { version: storedVersion } };
    if (!(command instanceof TransactWriteCommand)) throw new Error(`unexpected ${(command as object).constructor.name}`);
    const items = command.input.TransactItems ?? [];
    const reasons = items.map((written) => ({ Code: refuses(keyOf(written)) ? 'ConditionalCheckFailed' : 'None' }));
    throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

const isTransfer = (key: Record<string, unknown>) => key['SK'] === 'TRANSFER' && key['PK'] === `TRANSFER#${transfer.id}`;
const isCounter = (key: Record<string, unknown>) => key['SK'] === 'COUNTER#MANIFEST';
const isManifestNumber = (key: Record<string, unknown>) => String(key['PK']).startsWith('MANIFEST#');
const isTag = (key: Record<string, unknown>) => String(key['PK']).startsWith('TAG#');
const isLookup = (key: Record<string, unknown>) => String(key['PK']).startsWith('LOOKUP#');

/** Items created beside a change: as many as a test likes, so that every other item moves. */
const lookups = (n: number) => Array.from({ length: n }, (_, i) => ({ PK: `LOOKUP#${i}`, SK: 'LOOKUP' }));

const manifest = (newItems: number) => ({
  next: { ...transfer, status: 'in-transit' },
  expectedVersion: transfer.version,
  event,
  sequence: 7,
  manifestNumber: 'OCM-1-M000007',
  tags: ['A'],
  at: transfer.updatedAt,
  newItems: lookups(newItems),
});

describe('cancellationOf', () => {
  it('names the roles of the items whose condition failed, wherever they stand', () => {
    const items: TransactionItem[] = (['transfer', 'event', 'new-item', 'tag', 'tag'] as const).map((role) => ({ role, item: {} }));
    const error = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    const cancelled = cancellationOf(error, items);
    expect([...(cancelled?.failed ?? [])].sort()).toEqual(['new-item', 'tag']);
    expect(cancelled?.codes).toEqual(['None', 'TransactionConflict', 'ConditionalCheckFailed', 'None', 'ConditionalCheckFailed']);
  });

  it('is nothing for an error that is not a cancelled transaction', () => {
    expect(cancellationOf(new Error('network'), [{ role: 'transfer', item: {} }])).toBeUndefined();
  });
});

describe('the transfer repository maps a cancelled transaction by role', () => {
  it.each([0, 1, 3])('commit with %i new items: a stale transfer is a 412, a taken new item is not', async (n) => {
    const stale = createTransferRepository<TestTransfer, typeof event>(refusingClient(isTransfer, 5), 'hub');
    await expect(stale.commit(transfer, 1, event, { newItems: lookups(n) })).rejects.toThrow(StaleVersionError);
    if (n === 0) return;
    const taken = createTransferRepository<TestTransfer, typeof event>(refusingClient(isLookup), 'hub');
    await expect(taken.commit(transfer, 1, event, { newItems: lookups(n) })).rejects.toThrow(TransactionCanceledException);
  });

  it.each([1, 2, 4])('create with %i unique items: only a unique key that exists already is a duplicate', async (n) => {
    const duplicate = createTransferRepository<TestTransfer, typeof event>(refusingClient(isLookup), 'hub');
    await expect(duplicate.create(transfer, event, lookups(n))).rejects.toThrow(DuplicateError);
    const existing = createTransferRepository<TestTransfer, typeof event>(refusingClient(isTransfer), 'hub');
    await expect(existing.create(transfer, event, lookups(n))).rejects.toThrow(TransactionCanceledException);
  });

  it.each([0, 1, 3])('manifest with %i new items: the counter taken or the attempt fenced is a race, a stale transfer a 412', async (n) => {
    const counterTaken = createTransferRepository<TestTransfer, typeof event>(refusingClient(isCounter), 'hub');
    await expect(counterTaken.commitManifest(manifest(n))).rejects.toThrow(ManifestRaceError);
    const fenced = createTransferRepository<TestTransfer, typeof event>(refusingClient(isTransfer), 'hub');
    await expect(fenced.commitManifest(manifest(n))).rejects.toThrow(ManifestRaceError);
    const stale = createTransferRepository<TestTransfer, typeof event>(refusingClient(isTransfer, 9), 'hub');
    await expect(stale.commitManifest(manifest(n))).rejects.toThrow(StaleVersionError);
    const numberTaken = createTransferRepository<TestTransfer, typeof event>(refusingClient(isManifestNumber), 'hub');
    await expect(numberTaken.commitManifest(manifest(n))).rejects.toThrow(/^Manifest transaction cancelled: /);
  });

  it.each([0, 1, 3])('manifest with %i new items: only held tags go the stepwise way, which first stamps an attempt', async (n) => {
    const held = createTransferRepository<TestTransfer, typeof event>(refusingClient(isTag), 'hub');
    await expect(held.commitManifest(manifest(n))).rejects.toThrow('unexpected UpdateCommand');
    const heldAndRaced = createTransferRepository<TestTransfer, typeof event>(refusingClient((key) => isTag(key) || isCounter(key)), 'hub');
    await expect(heldAndRaced.commitManifest(manifest(n))).rejects.toThrow(ManifestRaceError);
  });
});

/** A document client whose first `conflicts` transactions meet another transaction on the counter, as DynamoDB cancels them. */
function conflictingClient(conflicts: number): { client: DynamoDBDocumentClient; tries: () => number } {
  let tries = 0;
  const send = async (command: unknown) => {
    if (!(command instanceof TransactWriteCommand)) throw new Error(`unexpected ${(command as object).constructor.name}`);
    tries++;
    if (tries > conflicts) return {};
    const reasons = (command.input.TransactItems ?? []).map((written) => ({ Code: isCounter(keyOf(written)) ? 'TransactionConflict' : 'None' }));
    throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons });
  };
  return { client: { send } as unknown as DynamoDBDocumentClient, tries: () => tries };
}

describe('a transaction that meets another one on an item', () => {
  it('is written once the other is done: a conflict is tried again, nothing else is', async () => {
    const { client, tries } = conflictingClient(2);
    await createTransferRepository<TestTransfer, typeof event>(client, 'hub').commitManifest(manifest(1));
    expect(tries()).toBe(3);
  });

  it('is a manifest race, not an internal error, when the conflicts go on', async () => {
    const { client, tries } = conflictingClient(Infinity);
    await expect(createTransferRepository<TestTransfer, typeof event>(client, 'hub').commitManifest(manifest(0))).rejects.toThrow(ManifestRaceError);
    expect(tries()).toBe(4);
  });

  it('does not try again a transaction whose own condition failed', async () => {
    let tries = 0;
    const refusing = refusingClient(isCounter);
    const counting = { send: (command: unknown) => (command instanceof TransactWriteCommand && tries++, refusing.send(command as never)) } as unknown as DynamoDBDocumentClient;
    await expect(createTransferRepository<TestTransfer, typeof event>(counting, 'hub').commitManifest(manifest(0))).rejects.toThrow(ManifestRaceError);
    expect(tries).toBe(1);
  });
});
