/**
 * Over HTTP through the local hub and its Metrc emulator: before a New York distributor's manifest
 * is numbered, each package is checked against Metrc (exists at the facility, active, not on hold
 * or recall, not in transit, the quantity and unit drafted; to a dispensary, New York's rules in
 * force: Finished Good, a passed lab test, Retail Item IDs), each problem a 422 entry at its line
 * in plain words; a clean draft manifests; and the package picker finds the facility's active
 * packages by tag or product name, says which could go to a dispensary and why not, pages with a
 * cursor of its own and reads Metrc once for a burst of searches.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { request } from '../../support/hub-api.ts';
import type { Answer } from '../../support/hub-api.ts';
import { openApiContract } from '../../support/openapi-contract.ts';
import type { OpenApiContract } from '../../support/openapi-contract.ts';
import { bioTrackSystem } from '#shared/state-system/capabilities.ts';
import { keyOfTenantOn, metrcHubWorld } from './hub-world.ts';

interface Problem {
  readonly pointer: string;
  readonly code: string;
  readonly message: string;
}

let contract: OpenApiContract;
beforeAll(async () => {
  contract = openApiContract((await (await fetch(`${inject('hub').urls.api}/openapi.json`)).json()) as Record<string, unknown>);
});
/** The answer, as the OpenAPI document describes it for this route and status. */
const documented = (method: string, path: string, answer: Answer) => expect(contract.check(method, path, answer), `${method} ${path} ${answer.status}`).toEqual([]);

const errorsOf = (body: Record<string, unknown>) => (body['errors'] as Problem[]).map(({ pointer, code }) => [pointer, code]);

describe('the Metrc pre-flight of a manifest', { timeout: 60_000 }, () => {
  it('refuses each package Metrc would refuse, at its line, in plain words, and numbers nothing', async () => {
    const w = await metrcHubWorld([
      { n: 1, isOnHold: true },
      { n: 2, isFinishedGood: false },
      { n: 3, labTestingState: 'TestFailed' },
      { n: 4 },
      { n: 5 },
      { n: 6, isOnRecall: true },
      { n: 7, retailIdCount: 5 },
      { n: 8 },
      { n: 9 },
      { n: 10 },
    ]);
    await w.putInTransit([4]);
    const id = await w.draft([
      { n: 1 },
      { n: 2 },
      { n: 3 },
      { n: 4 },
      { n: 5, quantity: 15 },
      { n: 6 },
      { n: 7 },
      { n: 8, quantity: 25 },
      { n: 9, unit: 'g' },
      { n: 99 },
      { n: 10 },
    ]);

    const refused = await w.manifest(id);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.contentType).toContain('application/problem+json');
    documented('POST', '/v1/transfers/{id}/manifest', refused);
    expect(errorsOf(refused.body)).toEqual([
      ['/lines/0/tag', 'unavailable-at-state'],
      ['/lines/1/finishedGoods', 'not-finished-at-state'],
      ['/lines/2/labTestStatus', 'lab-test-not-passed-at-state'],
      ['/lines/3/tag', 'unavailable-at-state'],
      ['/lines/4/quantity', 'whole-package-only'],
      ['/lines/5/tag', 'unavailable-at-state'],
      ['/lines/6/tag', 'retail-ids-missing-at-state'],
      ['/lines/7/quantity', 'more-than-state-holds'],
      ['/lines/8/unit', 'unit-differs'],
      ['/lines/9/tag', 'not-at-state'],
    ]);
    const messages = (refused.body['errors'] as Problem[]).map((e) => e.message);
    expect(messages[0]).toContain('on hold');
    expect(messages[0]).toContain('release the hold');
    expect(messages[1]).toContain('Finished Good');
    expect(messages[1]).toContain('NY_IB_0011');
    expect(messages[2]).toContain('TestFailed');
    expect(messages[3]).toContain('already in transit');
    expect(messages[4]).toContain('holds 20 Each');
    expect(messages[5]).toContain('on recall');
    expect(messages[6]).toContain('5 Retail Item IDs');
    expect(messages[7]).toContain('only 20 Each');
    expect(messages[8]).toContain('draft it in each');
    // Metrc's own words where it has them.
    expect(messages[9]).toContain(`"Package ${w.tag(99)} does not exist in the current Facility."`);

    const after = (await w.call('GET', `/v1/transfers/${id}`)).body;
    expect(after['status']).toBe('DRAFT');
    expect(after['manifest']).toBeUndefined();
  });

  it('manifests a clean draft, and one whose package was fixed in Metrc after a refusal', async () => {
    const w = await metrcHubWorld([{ n: 1 }, { n: 2, isOnHold: true, labTestingState: 'RetestPassed' }]);
    const id = await w.draft([{ n: 1 }, { n: 2 }]);
    const refused = await w.manifest(id);
    expect(errorsOf(refused.body)).toEqual([['/lines/1/tag', 'unavailable-at-state']]);

    // A person releases the hold in Metrc; the same draft now passes.
    await w.changePackage(2, { isOnHold: false });
    const manifested = await w.manifest(id);
    expect(manifested.status, JSON.stringify(manifested.body)).toBe(200);
    expect(manifested.body['status']).toBe('MANIFESTED');
  });
});

interface Row {
  readonly tag: string;
  readonly productName: string;
  readonly category?: string;
  readonly quantity: number;
  readonly unit: string;
  readonly labTest: string;
  readonly finishedGood: boolean;
  readonly toDispensary: { readonly allowed: boolean; readonly reasons: readonly string[] };
}

