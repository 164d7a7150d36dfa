/**
 * The console's two big forms through the local hub over HTTP, as a browser without JavaScript
 * posts them: a shipping clerk adds pasted and scanned tags, gets every problem at its field (the
 * form's and the use-case's), saves the draft, edits it and issues the manifest; a receiving clerk
 * goes to a package by its tag, accepts the rest, meets the variance rule and records a receipt with
 * a rejection and a variance. Roles, the form token and another licensee's transfer are refused.
 * Pages of 25 packages stay under 100 KB.
 */
import { describe, expect, it } from 'vitest';
import type { DemoRole } from '#infra/local/seed.ts';
import { call, draftTo, step } from '../../support/lifecycle.ts';
import { demoTenant, request } from '../../support/hub-api.ts';
import { freshInventory } from '../../support/nyapi.ts';
import { csrfOf, hubLink, nextMail, uniqueEmail, Visitor } from '../../support/people.ts';
import type { PageAnswer } from '../../support/people.ts';

async function signedIn(tenant: DemoRole, roles: readonly string[], name = 'Robin Park'): Promise<Visitor> {
  const email = uniqueEmail(`forms-${roles.join('-')}`);
  const invited = await request('POST', '/v1/people/invitations', { apiKey: demoTenant(tenant).apiKey, body: { email, name, roles } });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const visitor = new Visitor();
  const setup = await visitor.open(hubLink(await nextMail(email), 'invitations'));
  expect((await visitor.submit(setup, { name })).status).toBe(303);
  return visitor;
}

const items = (answer: { body: Record<string, unknown> }) => answer.body['items'] as Record<string, unknown>[];

