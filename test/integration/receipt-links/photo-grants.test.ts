/**
 * Photo grants of a receipt link are bounded, and uploads wait outside the records bucket: only the
 * photos a committed receipt names are copied into it.
 */
import { createHash } from 'node:crypto';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { inject, describe, expect, it } from 'vitest';
import { documentsBucket, uploadsBucket } from '#shared/resources.ts';
import { MAX_PHOTO_GRANTS } from '#shared/receipt-links/use-cases.ts';
import { draftTo, step } from '../../support/lifecycle.ts';
import { freshInventory } from '../../support/nyapi.ts';

const s3 = new S3Client({ region: 'us-east-1', endpoint: inject('hub').urls.s3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function departedToDispensary() {
  const tags = await freshInventory('distributor', 1);
  const id = await draftTo('retail dispensary', tags, 'distributor', 20);
  const manifested = await step('distributor', id, 'manifest');
  await step('distributor', id, 'depart');
  return { link: manifested['issuedReceiptLink'] as { url: string } };
}

const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a receiving-dock photo')]);
const sha256 = createHash('sha256').update(jpeg).digest('hex');

const grant = (linkUrl: string) =>
  fetch(`${linkUrl}/photos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contentType: 'image/jpeg', bytes: jpeg.length, sha256 }) });

async function upload(granted: { key: string; upload: { url: string; fields: Record<string, string> } }) {
  const form = new FormData();
  for (const [name, value] of Object.entries(granted.upload.fields)) form.append(name, value);
  form.append('file', new Blob([jpeg], { type: 'image/jpeg' }));
  const response = await fetch(granted.upload.url, { method: 'POST', body: form });
  expect(response.status, await response.text()).toBeLessThan(300);
}

describe('receipt-link photo grants', { timeout: 120_000 }, () => {
  it(`grant ${MAX_PHOTO_GRANTS} uploads per link and refuse the next one`, async () => {
    const { link } = await departedToDispensary();
    for (let i = 0; i < MAX_PHOTO_GRANTS; i += 1) expect((await grant(link.url)).status, `grant ${i + 1}`).toBe(201);
    const refused = await grant(link.url);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ code: 'photo-limit-reached' });
  });

  it('place uploads in the one-day uploads bucket; only a committed receipt copies the photos it names into the records', async () => {
    const { link } = await departedToDispensary();
    const kept = (await (await grant(link.url)).json()) as { key: string; upload: { url: string; fields: Record<string, string> } };
    const stray = (await (await grant(link.url)).json()) as { key: string; upload: { url: string; fields: Record<string, string> } };
    expect(new URL(kept.upload.url).pathname).toBe(`/${uploadsBucket.name}`);
    await upload(kept);
    await upload(stray);
    expect(uploadsBucket).toMatchObject({ kind: 'temporary', expireAfterDays: 1 });
    expect(await exists(uploadsBucket.name, stray.key)).toBe(true);
    expect(await exists(documentsBucket.name, kept.key)).toBe(false);

    const answer = await fetch(link.url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'line-0-outcome': 'accept', name: 'Dana Reyes', title: 'Inventory manager', photo: kept.key }).toString(),
    });
    expect(answer.status, await answer.text()).toBe(303);
    expect(await exists(documentsBucket.name, kept.key)).toBe(true);
    // The upload no receipt names never reaches the records bucket: it expires with the uploads bucket.
    expect(await exists(documentsBucket.name, stray.key)).toBe(false);
  });
});
