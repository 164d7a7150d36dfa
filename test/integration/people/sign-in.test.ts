/**
 * People and sign-in through the local hub over HTTP: an invitation by API key arrives in the
 * local mailbox (real SMTP), its link sets up the account and signs in; a sign-in link by e-mail
 * opens a second session; signing out everywhere ends both. Used, expired and unknown links are
 * refused in plain words; forms without their token are refused; sign-in e-mails are limited.
 */
import { describe, expect, it } from 'vitest';
import { readConfig } from '#shared/config.ts';
import { issueSignInLink } from '#shared/people/use-cases.ts';
import { peopleDeps } from '#shared/wiring/people.ts';
import { demoTenant, request } from '../../support/hub-api.ts';
import { hubLink, mailTo, nextMail, uniqueEmail, Visitor } from '../../support/people.ts';

const distributor = demoTenant('distributor');
const processor = demoTenant('processor');

async function invite(email: string, roles: readonly string[] = ['shipping'], name = 'Dana Ortiz') {
  const invited = await request('POST', '/v1/people/invitations', { apiKey: distributor.apiKey, body: { email, name, roles } });
  expect(invited.status).toBe(201);
  return invited;
}

/** A person invited and set up through the invitation e-mail, signed in in `visitor`. */
async function setUp(visitor: Visitor, email: string, roles: readonly string[] = ['shipping']) {
  await invite(email, roles);
  const setup = await visitor.open(hubLink(await nextMail(email), 'invitations'));
  expect(setup.status).toBe(200);
  const done = await visitor.submit(setup, { name: 'Dana Ortiz' });
  expect(done.status).toBe(303);
  return done;
}

async function signInByEmail(visitor: Visitor, email: string, mailsBefore: number) {
  const form = await visitor.open('/sign-in');
  const asked = await visitor.submit(form, { email: email.toUpperCase() });
  expect(asked.status).toBe(200);
  expect(asked.html).toContain('Check your e-mail');
  const confirm = await visitor.open(hubLink(await nextMail(email, mailsBefore + 1), 'sign-in'));
  expect(confirm.status).toBe(200);
  return visitor.submit(confirm);
}

