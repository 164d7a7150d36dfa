import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomInt } from 'node:crypto';
import { ulid } from 'ulid';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { NotFoundError, StaleVersionError } from '#shared/errors.ts';
import { keys } from '#shared/repositories/keys.ts';
import { hubTable } from '#shared/resources.ts';
import { ManifestRaceError, TagsTakenError, createTransferRepository } from '#shared/transfers/repository.ts';

interface TestTransfer {
  id: string;
  version: number;
  status: string;
  shipperId: string;
  receiverLicenseeId?: string;
  createdAt: string;
  updatedAt: string;
  summary: object;
  content: { lines: unknown[] };
  manifestedAt?: string;
  manifestNumber?: number;
  note?: string;
}
interface TestEvent {
  sequence: number;
  action: string;
}

const { urls } = inject('hub');
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', endpoint: urls.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
afterAll(() => documents.destroy());
const repository = createTransferRepository<TestTransfer, TestEvent>(documents, hubTable.name);

/** Random 16-digit BioTrack-style tags (unique within a transfer: the domain refuses duplicates earlier). */
const tagsOf = (n: number) => [...new Set(Array.from({ length: n * 2 }, () => `${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`))].slice(0, n);

async function draft(shipperId = `lic-${ulid()}`): Promise<TestTransfer> {
  const at = new Date().toISOString();
  const transfer = { id: ulid(), version: 1, status: 'DRAFT', shipperId, createdAt: at, updatedAt: at, summary: { lineCount: 0 }, content: { lines: [] } };
  await repository.create(transfer, { sequence: 1, action: 'create' });
  return transfer;
}

const manifested = (t: TestTransfer, manifestNumber: number, receiverLicenseeId?: string): TestTransfer => ({
  ...t,
  version: t.version + 1,
  status: 'MANIFESTED',
  manifestNumber,
  manifestedAt: new Date().toISOString(),
  ...(receiverLicenseeId ? { receiverLicenseeId } : {}),
});

async function manifest(t: TestTransfer, tags: string[], receiverLicenseeId?: string) {
  const sequence = await repository.nextManifestNumber(t.shipperId);
  const next = manifested(t, sequence, receiverLicenseeId);
  await repository.commitManifest({
    next,
    expectedVersion: t.version,
    event: { sequence: next.version, action: 'manifest' },
    sequence,
    manifestNumber: `${t.shipperId}-M${sequence}`,
    tags,
    at: next.manifestedAt ?? '',
  });
  return next;
}

