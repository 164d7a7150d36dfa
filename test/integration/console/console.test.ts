/**
 * The console through the local hub over HTTP, as a browser without JavaScript uses it: people of
 * the demo tenants signed in by their invitation e-mail, Today, the lists with their filters and
 * search, a transfer's page and its actions as POST forms, the driver's trips. Security: a form
 * without the session's token is refused, another licensee's transfer is a 404, a viewer sees no
 * action and cannot act.
 */
import { describe, expect, it } from 'vitest';
import type { DemoRole } from '#infra/local/seed.ts';
import { call, draftTo } from '../../support/lifecycle.ts';
import { demoTenant, request } from '../../support/hub-api.ts';
import { freshInventory } from '../../support/nyapi.ts';
import { csrfOf, hubLink, nextMail, uniqueEmail, Visitor } from '../../support/people.ts';
import type { PageAnswer } from '../../support/people.ts';

/** A person of the tenant with these roles, signed in (through their invitation) in a visitor of their own. */
async function signedIn(tenant: DemoRole, roles: readonly string[], name = 'Sam Rivera'): Promise<Visitor> {
  const email = uniqueEmail(`console-${roles.join('-')}`);
  const invited = await request('POST', '/v1/people/invitations', { apiKey: demoTenant(tenant).apiKey, body: { email, name, roles } });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const visitor = new Visitor();
  const setup = await visitor.open(hubLink(await nextMail(email), 'invitations'));
  const done = await visitor.submit(setup, { name });
  expect(done.status).toBe(303);
  return visitor;
}

/** Posts one of the page's action forms, by its action's name, with what the form carries. */
async function press(visitor: Visitor, page: PageAnswer, id: string, action: string, fields: Record<string, string> = {}): Promise<PageAnswer> {
  const target = `/console/transfers/${id}/${action}`;
  expect(page.html, `the page offers ${action}`).toContain(`action="${target}"`);
  const start = page.html.indexOf(`action="${target}"`);
  const form = page.html.slice(start, page.html.indexOf('</form>', start));
  // Every hidden field of that form (its token, the version shown, where to go back to), as a browser sends them.
  const hidden = Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  return visitor.open(target, { ...hidden, ...fields });
}