describe('people and sign-in', () => {
  it('invitation → e-mail → account set up → sign-in link → two sessions → signing out everywhere ends both', async () => {
    const email = uniqueEmail('dana');
    const invited = await invite(email, ['shipping', 'admin']);
    expect(invited.body).toMatchObject({ email, name: 'Dana Ortiz', roles: ['admin', 'shipping'], status: 'invited', invitedBy: { apiKeyId: expect.any(String) as string } });
    expect(invited.body['invitedBy']).not.toHaveProperty('personId');

    const mail = await nextMail(email);
    expect(mail.subject).toContain('invited');
    expect(mail.text).toContain('Dana Ortiz');
    const phone = new Visitor();
    const setup = await phone.open(hubLink(mail, 'invitations'));
    expect(setup.html).toContain('Set up your account');
    // A form token cookie before sign-in, HttpOnly and SameSite=Lax, without Secure on loopback HTTP only.
    expect(setup.setCookies.find((c) => c.startsWith('hub-form='))).toMatch(/HttpOnly; SameSite=Lax/);
    const done = await phone.submit(setup, { name: 'Dana M. Ortiz' });
    expect(done.location).toBe('/console');
    const sessionCookie = done.setCookies.find((c) => c.startsWith('hub-session=')) ?? '';
    expect(sessionCookie).toMatch(/^hub-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);

    const home = await phone.open('/console');
    expect(home.status).toBe(200);
    expect(home.html).toContain('Hello, Dana M. Ortiz');
    expect(home.html).toContain(email);
    expect(home.html).toContain(distributor.name);

    const listed = await request('GET', '/v1/people', { apiKey: distributor.apiKey });
    expect((listed.body['items'] as { email: string; status: string; name: string }[]).find((p) => p.email === email)).toMatchObject({ status: 'active', name: 'Dana M. Ortiz' });
    const elsewhere = await request('GET', '/v1/people', { apiKey: processor.apiKey });
    expect((elsewhere.body['items'] as { email: string }[]).map((p) => p.email)).not.toContain(email);

    const desk = new Visitor();
    const second = await signInByEmail(desk, email, 1);
    expect(second.location).toBe('/console');
    expect((await desk.open('/console')).status).toBe(200);
    expect((await phone.open('/console')).status).toBe(200);

    const everywhere = await desk.submit(await desk.open('/console'), {}, '/sign-out/everywhere');
    expect(everywhere.location).toBe('/sign-in');
    for (const visitor of [desk, phone]) {
      const after = await visitor.open('/console');
      expect(after.status).toBe(303);
      expect(after.location).toBe('/sign-in');
    }
  });

  it('refuses a used link, an expired link and an unknown one with a plain-words page', async () => {
    const email = uniqueEmail('used');
    const visitor = new Visitor();
    await setUp(visitor, email);
    const invitation = hubLink(await nextMail(email), 'invitations');
    const again = await new Visitor().open(invitation);
    expect(again.status).toBe(410);
    expect(again.html).toContain('This link was already used');

    const signIn = await signInByEmail(new Visitor(), email, 1);
    expect(signIn.status).toBe(303);
    const link = hubLink(await nextMail(email, 2), 'sign-in');
    const replayed = new Visitor();
    const page = await replayed.open(link);
    expect(page.status).toBe(410);
    expect(page.html).toContain('This link was already used');
    expect(page.html).toContain('Get a new sign-in link');

    // A link past its 15 minutes: issued here already expired (the same rules as an e-mailed one).
    const deps = peopleDeps(readConfig());
    const person = await deps.people.findByEmail(email);
    if (!person) throw new Error('The person was not stored');
    const expired = await new Visitor().open(await issueSignInLink(deps, person, 1));
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('This link has expired');

    const unknown = await new Visitor().open(`/sign-in/${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('This link does not work');
    expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('refuses a form without its token: no e-mail sent, no link used, no sign-out', async () => {
    const email = uniqueEmail('csrf');
    const visitor = new Visitor();
    await setUp(visitor, email);

    const stranger = new Visitor();
    const withoutToken = await stranger.open('/sign-in', { email });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.html).toContain('Please try again');
    expect(await mailTo(email)).toHaveLength(1);

    const form = await stranger.open('/sign-in');
    const wrongToken = await stranger.open('/sign-in', { email, csrf: 'A'.repeat(43) });
    expect(wrongToken.status).toBe(403);
    expect(form.status).toBe(200);

    // The session's own forms: another site's post of the sign-out form carries no token.
    const signOut = await visitor.open('/sign-out/everywhere', {});
    expect(signOut.status).toBe(403);
    expect((await visitor.open('/console')).status).toBe(200);

    // The form as the page gives it still works: only the e-mail of this one request went out.
    expect((await signInByEmail(new Visitor(), email, 1)).location).toBe('/console');
    expect(await mailTo(email)).toHaveLength(2);
  });

  it('limits sign-in e-mails to an address: the sixth request in 15 minutes waits', async () => {
    const email = uniqueEmail('limit');
    await setUp(new Visitor(), email);
    const visitor = new Visitor();
    const form = await visitor.open('/sign-in');
    for (let i = 1; i <= 5; i += 1) expect((await visitor.submit(form, { email })).status).toBe(200);
    const sixth = await visitor.submit(form, { email });
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sixth.html).toContain('Please wait');
    // One invitation and five sign-in links: nothing for the sixth.
    await nextMail(email, 6);
    expect(await mailTo(email)).toHaveLength(6);
  });

  it('validates invitations: 422 with the field, 409 for an address that has an account', async () => {
    const bad = await request('POST', '/v1/people/invitations', { apiKey: distributor.apiKey, body: { email: 'not-an-address', name: '', roles: ['captain'] } });
    expect(bad.status).toBe(422);
    expect(bad.contentType).toBe('application/problem+json');
    expect((bad.body['errors'] as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/email', '/name', '/roles/0']);
    const email = uniqueEmail('twice');
    await invite(email);
    const twice = await request('POST', '/v1/people/invitations', { apiKey: processor.apiKey, body: { email: email.toUpperCase(), name: 'Other', roles: ['viewer'] } });
    expect(twice.status).toBe(409);
    expect(twice.body['code']).toBe('email-taken');
  });
});