describe('the Metrc package picker', { timeout: 60_000 }, () => {
  it('finds active packages by product name or tag, in neutral terms, with whether each could go to a dispensary', async () => {
    const w = await metrcHubWorld([
      { n: 1, itemName: 'Blue Dream Pre-roll 5-pack' },
      { n: 2, itemName: 'Blue Dream Flower', unitOfMeasure: 'Grams', quantity: 453.6, itemCategory: 'Flower', retailIdCount: 1 },
      { n: 3, itemName: 'Blue Dream Gummies', isFinishedGood: false, labTestingState: 'SubmittedForTesting' },
      { n: 4, itemName: 'Sour Diesel Vape', isOnHold: true },
      { n: 5, itemName: 'Blue Dream Tincture' },
      { n: 6, itemName: 'Finished long ago' },
    ]);
    await w.changePackage(6, { finished: true });
    await w.putInTransit([5]);

    const found = await w.call('GET', '/v1/state-system/packages?search=blue%20dream');
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    documented('GET', '/v1/state-system/packages', found);
    const rows = found.body['items'] as Row[];
    // The finished one and the one in transit are not active; tag order.
    expect(rows.map((r) => r.tag)).toEqual([w.tag(1), w.tag(2), w.tag(3)]);
    expect(rows[0]).toEqual({
      tag: w.tag(1),
      productName: 'Blue Dream Pre-roll 5-pack',
      category: 'Pre-Roll',
      quantity: 20,
      unit: 'each',
      labTest: 'passed',
      labTestState: 'TestPassed',
      finishedGood: true,
      toDispensary: { allowed: true, reasons: [] },
    });
    expect(rows[1]).toMatchObject({ unit: 'g', quantity: 453.6, category: 'Flower', toDispensary: { allowed: true } });
    expect(rows[2]).toMatchObject({ labTest: 'pending', finishedGood: false, toDispensary: { allowed: false } });
    expect(rows[2]?.toDispensary.reasons.join(' ')).toContain('Finished Good');
    expect(rows[2]?.toDispensary.reasons.join(' ')).toContain('SubmittedForTesting');

    // By the end of a tag, case-insensitive; a held package is listed (it is active) but cannot go.
    const byTag = (await w.call('GET', `/v1/state-system/packages?search=${w.tag(4).slice(-6).toLowerCase()}`)).body['items'] as Row[];
    expect(byTag.map((r) => [r.tag, r.toDispensary.allowed])).toEqual([[w.tag(4), false]]);
    expect(byTag[0]?.toDispensary.reasons[0]).toContain('on hold');
  });

  it('pages with a cursor that continues only its own search, and reads Metrc once for a burst of searches', async () => {
    const w = await metrcHubWorld([1, 2, 3, 4, 5].map((n) => ({ n, itemName: `Gelato Cart ${n}` })));
    const first = await w.call('GET', '/v1/state-system/packages?search=gelato&limit=2');
    // The facility's whole list, read to the end in its windows.
    const reads = await w.activeListCalls();
    expect(reads).toBeGreaterThan(0);
    expect((first.body['items'] as Row[]).map((r) => r.tag)).toEqual([w.tag(1), w.tag(2)]);
    const cursor = first.body['cursor'] as string;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(w.tag(2));
    const second = await w.call('GET', `/v1/state-system/packages?search=gelato&limit=2&cursor=${cursor}`);
    expect((second.body['items'] as Row[]).map((r) => r.tag)).toEqual([w.tag(3), w.tag(4)]);
    const third = await w.call('GET', `/v1/state-system/packages?search=gelato&limit=2&cursor=${second.body['cursor'] as string}`);
    expect((third.body['items'] as Row[]).map((r) => r.tag)).toEqual([w.tag(5)]);
    expect(third.body['cursor']).toBeUndefined();
    // Paging and typing on: more answers, no more reads of the list.
    for (const search of ['g', 'ge', 'gel', 'gela', 'gelat']) expect((await w.call('GET', `/v1/state-system/packages?search=${search}`)).status).toBe(200);
    expect(await w.activeListCalls()).toBe(reads);

    const elsewhere = await w.call('GET', `/v1/state-system/packages?search=cart&limit=2&cursor=${cursor}`);
    expect([elsewhere.status, elsewhere.body['code']]).toEqual([400, 'invalid-cursor']);
    documented('GET', '/v1/state-system/packages', elsewhere);
    const other = await metrcHubWorld([{ n: 1 }]);
    expect((await other.call('GET', `/v1/state-system/packages?search=gelato&limit=2&cursor=${cursor}`)).body['code']).toBe('invalid-cursor');
    // An empty search box: every active package of the facility.
    expect(((await w.call('GET', '/v1/state-system/packages?search=')).body['items'] as Row[]).length).toBe(5);
    const bad = await w.call('GET', '/v1/state-system/packages?limit=500');
    expect([bad.status, bad.body['code']]).toEqual([400, 'invalid-query']);
    documented('GET', '/v1/state-system/packages', bad);
  });

  it('says when the state system offers no package list, and when the license reports to none', async () => {
    const bioTrack = await request('GET', '/v1/state-system/packages?search=pre', { apiKey: await keyOfTenantOn(bioTrackSystem) });
    expect([bioTrack.status, bioTrack.body['code']]).toEqual([404, 'no-package-list']);
    expect(bioTrack.contentType).toContain('application/problem+json');
    documented('GET', '/v1/state-system/packages', bioTrack);
    const none = await request('GET', '/v1/state-system/packages', { apiKey: await keyOfTenantOn('none') });
    expect([none.status, none.body['code']]).toEqual([409, 'not-integrated']);
    documented('GET', '/v1/state-system/packages', none);
  });
});