/** Every field the page's form would send as it stands: text inputs, checked boxes and radios, selected options, text areas. */
function fieldsOf(html: string): [string, string][] {
  const form = html.slice(html.indexOf('<form method="post" action="/console/'), html.lastIndexOf('</form>'));
  const out: [string, string][] = [];
  for (const m of form.matchAll(/<input ([^>]*)>/g)) {
    const attrs = m[1] ?? '';
    const name = /name="([^"]+)"/.exec(attrs)?.[1];
    if (!name) continue;
    const type = /type="([^"]+)"/.exec(attrs)?.[1] ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/ checked/.test(attrs)) continue;
    out.push([name, (/value="([^"]*)"/.exec(attrs)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')]);
  }
  for (const m of form.matchAll(/<select [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option value="([^"]*)" selected>/.exec(m[2] ?? '')?.[1] ?? /<option value="([^"]*)"/.exec(m[2] ?? '')?.[1] ?? '';
    out.push([m[1] ?? '', chosen]);
  }
  for (const m of form.matchAll(/<textarea [^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) out.push([m[1] ?? '', m[2] ?? '']);
  return out;
}

/** Posts the page's form as a browser would, with some fields changed (or added) and the button pressed. */
async function post(visitor: Visitor, page: PageAnswer, changes: Record<string, string | readonly string[]>, intent: string): Promise<PageAnswer> {
  const action = /<form method="post" action="(\/console\/[^"]+)"/.exec(page.html)?.[1] ?? '';
  const fields = fieldsOf(page.html).filter(([name]) => !(name in changes) && name !== 'intent');
  const form: Record<string, string[]> = {};
  for (const [name, value] of fields) (form[name] ??= []).push(value);
  for (const [name, value] of Object.entries(changes)) form[name] = typeof value === 'string' ? [value] : [...value];
  form['intent'] = [intent];
  return visitor.open(action, form);
}

async function registries(): Promise<{ partner: string; driver: string; vehicle: string }> {
  const partner = items(await call('distributor', 'GET', '/v1/partners?limit=100')).find((p) => p['licenseNumber'] === demoTenant('processor').licenseNumber);
  const driver = items(await call('distributor', 'GET', '/v1/drivers'))[0];
  const vehicle = items(await call('distributor', 'GET', '/v1/vehicles')).find((v) => v['conveyance'] === 'van');
  return { partner: String(partner?.['id']), driver: String(driver?.['id']), vehicle: String(vehicle?.['id']) };
}

const newLineDefaults = {
  'new-productName': 'Pre-roll 5-pack',
  'new-category': 'pre-roll',
  'new-productionBatch': 'B-2026-12',
  'new-quantity': '10',
  'new-unit': 'each',
  'new-unitPrice': '4.50',
  'new-labTestStatus': 'passed',
  'new-finishedGoods': 'yes',
};

const later = (hours: number) => {
  const at = new Date(Date.now() + hours * 3600_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(at).replace(' ', 'T');
};

describe('the new-transfer form', () => {
  it('sends a visitor without a session to sign-in', async () => {
    for (const path of ['/console/transfers/new', '/console/transfers/01ANY/edit', '/console/transfers/01ANY/receive']) {
      const answer = await new Visitor().open(path);
      expect(answer.status, path).toBe(303);
      expect(answer.location, path).toBe('/sign-in');
    }
  });

  it('takes pasted and scanned tags, shows every problem at its field, saves the draft, and issues the manifest', async () => {
    const clerk = await signedIn('distributor', ['shipping']);
    const { partner, driver, vehicle } = await registries();
    const tags = await freshInventory('distributor', 4);

    const blank = await clerk.open('/console/transfers/new');
    expect(blank.status).toBe(200);
    expect(blank.headers.get('content-security-policy')).toContain("script-src 'nonce-");
    expect(blank.html).toContain(`<option value="${partner}">`);
    expect(blank.html).toContain(`value="${driver}"`);
    expect(blank.html).toContain(`<option value="${vehicle}">`);
    expect(blank.html).toMatch(/<select id="transporterPartnerId" name="transporterPartnerId"><option value="">We carry it ourselves<\/option>/);

    // Pasted (one a line, one twice) and scanned (the scanner's Enter presses the form's first button: add).
    const pasted = await post(clerk, blank, { ...newLineDefaults, pasted: `${tags[0]}\n${tags[1]}\n\n${tags[2]}\n${tags[0]}` }, 'add');
    expect(pasted.status).toBe(200);
    expect(pasted.html).toContain('3 packages added.');
    const scanned = await post(clerk, pasted, { scanned: tags[3] ?? '' }, 'add');
    expect(scanned.html).toContain('1 package added.');
    expect(scanned.html).toMatch(/id="scanned"[^>]*autofocus/);
    for (const [i, tag] of tags.entries()) expect(scanned.html).toContain(`id="line-${i}-tag" name="line-${i}-tag" value="${tag}"`);
    const again = await post(clerk, scanned, { scanned: tags[1] ?? '' }, 'add');
    expect(again.html).toContain(`Already on the list: ${tags[1]}.`);

    // No receiver, a quantity that is no number, a price with a comma: all three at their fields, in one round.
    const wrong = await post(clerk, again, { 'line-1-quantity': 'ten', 'line-2-unitPrice': '4,50', type: 'wholesale' }, 'save');
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('href="#line-1-quantity"');
    expect(wrong.html).toMatch(/id="line-1-quantity" name="line-1-quantity" value="ten"[^>]* aria-invalid="true" aria-describedby="line-1-quantity-problem"/);
    expect(wrong.html).toContain('id="line-1-quantity-problem">Type a number, e.g. 10 or 3.5</p>');
    expect(wrong.html).toContain('href="#receiverPartnerId"');
    expect(wrong.html).toContain('Choose who receives the shipment');
    expect(wrong.html).toContain('href="#line-2-unitPrice"');
    expect(wrong.html).toContain('id="line-2-unitPrice-problem">Type dollars and cents, e.g. 4.50</p>');
    expect(wrong.html).toContain(`Package 2 (${tags[1]}), quantity`);
    expect(wrong.html).not.toMatch(/receiverPartnerId:|expected|undefined/);
    // Nothing was saved.
    const before = items(await call('distributor', 'GET', '/v1/transfers?direction=outgoing&status=DRAFT&limit=100'));

    const fixed = await post(
      clerk,
      wrong,
      {
        'line-1-quantity': '10',
        'line-2-unitPrice': '4.5',
        'line-3-remove': 'yes',
        receiverPartnerId: partner,
        invoiceNumbers: 'INV-9001, INV-9002',
        driverIds: [driver],
        vehicleId: vehicle,
        estimatedDeparture: later(1),
        estimatedArrival: later(3),
        plannedRoute: 'I-90 W to exit 42',
      },
      'save',
    );
    expect(fixed.status, fixed.html.slice(0, 3000)).toBe(303);
    const id = /\/console\/transfers\/([^/]+)\/edit\?saved=1$/.exec(fixed.location ?? '')?.[1] ?? '';
    expect(id).not.toBe('');
    expect(before.some((row) => row['id'] === id)).toBe(false);
    const saved = await call('distributor', 'GET', `/v1/transfers/${id}`);
    expect(saved.body['status']).toBe('DRAFT');
    const content = saved.body['content'] as { lines: { tag: string; quantity: number; unitPrice: number; productionBatch: string }[]; invoiceNumbers: string[]; estimatedDeparture: string };
    expect(content.lines.map((l) => l.tag)).toEqual(tags.slice(0, 3));
    expect(content.lines[2]).toMatchObject({ quantity: 10, unitPrice: 4.5, productionBatch: 'B-2026-12' });
    expect(content.invoiceNumbers).toEqual(['INV-9001', 'INV-9002']);
    expect(content.estimatedDeparture).toMatch(/-0[45]:00$/);

    const edit = await clerk.open(fixed.location ?? '');
    expect(edit.status).toBe(200);
    expect(edit.html).toContain('The draft is saved.');
    expect(edit.html).toContain(`<option value="${partner}" selected>`);
    expect(edit.html).toContain(`id="estimatedDeparture" name="estimatedDeparture" value="${later(1).slice(0, 13)}`);

    // The API schema's own rule across fields, at its field: a departure after the arrival.
    const backwards = await post(clerk, edit, { estimatedArrival: later(0.5), estimatedDeparture: later(2) }, 'save');
    expect(backwards.status).toBe(422);
    expect(backwards.html).toMatch(/href="#estimated(Arrival|Departure)"/);

    const manifested = await post(clerk, edit, { 'line-0-quantity': '12' }, 'manifest');
    expect(manifested.status, manifested.html.slice(0, 3000)).toBe(303);
    expect(manifested.location).toBe(`/console/transfers/${id}?done=manifest`);
    const issued = await call('distributor', 'GET', `/v1/transfers/${id}`);
    expect(issued.body['status']).toBe('MANIFESTED');
    expect((issued.body['content'] as { lines: { quantity: number }[] }).lines[0]?.quantity).toBe(12);
    const events = items(await call('distributor', 'GET', `/v1/transfers/${id}/events`));
    expect(events.find((e) => e['action'] === 'manifest')?.['actor']).toMatchObject({ apiKeyId: 'console', personId: expect.any(String) as string });
    // A manifested transfer is not a draft to edit any more.
    expect((await clerk.open(`/console/transfers/${id}/edit`)).location).toBe(`/console/transfers/${id}`);
  });

  it('saves what it can and shows what the manifest still needs', async () => {
    const clerk = await signedIn('distributor', ['shipping']);
    const { partner } = await registries();
    const [tag = ''] = await freshInventory('distributor', 1);
    const page = await post(clerk, await clerk.open('/console/transfers/new'), { ...newLineDefaults, pasted: tag, receiverPartnerId: partner }, 'add');
    const answer = await post(clerk, page, {}, 'manifest');
    expect(answer.status).toBe(422);
    // The draft is kept, and the page is now its edit page, with the manifest's missing fields at their fields.
    const action = /<form method="post" action="\/console\/transfers\/([^/"]+)\/edit"/.exec(answer.html)?.[1] ?? '';
    expect(action).not.toBe('');
    expect((await call('distributor', 'GET', `/v1/transfers/${action}`)).body['status']).toBe('DRAFT');
    expect(answer.html).toContain('href="#driverIds"');
    expect(answer.html).toContain('href="#vehicleId"');
  });

  it('refuses a viewer and a receiving clerk, a form without its token, and another licensee’s draft', async () => {
    const [tag = ''] = await freshInventory('distributor', 1);
    const id = await draftTo('processor', [tag]);
    for (const roles of [['viewer'], ['receiving']]) {
      const person = await signedIn('distributor', roles);
      const today = await person.open('/console/today');
      expect((await person.open('/console/transfers/new')).status, roles.join()).toBe(403);
      expect((await person.open(`/console/transfers/${id}/edit`)).status, roles.join()).toBe(403);
      const posted = await person.open('/console/transfers/new', { csrf: csrfOf(today), intent: 'save', lines: '0' });
      expect(posted.status).toBe(403);
    }
    const clerk = await signedIn('distributor', ['shipping']);
    expect((await clerk.open('/console/transfers/new', { intent: 'save', lines: '0' })).status).toBe(403);
    expect((await clerk.open('/console/transfers/new', { csrf: 'x'.repeat(43), intent: 'save' })).status).toBe(403);
    const stranger = await signedIn('processor', ['shipping']);
    expect((await stranger.open(`/console/transfers/${id}/edit`)).status).toBe(404);
    const own = await stranger.open('/console/today');
    expect((await stranger.open(`/console/transfers/${id}/edit`, { csrf: csrfOf(own), intent: 'save', lines: '0' })).status).toBe(404);
    expect((await stranger.open(`/console/transfers/${id}/receive`)).status).toBe(403);
  });

  it('keeps a page of 25 packages under 100 KB', async () => {
    const clerk = await signedIn('distributor', ['shipping']);
    const tags = await freshInventory('distributor', 25);
    const page = await post(clerk, await clerk.open('/console/transfers/new'), { ...newLineDefaults, pasted: tags.join('\n') }, 'add');
    expect(page.html).toContain('25 packages added.');
    expect(Buffer.byteLength(page.html)).toBeLessThan(100 * 1024);
  });
});