const statusOf = async (id: string) => (await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status'];

async function manifestedTransfer(lines = 2): Promise<{ id: string; tags: string[]; number: string }> {
  const tags = await freshInventory('distributor', lines);
  const id = await draftTo('processor', tags);
  const manifested = await call('distributor', 'POST', `/v1/transfers/${id}/manifest`);
  expect(manifested.status, JSON.stringify(manifested.body)).toBe(200);
  return { id, tags, number: (manifested.body['manifest'] as { number: string }).number };
}

describe('the console', () => {
  it('sends a visitor without a session to sign-in', async () => {
    for (const path of ['/console/today', '/console/transfers', '/console/trips', '/console/transfers/01ANY']) {
      const answer = await new Visitor().open(path);
      expect(answer.status, path).toBe(303);
      expect(answer.location, path).toBe('/sign-in');
    }
    const posted = await new Visitor().open('/console/transfers/01ANY/depart', { csrf: 'x' });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe('/sign-in');
  });

  it('shows a shipping clerk their draft on Today, manifests it from its page, and finds it by number, tag and receiver', async () => {
    const clerk = await signedIn('distributor', ['shipping'], 'Kim <b>Nguyen</b>');
    const tags = await freshInventory('distributor', 2);
    const id = await draftTo('processor', tags);

    const today = await clerk.open('/console/today');
    expect(today.status).toBe(200);
    expect(today.headers.get('content-security-policy')).toContain("script-src 'nonce-");
    expect(today.headers.get('cache-control')).toBe('no-store');
    // The person's name is escaped wherever it shows.
    expect(today.html).toContain('Kim &lt;b&gt;Nguyen&lt;/b&gt;');
    expect(today.html).not.toContain('<b>Nguyen</b>');
    expect(today.html).toContain('Drafts to finish');
    expect(today.html).toContain(`href="/console/transfers/${id}"`);
    expect(today.html).not.toMatch(/MANIFESTED|awaiting-person|DRAFT/);

    const draft = await clerk.open(`/console/transfers/${id}`);
    expect(draft.status).toBe(200);
    expect(draft.html).toContain('Draft');
    for (const tag of tags) expect(draft.html).toContain(tag);
    const manifested = await press(clerk, draft, id, 'manifest');
    expect(manifested.status).toBe(303);
    expect(manifested.location).toBe(`/console/transfers/${id}?done=manifest`);
    expect(await statusOf(id)).toBe('MANIFESTED');

    const page = await clerk.open(manifested.location ?? '');
    expect(page.html).toContain('The manifest is issued.');
    expect(page.html).toContain('Ready to leave');
    expect(page.html).toContain('Open the manifest (PDF)');
    // The events name the person who acted.
    expect(page.html).toContain('Kim &lt;b&gt;Nguyen&lt;/b&gt;');
    const events = await call('distributor', 'GET', `/v1/transfers/${id}/events`);
    expect((events.body['items'] as { action: string; actor: { apiKeyId: string; personId?: string } }[]).find((e) => e.action === 'manifest')?.actor).toMatchObject({
      apiKeyId: 'console',
      personId: expect.any(String) as string,
    });
    const pdf = await clerk.open(`/console/transfers/${id}/manifest.pdf`);
    expect(pdf.status).toBe(302);
    const downloaded = await fetch(pdf.location ?? '');
    expect(downloaded.status).toBe(200);
    expect(Buffer.from(await downloaded.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    const number = /Manifest ([\w-]+)/.exec(page.html)?.[1] ?? '';
    const byNumber = await clerk.open(`/console/transfers?direction=outgoing&q=${encodeURIComponent(number)}`);
    expect(byNumber.html).toContain(`href="/console/transfers/${id}"`);
    const byTag = await clerk.open(`/console/transfers?direction=outgoing&q=${tags[1] ?? ''}`);
    expect(byTag.html).toContain(`href="/console/transfers/${id}"`);
    // Typed as people type: in small letters.
    const lowerNumber = await clerk.open(`/console/transfers?direction=outgoing&q=${encodeURIComponent(number.toLowerCase())}`);
    expect(lowerNumber.html).toContain(`href="/console/transfers/${id}"`);
    const byReceiver = await clerk.open(`/console/transfers?direction=outgoing&q=${encodeURIComponent('seneca ridge')}&status=MANIFESTED`);
    expect(byReceiver.html).toContain(`href="/console/transfers/${id}"`);
    const drafts = await clerk.open(`/console/transfers?direction=outgoing&status=DRAFT&q=${encodeURIComponent(number)}`);
    expect(drafts.html).not.toContain(`href="/console/transfers/${id}"`);
    // The receiver's side: a tag of the distributor's transfer is not the processor's outgoing.
    const wrongSide = await clerk.open(`/console/transfers?direction=incoming&q=${tags[0] ?? ''}`);
    expect(wrongSide.html).not.toContain(`href="/console/transfers/${id}"`);
  });

  it('gives the shipper the receipt link of a receiver without a system to copy, and a new one on request', async () => {
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('retail dispensary', tags);
    const clerk = await signedIn('distributor', ['shipping']);
    const manifested = await press(clerk, await clerk.open(`/console/transfers/${id}`), id, 'manifest');
    expect(manifested.status).toBe(303);
    const page = await clerk.open(`/console/transfers/${id}`);
    const link = /id="receipt-link" readonly value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    expect(link).toMatch(/\/r\/[\w-]+$/);
    // The link opens this transfer's receipt page (which waits for the departure).
    const opened = await fetch(link);
    expect(opened.status).toBe(409);
    expect(await opened.text()).toContain('The shipment has not left yet');
    const renewed = await press(clerk, page, id, 'receipt-link');
    expect(renewed.status).toBe(303);
    const after = await clerk.open(renewed.location ?? '');
    expect(after.html).toContain('A new receipt link is ready');
    const next = /id="receipt-link" readonly value="([^"]+)"/.exec(after.html)?.[1] ?? '';
    expect(next).toMatch(/\/r\/[\w-]+$/);
    expect(next).not.toBe(link);
    expect((await fetch(link)).status).toBe(410);
    // A viewer of the same company sees no link: it opens the receipt.
    const viewer = await signedIn('distributor', ['viewer']);
    expect((await viewer.open(`/console/transfers/${id}`)).html).not.toContain('id="receipt-link"');
  });

  it('pages through a list with the API cursor', async () => {
    // More than a page of the distributor's transfers, whatever ran before.
    const [tag = ''] = await freshInventory('distributor', 1);
    for (let i = 0; i < 26; i += 1) await draftTo('processor', [tag]);
    const clerk = await signedIn('distributor', ['viewer']);
    const first = await clerk.open('/console/transfers?direction=outgoing');
    expect(first.status).toBe(200);
    const more = /href="(\/console\/transfers\?[^"]*cursor=[^"]+)"/.exec(first.html)?.[1];
    expect(more, 'a second page').toBeDefined();
    const second = await clerk.open((more ?? '').replace(/&amp;/g, '&'));
    expect(second.status).toBe(200);
    const ids = (html: string) => [...html.matchAll(/<td><a href="\/console\/transfers\/([^"]+)">/g)].map((m) => m[1]);
    expect(ids(second.html).length).toBeGreaterThan(0);
    expect(ids(second.html).filter((one) => ids(first.html).includes(one))).toEqual([]);
    // A cursor that is not the hub's starts the list again.
    const forged = await clerk.open('/console/transfers?direction=outgoing&cursor=not-a-cursor');
    expect(forged.status).toBe(200);
    expect(ids(forged.html)).toEqual(ids(first.html));
  });

  it('shows the receiver its incoming transfer on Today and in its list', async () => {
    const { id } = await manifestedTransfer();
    const receiving = await signedIn('processor', ['receiving']);
    const today = await receiving.open('/console/today');
    expect(today.html).toContain('To receive');
    expect(today.html).toContain(`href="/console/transfers/${id}"`);
    const incoming = await receiving.open('/console/transfers?direction=incoming');
    expect(incoming.html).toContain(`href="/console/transfers/${id}"`);
    const page = await receiving.open(`/console/transfers/${id}`);
    expect(page.status).toBe(200);
    // Receiving staff cannot depart or cancel the shipper's transfer.
    expect(page.html).not.toContain(`action="/console/transfers/${id}/`);
  });

  it('refuses a form without the session’s token, and an unknown action', async () => {
    const { id } = await manifestedTransfer();
    const clerk = await signedIn('distributor', ['shipping']);
    const page = await clerk.open(`/console/transfers/${id}`);
    for (const csrf of [undefined, 'x'.repeat(43), csrfOf(await new Visitor().open('/sign-in'))]) {
      const answer = await clerk.open(`/console/transfers/${id}/depart`, csrf === undefined ? { version: '2' } : { csrf, version: '2' });
      expect(answer.status).toBe(403);
    }
    expect(await statusOf(id)).toBe('MANIFESTED');
    expect((await clerk.open(`/console/transfers/${id}/teleport`, { csrf: csrfOf(page) })).status).toBe(404);
  });

  it('answers another licensee’s transfer as not found, for reading and for acting', async () => {
    const { id } = await manifestedTransfer();
    const stranger = await signedIn('retail dispensary', ['admin']);
    const seen = await stranger.open(`/console/transfers/${id}`);
    expect(seen.status).toBe(404);
    expect(seen.html).toContain('No such transfer');
    const own = await stranger.open('/console/today');
    const acted = await stranger.open(`/console/transfers/${id}/void`, { csrf: csrfOf(own), reason: 'not mine' });
    expect(acted.status).toBe(404);
    expect((await stranger.open(`/console/transfers/${id}/manifest.pdf`)).status).toBe(404);
    expect(await statusOf(id)).toBe('MANIFESTED');
  });

  it('shows a viewer no action and refuses its POST', async () => {
    const { id } = await manifestedTransfer();
    const viewer = await signedIn('distributor', ['viewer']);
    const page = await viewer.open(`/console/transfers/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain(`action="/console/transfers/${id}/`);
    for (const action of ['depart', 'void', 'receipt-link']) {
      const answer = await viewer.open(`/console/transfers/${id}/${action}`, { csrf: csrfOf(page), version: '2', reason: 'no' });
      expect(answer.status, action).toBe(403);
      expect(answer.html).toContain('Not allowed');
    }
    expect(await statusOf(id)).toBe('MANIFESTED');
  });

  it('cancels with a reason, and says so when the reason is missing', async () => {
    const { id } = await manifestedTransfer();
    const clerk = await signedIn('distributor', ['shipping']);
    const page = await clerk.open(`/console/transfers/${id}`);
    const missing = await press(clerk, page, id, 'void', { reason: '' });
    expect(missing.status).toBe(422);
    expect(missing.html).toContain('Say why the transfer is cancelled.');
    const voided = await press(clerk, await clerk.open(`/console/transfers/${id}`), id, 'void', { reason: 'Order changed' });
    expect(voided.status).toBe(303);
    expect(await statusOf(id)).toBe('VOIDED');
    // The page showed an older version: a second cancel is refused as out of date, nothing changes.
    const stale = await press(clerk, page, id, 'void', { reason: 'Again' });
    expect(stale.status).toBe(409);
  });

  it("gives a driver today's trips with the manifest, and departs and arrives from them", async () => {
    const { id } = await manifestedTransfer();
    const driver = await signedIn('distributor', ['driver']);
    const trips = await driver.open('/console/trips');
    expect(trips.status).toBe(200);
    expect(trips.html).toContain(`href="/console/transfers/${id}/manifest.pdf"`);
    const departed = await press(driver, trips, id, 'depart');
    expect(departed.status).toBe(303);
    expect(departed.location).toBe('/console/trips');
    expect(await statusOf(id)).toBe('IN_TRANSIT');
    const arrived = await press(driver, await driver.open('/console/trips'), id, 'arrive');
    expect(arrived.status).toBe(303);
    expect(await statusOf(id)).toBe('ARRIVED');
    // The same button pressed again (an old page, a second tap) changes nothing and says why.
    const again = await press(driver, trips, id, 'depart');
    expect(again.status).toBe(409);
    expect(again.html).toContain('This cannot be done in the state the transfer is in now.');
    expect(await statusOf(id)).toBe('ARRIVED');
    // A driver cannot cancel or issue manifests.
    const page = await driver.open(`/console/transfers/${id}`);
    expect(page.html).not.toContain(`action="/console/transfers/${id}/void"`);
  });

  it('keeps the page of a 25-package transfer under 100 KB', async () => {
    const { id } = await manifestedTransfer(25);
    const clerk = await signedIn('distributor', ['shipping']);
    const page = await clerk.open(`/console/transfers/${id}`);
    expect(page.status).toBe(200);
    const bytes = Buffer.byteLength(page.html, 'utf8');
    console.log(`console transfer page, 25 packages: ${bytes} bytes of HTML (CSS inline, no script)`);
    expect(bytes).toBeLessThan(100 * 1024);
    expect(page.html.match(/<td class="tag">/g)).toHaveLength(25);
  });
});