describe('transfer repository', () => {
  it('stores a draft with its first event, and commits changes only from the version read', async () => {
    const t = await draft();
    await repository.commit({ ...t, version: 2, note: 'edited' }, 1, { sequence: 2, action: 'update' });

    await expect(repository.commit({ ...t, version: 2, note: 'lost update' }, 1, { sequence: 2, action: 'update' })).rejects.toThrow(StaleVersionError);
    await expect(repository.commit({ ...t, id: ulid(), version: 2 }, 1, { sequence: 2, action: 'update' })).rejects.toThrow(NotFoundError);
    expect((await repository.get(t.id))?.note).toBe('edited');
    expect((await repository.events(t.id)).map((e) => e.action)).toEqual(['create', 'update']);
  });

  it('lets exactly one of many concurrent writers of the same version win', async () => {
    const t = await draft();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => repository.commit({ ...t, version: 2, note: `writer ${i}` }, 1, { sequence: 2, action: `update ${i}` })),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof StaleVersionError)).toBe(true);
    const stored = await repository.get(t.id);
    const events = await repository.events(t.id);
    expect(events).toHaveLength(2);
    expect(events[1]?.action).toBe(stored?.note?.replace('writer', 'update'));
  });

  it('numbers manifests sequentially per shipper and refuses a tag another open transfer holds', async () => {
    const shipper = `lic-${ulid()}`;
    const [first, second] = [await draft(shipper), await draft(shipper)];
    const tags = tagsOf(3);

    expect((await manifest(first, tags)).manifestNumber).toBe(1);
    const clash = manifest(second, [tagsOf(1)[0] ?? '', tags[1] ?? '']);
    await expect(clash).rejects.toThrow(TagsTakenError);
    await expect(clash).rejects.toMatchObject({ conflicts: [{ tag: tags[1], transferId: first.id }] });

    await repository.releaseTags(first.id, tags, new Date().toISOString());
    expect((await manifest(second, [tags[1] ?? ''])).manifestNumber).toBe(2);
  });

  it('gives concurrent manifests of one shipper distinct numbers: the loser is told to retry', async () => {
    const shipper = `lic-${ulid()}`;
    const drafts = [await draft(shipper), await draft(shipper)];
    const results = await Promise.allSettled(drafts.map((t) => manifest(t, tagsOf(2))));

    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length).toBeLessThanOrEqual(1);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ManifestRaceError);
    const numbers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.manifestNumber] : []));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('manifests 1000 tags (beyond one transaction) and frees every reservation when one tag is held', async () => {
    const shipper = `lic-${ulid()}`;
    const held = tagsOf(1);
    await manifest(await draft(shipper), held);

    const big = tagsOf(1000);
    const blocked = await draft(shipper);
    await expect(manifest(blocked, [...big.slice(0, 499), held[0] ?? '', ...big.slice(499, 999)])).rejects.toThrow(TagsTakenError);
    expect((await repository.get(blocked.id))?.status).toBe('DRAFT');

    // Nothing of the failed attempt stays reserved: another transfer takes all 1000.
    const other = await draft(shipper);
    const done = await manifest(other, big);
    expect((await repository.get(other.id))?.status).toBe('MANIFESTED');
    expect(done.manifestNumber).toBe(2);
    // The printed number finds the transfer, whichever way it was manifested; a failed attempt left no number behind.
    expect(await repository.findByManifestNumber(`${shipper}-M2`)).toMatchObject({ id: other.id, status: 'MANIFESTED' });
  });

  it('finds the transfer that issued a manifest number, without its lines', async () => {
    const shipper = `lic-${ulid()}`;
    const t = await draft(shipper);
    await repository.commit({ ...t, version: 2, content: { lines: [{ tag: 'a' }] } }, 1, { sequence: 2, action: 'update' }, { lines: true });
    await manifest({ ...t, version: 2 }, tagsOf(2));

    const found = await repository.findByManifestNumber(`${shipper}-M1`);
    expect(found).toMatchObject({ id: t.id, status: 'MANIFESTED', shipperId: shipper });
    expect(found?.content).not.toHaveProperty('lines');
    expect(await repository.findByManifestNumber(`${shipper}-M2`)).toBeUndefined();
  });

  it('takes over tags left by a manifest that never finished, fencing it', async () => {
    const shipper = `lic-${ulid()}`;
    const crashed = await draft(shipper);
    const tag = tagsOf(1)[0] ?? '';
    // What a crash between reserving and committing leaves behind.
    await documents.send(new PutCommand({ TableName: hubTable.name, Item: { ...keys.tagReservation(tag), tag, transferId: crashed.id, attempt: 'a1', reservedAt: 'earlier' } }));

    const rival = await manifest(await draft(shipper), [tag]);

    expect(rival.status).toBe('MANIFESTED');
    const owner = await documents.send(new GetCommand({ TableName: hubTable.name, Key: keys.tagReservation(tag) }));
    expect(owner.Item?.['transferId']).toBe(rival.id);
    expect((await repository.get(crashed.id)) as unknown).toMatchObject({ status: 'DRAFT', manifestAttempt: `fenced-by-${rival.id}` });
  });

  it('lists a shipper’s and a receiver’s transfers newest first through the indexes', async () => {
    const shipper = `lic-${ulid()}`;
    const receiver = `lic-${ulid()}`;
    const a = await draft(shipper);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const b = await draft(shipper);
    await manifest(a, tagsOf(1), receiver);

    expect((await repository.listOutgoing(shipper, { limit: 10 })).items.map((t) => t.id)).toEqual([b.id, a.id]);
    expect((await repository.listOutgoing(shipper, { limit: 10, status: 'DRAFT' })).items.map((t) => t.id)).toEqual([b.id]);
    expect((await repository.listIncoming(receiver, { limit: 10 })).items.map((t) => t.id)).toEqual([a.id]);
  });
});