async function onTheRoad(count: number, quantity = 10): Promise<{ id: string; tags: string[] }> {
  const tags = await freshInventory('distributor', count);
  const id = await draftTo('processor', tags, 'distributor', quantity);
  await step('distributor', id, 'manifest');
  await step('distributor', id, 'depart');
  await step('distributor', id, 'arrive');
  return { id, tags };
}

describe('the receiving form', () => {
  it('goes to a scanned package, accepts the rest, holds to the variance rule and records a rejection and a variance; the return draft stays a return when edited', async () => {
    const { id, tags } = await onTheRoad(4, 100);
    const clerk = await signedIn('processor', ['receiving'], 'Dana Cole');
    const page = await clerk.open(`/console/transfers/${id}/receive`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('0 accepted, 0 at another quantity, 0 rejected, 4 to decide');
    expect(page.html).toContain('Within 5%: 95 to 105 each');
    expect(page.html).toContain('value="Dana Cole"');

    // A scanned tag (or its last digits) goes to its package: the page comes back focused there.
    const found = await post(clerk, page, { find: (tags[2] ?? '').slice(-6) }, 'find');
    expect(found.html).toMatch(/name="line-2-outcome" value="accept" autofocus/);
    expect(found.html).toContain(`Package 3: ${tags[2]}`);
    const missing = await post(clerk, page, { find: '9999999999999999' }, 'find');
    expect(missing.html).toContain('No package with the tag 9999999999999999 on this manifest.');

    // Package 2 short by 10% (refused), package 3 rejected without a reason, the rest not decided.
    const wrong = await post(clerk, page, { 'line-1-outcome': 'adjust', 'line-1-quantity': '90', 'line-1-confirm': 'yes', 'line-2-outcome': 'reject', title: 'Receiving lead' }, 'submit');
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('href="#line-1-quantity"');
    expect(wrong.html).toContain('more than 5% off cannot be accepted');
    expect(wrong.html).toContain('href="#line-2-reason"');
    expect(wrong.html).toContain('href="#line-0-outcome"');
    expect(wrong.html).toMatch(/<select id="line-2-reason" name="line-2-reason" aria-invalid="true"/);
    expect((await call('processor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('ARRIVED');

    // Within 5% but not confirmed, then confirmed; the rest accepted at once.
    const unconfirmed = await post(clerk, wrong, { 'line-1-quantity': '96', 'line-1-confirm': [], 'line-2-reason': 'damaged' }, 'submit');
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.html).toContain('href="#line-1-confirm"');
    const rest = await post(clerk, unconfirmed, { 'line-1-confirm': 'yes' }, 'accept-rest');
    expect(rest.html).toContain('2 packages accepted as shipped.');
    expect(rest.html).toContain('2 accepted, 1 at another quantity, 1 rejected, 0 to decide');
    const done = await post(clerk, rest, {}, 'submit');
    expect(done.status, done.html.slice(0, 3000)).toBe(303);
    expect(done.location).toBe(`/console/transfers/${id}/receive`);

    const receipt = (await call('processor', 'GET', `/v1/transfers/${id}`)).body as { status: string; receipt: { lines: Record<string, unknown>[]; receivedBy: { name: string; title: string } } };
    expect(receipt.status).toBe('PARTIALLY_ACCEPTED');
    expect(receipt.receipt.receivedBy).toEqual({ name: 'Dana Cole', title: 'Receiving lead' });
    expect(receipt.receipt.lines.map((l) => l['outcome'])).toEqual(['accepted', 'accepted', 'rejected', 'accepted']);
    expect(receipt.receipt.lines[1]).toMatchObject({ acceptedQuantity: 96 });
    expect(receipt.receipt.lines[2]).toMatchObject({ reason: 'damaged' });

    const after = await clerk.open(done.location ?? '');
    expect(after.status).toBe(200);
    expect(after.html).toContain('is received');
    expect(after.html).toContain('2 accepted, 1 at another quantity, 1 rejected');
    // The processor's state system takes the receipt from the hub: nothing to enter by hand.
    expect(after.html).toContain('The hub reports the receipt to the state system itself.');
    expect(after.html).not.toContain('Now record this in');

    // The rejected package goes back on a return draft, which the receiver's shipping clerk edits as a return.
    const shipper = items(await call('processor', 'GET', '/v1/partners?limit=100')).find((p) => p['licenseNumber'] === demoTenant('distributor').licenseNumber);
    const drafted = await call('processor', 'POST', `/v1/transfers/${id}/return`, { receiverPartnerId: shipper?.['id'] });
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
    const returnId = String(drafted.body['id']);
    const returns = await signedIn('processor', ['shipping']);
    const edit = await returns.open(`/console/transfers/${returnId}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.html).toContain('Return to the shipper');
    expect(edit.html).toContain(`value="${tags[2]}"`);
    const savedReturn = await post(returns, edit, { plannedRoute: 'NY-5 E back to Albany' }, 'save');
    expect(savedReturn.status, savedReturn.html.slice(0, 3000)).toBe(303);
    const returned = (await call('processor', 'GET', `/v1/transfers/${returnId}`)).body;
    expect(returned['content']).toMatchObject({ type: 'return', plannedRoute: 'NY-5 E back to Albany' });
  });

  it('refuses a shipping clerk and a viewer, and a form without its token', async () => {
    const { id } = await onTheRoad(1);
    for (const roles of [['shipping'], ['viewer']]) {
      const person = await signedIn('processor', roles);
      expect((await person.open(`/console/transfers/${id}/receive`)).status, roles.join()).toBe(403);
    }
    const clerk = await signedIn('processor', ['receiving']);
    expect((await clerk.open(`/console/transfers/${id}/receive`, { 'line-0-outcome': 'accept', name: 'A', title: 'B' })).status).toBe(403);
    // The shipper's own receiving clerk does not receive its outgoing transfer: not found.
    const shipperClerk = await signedIn('distributor', ['receiving']);
    expect((await shipperClerk.open(`/console/transfers/${id}/receive`)).status).toBe(404);
  });

  it('receives 1000 packages in one post: the rest accepted, one rejected', { timeout: 180_000 }, async () => {
    const { id, tags } = await onTheRoad(1000);
    const clerk = await signedIn('processor', ['receiving']);
    const page = await clerk.open(`/console/transfers/${id}/receive`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('1000 to decide');
    console.log(`console receiving page (1000 packages): ${Buffer.byteLength(page.html)} bytes`);
    const rest = await post(clerk, page, { 'line-999-outcome': 'reject', 'line-999-reason': 'not-ordered', title: 'Receiving lead' }, 'accept-rest');
    expect(rest.html).toContain('999 accepted, 0 at another quantity, 1 rejected, 0 to decide');
    const done = await post(clerk, rest, {}, 'submit');
    expect(done.status, done.html.slice(0, 2000)).toBe(303);
    const receipt = (await call('processor', 'GET', `/v1/transfers/${id}`)).body['receipt'] as { lines: { tag: string; outcome: string }[] };
    expect(receipt.lines).toHaveLength(1000);
    expect(receipt.lines[999]).toMatchObject({ tag: tags[999], outcome: 'rejected' });
  });

  it('keeps the receiving page of 25 packages under 100 KB', async () => {
    const { id } = await onTheRoad(25);
    const clerk = await signedIn('processor', ['receiving']);
    const page = await clerk.open(`/console/transfers/${id}/receive`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('25 to decide');
    expect(Buffer.byteLength(page.html)).toBeLessThan(100 * 1024);
  });
});
