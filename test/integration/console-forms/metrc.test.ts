/**
 * The console forms with Metrc, through the local hub and its Metrc emulator: a shipping clerk of
 * a Metrc licensee picks packages from Metrc's list (and a pasted tag is filled from it), and a
 * receiving clerk of the Metrc dispensary, once the receipt is recorded in the hub, is told plainly
 * what to enter in Metrc, package by package, from the receiving sheet.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../../support/nyapi.ts';
import { hubLink, nextMail, uniqueEmail, Visitor } from '../../support/people.ts';
import type { PageAnswer } from '../../support/people.ts';
import type { Answer } from '../../support/hub-api.ts';
import { connectShipper, metrcHubWorld, receiverTenant } from '../metrc/hub-world.ts';

async function person(call: (method: string, path: string, body?: unknown) => Promise<Answer>, roles: readonly string[]): Promise<Visitor> {
  const email = uniqueEmail(`forms-metrc-${roles.join('-')}`);
  const invited = await call('POST', '/v1/people/invitations', { email, name: 'Lee Okafor', roles });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const visitor = new Visitor();
  const setup = await visitor.open(hubLink(await nextMail(email), 'invitations'));
  expect((await visitor.submit(setup, { name: 'Lee Okafor' })).status).toBe(303);
  return visitor;
}

/** The page's form posted with these fields (a browser sends its token and line count too). */
const post = (visitor: Visitor, page: PageAnswer, fields: Record<string, string | readonly string[]>) =>
  visitor.submit(page, { lines: /name="lines" value="(\d+)"/.exec(page.html)?.[1] ?? '0', ...fields }, /<form method="post" action="(\/console\/[^"]+)"/.exec(page.html)?.[1]);

describe('the console forms with Metrc', () => {
  it('picks packages from Metrc, and fills a pasted tag from Metrc', async () => {
    const w = await metrcHubWorld([{ n: 1 }, { n: 2, quantity: 40, itemName: 'Gummies 10-pack' }, { n: 3 }]);
    await connectShipper(w);
    const clerk = await person((method, path, body) => w.call(method, path, body), ['shipping']);
    const blank = await clerk.open('/console/transfers/new');
    expect(blank.status).toBe(200);
    expect(blank.html).toContain('Pick from Metrc');
    const found = await post(clerk, blank, { intent: 'find', find: 'Gummies' });
    expect(found.html).toContain(`name="picked" value="${w.tag(2)}"`);
    expect(found.html).not.toContain(`name="picked" value="${w.tag(1)}"`);
    const picked = await post(clerk, found, { intent: 'add', picked: w.tag(2), pasted: w.tag(3), 'new-productionBatch': 'B-9' });
    expect(picked.html).toContain('2 packages added.');
    expect(picked.html).toContain(`id="line-0-tag" name="line-0-tag" value="${w.tag(3)}"`);
    expect(picked.html).toContain(`id="line-1-tag" name="line-1-tag" value="${w.tag(2)}"`);
    expect(picked.html).toContain('id="line-1-productName" name="line-1-productName" value="Gummies 10-pack"');
    expect(picked.html).toContain('id="line-1-quantity" name="line-1-quantity" value="40"');
    expect(picked.html).toContain('id="line-0-productName" name="line-0-productName" value="Pre-roll pack 3"');
    expect(picked.html).toContain('id="line-1-productionBatch" name="line-1-productionBatch" value="B-9"');
  });

  it('tells the receiving clerk what to enter in Metrc after the receipt', async () => {
    const w = await metrcHubWorld([{ n: 1 }, { n: 2, quantity: 100 }]);
    const receiver = await receiverTenant(w);
    await connectShipper(w);
    const id = await w.draft([{ n: 1 }, { n: 2, quantity: 100 }]);
    expect((await w.manifest(id)).status).toBe(200);
    const submissions = async () => (await w.call('GET', `/v1/transfers/${id}/submissions`)).body['items'] as { status: string; awaitingPerson?: { resultKey: string } }[];
    const [awaited] = await eventually(async () => {
      const list = await submissions();
      return list[0]?.status === 'awaiting-person' ? list : undefined;
    }, 30_000, 'the manifest step waiting for a person');
    const state = (await w.control('GET', '/state')) as { templates: { Id: number; Name: string }[] };
    await w.control('POST', '/ui/register', { templateId: state.templates.find((t) => t.Name === awaited?.awaitingPerson?.resultKey)?.Id });
    await eventually(async () => (((await w.call('GET', `/v1/transfers/${id}`)).body['stateSystem'] as { status: string }).status === 'recorded' ? true : undefined), 60_000, 'the registration seen');
    const version = String((await w.call('GET', `/v1/transfers/${id}`)).body['version']);
    expect((await w.call('POST', `/v1/transfers/${id}/depart`, {}, { 'if-match': `"${version}"` })).status).toBe(200);

    const clerk = await person((method, path, body) => receiver.call(method, path, body), ['receiving']);
    const page = await clerk.open(`/console/transfers/${id}/receive`);
    expect(page.status, page.html.slice(0, 2000)).toBe(200);
    const done = await post(clerk, page, {
      version: /name="version" value="(\d+)"/.exec(page.html)?.[1] ?? '',
      'line-0-outcome': 'reject',
      'line-0-reason': 'damaged',
      'line-0-note': 'Crushed carton',
      'line-1-outcome': 'adjust',
      'line-1-quantity': '97',
      'line-1-confirm': 'yes',
      name: 'Ada Ruiz',
      title: 'Receiving lead',
      intent: 'submit',
    });
    expect(done.status, done.html.slice(0, 3000)).toBe(303);
    const after = await clerk.open(done.location ?? '');
    expect(after.html).toContain('Now record this in Metrc');
    expect(after.html).toContain(`${w.tag(1)}: reject; reason &quot;Damaged: Crushed carton&quot;`);
    expect(after.html).toContain(`${w.tag(2)}: accept; received 97`);
  });
});
