/**
 * Passkeys, revoking a person and sending an invitation again, through the local hub over HTTP
 * against DynamoDB Local, with a WebAuthn authenticator in software (real ES256 signatures and
 * CBOR, so @simplewebauthn/server checks them as it checks a browser's): a signed-in person adds a
 * passkey, signs in with it on another device, sees and removes it; a challenge works once, only for
 * its session or page, and only from the hub's origin; a revoked person's sessions end at once and
 * their passkey and links are refused; a resent invitation's old link is refused.
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readConfig } from '#shared/config.ts';
import { issueSignInLink } from '#shared/people/use-cases.ts';
import { relyingParty } from '#shared/people/passkeys.ts';
import { peopleDeps } from '#shared/wiring/people.ts';
import { demoTenant, request } from '../../support/hub-api.ts';
import { csrfOf, hubLink, mailTo, nextMail, uniqueEmail, Visitor } from '../../support/people.ts';
import type { PageAnswer } from '../../support/people.ts';
import { SoftwareAuthenticator } from '../../support/people/software-authenticator.ts';

const distributor = demoTenant('distributor');
const processor = demoTenant('processor');
/** Where passkeys work: the hub's public origin, at localhost (a browser takes no IP address as RP ID). */
const rp = relyingParty(inject('hub').urls.api);
const origin = rp.origins[0] ?? '';

interface JsonAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly contentType: string | null;
}

/** A JSON call of the pages' script: the visitor's cookies and the page's token in `x-hub-csrf`. */
async function call(visitor: Visitor, path: string, body: unknown, token: string | undefined): Promise<JsonAnswer> {
  const response = await fetch(`${visitor.base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { 'x-hub-csrf': token }),
      ...(visitor.cookies.size ? { cookie: [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
    },
    body: JSON.stringify(body),
  });
  for (const cookie of response.headers.getSetCookie()) {
    const [pair = ''] = cookie.split(';');
    const at = pair.indexOf('=');
    visitor.cookies.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function invite(email: string, roles: readonly string[], name = 'Pat Kim', apiKey = distributor.apiKey) {
  const invited = await request('POST', '/v1/people/invitations', { apiKey, body: { email, name, roles } });
  expect(invited.status).toBe(201);
  return invited.body['id'] as string;
}

/** Invited by API key and set up from the e-mail: signed in in `visitor`. */
async function setUp(visitor: Visitor, email: string, roles: readonly string[] = ['shipping'], name = 'Pat Kim') {
  const id = await invite(email, roles, name);
  const done = await visitor.submit(await visitor.open(hubLink(await nextMail(email), 'invitations')), { name });
  expect(done.location).toBe('/console');
  return id;
}

/** Adds a passkey from the account page, as its script does. */
async function addPasskey(visitor: Visitor, authenticator: SoftwareAuthenticator, name = 'Test key') {
  const csrf = csrfOf(await visitor.open('/console'));
  const options = await call(visitor, '/console/passkeys/options', {}, csrf);
  expect(options.status).toBe(200);
  const response = authenticator.create(options.body as unknown as PublicKeyCredentialCreationOptionsJSON, origin);
  const added = await call(visitor, '/console/passkeys', { response, name }, csrf);
  return { csrf, options: options.body as unknown as PublicKeyCredentialCreationOptionsJSON, response, added };
}

/** The sign-in page's passkey button, on a fresh device: the page's form token, options, the assertion. */
async function passkeySignIn(visitor: Visitor, authenticator: SoftwareAuthenticator, signingOrigin = origin) {
  const page = await visitor.open('/sign-in');
  const token = /data-csrf="([^"]+)"/.exec(page.html)?.[1];
  const options = await call(visitor, '/sign-in/passkey/options', {}, token);
  expect(options.status).toBe(200);
  const response = authenticator.get(options.body as unknown as PublicKeyCredentialRequestOptionsJSON, signingOrigin);
  const verified = await call(visitor, '/sign-in/passkey/verify', { response }, token);
  return { token, response, verified };
}

const signedIn = async (visitor: Visitor) => (await visitor.open('/console')).status === 200;

describe('passkeys', () => {
  it('a signed-in person adds a passkey, signs in with it elsewhere, sees it used and removes it', async () => {
    const email = uniqueEmail('passkey');
    const laptop = new Visitor();
    await setUp(laptop, email);
    const authenticator = new SoftwareAuthenticator();

    const { options, added } = await addPasskey(laptop, authenticator, 'Work laptop');
    expect(added.status).toBe(201);
    expect(options.rp.id).toBe('localhost');
    expect(options.user.name).toBe(email);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    const account = await laptop.open('/console');
    expect(account.html).toContain('Work laptop');
    expect(account.html).toContain('not used yet');
    // The page loads the passkey script with its nonce, from the hub.
    const script = /<script nonce="([^"]+)" src="([^"]+)"/.exec(account.html);
    expect(account.headers.get('content-security-policy')).toContain(`'nonce-${script?.[1] ?? ''}'`);
    const served = await fetch(`${laptop.base}${script?.[2] ?? ''}`);
    expect(served.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await served.text()).toContain('SimpleWebAuthnBrowser');

    // A second add offers the first passkey as one to exclude.
    const second = await call(laptop, '/console/passkeys/options', {}, csrfOf(account));
    expect((second.body['excludeCredentials'] as { id: string }[]).map((c) => c.id)).toEqual([authenticator.credentials[0]?.id.toString('base64url')]);

    const phone = new Visitor();
    const { verified } = await passkeySignIn(phone, authenticator);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ next: '/console' });
    expect(phone.cookies.get('hub-session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const home = await phone.open('/console');
    expect(home.html).toContain('Hello, Pat Kim');
    expect(home.html).toContain('last used');

    // Signing in with a passkey where a session is open: a new session token, the old one ended (no fixation).
    const oldToken = laptop.cookies.get('hub-session') ?? '';
    expect((await passkeySignIn(laptop, authenticator)).verified.status).toBe(200);
    expect(laptop.cookies.get('hub-session')).not.toBe(oldToken);
    expect(await signedIn(laptop)).toBe(true);
    const planted = new Visitor();
    planted.cookies.set('hub-session', oldToken);
    expect(await signedIn(planted)).toBe(false);

    // Removing it: a form (no script needed); it no longer signs in.
    const form = /<form method="post" action="(\/console\/passkeys\/[^"]+\/remove)">/.exec(home.html)?.[1] ?? '';
    const removed = await phone.submit(home, {}, form);
    expect(removed.status).toBe(200);
    expect(removed.html).toContain('The passkey was removed');
    expect(removed.html).not.toContain('Work laptop');
    const again = await passkeySignIn(new Visitor(), authenticator);
    expect(again.verified.status).toBe(400);
    expect(again.verified.body['code']).toBe('passkey-unknown-passkey');
    expect(again.verified.contentType).toBe('application/problem+json');
  });

  it('a challenge works once, only for its own session or page and origin; the forms need their token', async () => {
    const email = uniqueEmail('replay');
    const desk = new Visitor();
    await setUp(desk, email);
    const authenticator = new SoftwareAuthenticator();
    const { csrf, response } = await addPasskey(desk, authenticator);

    // The same registration again: its challenge is spent.
    const replayed = await call(desk, '/console/passkeys', { response }, csrf);
    expect(replayed.status).toBe(400);
    expect(replayed.body['code']).toBe('passkey-challenge');
    // Without the session's token, or without a session: refused before anything is issued.
    expect((await call(desk, '/console/passkeys/options', {}, undefined)).status).toBe(403);
    expect((await call(new Visitor(), '/console/passkeys/options', {}, csrf)).body['code']).toBe('not-signed-in');
    // Another session's challenge does not add a passkey to this one.
    const other = new Visitor();
    await setUp(other, uniqueEmail('other'));
    const otherCsrf = csrfOf(await other.open('/console'));
    const foreign = await call(desk, '/console/passkeys/options', {}, csrf);
    const stolen = await call(other, '/console/passkeys', { response: new SoftwareAuthenticator().create(foreign.body as unknown as PublicKeyCredentialCreationOptionsJSON, origin) }, otherCsrf);
    expect(stolen.body['code']).toBe('passkey-challenge');

    const device = new Visitor();
    const first = await passkeySignIn(device, authenticator);
    expect(first.verified.status).toBe(200);
    // The same assertion posted again: the challenge is gone, nothing opens.
    const thief = new Visitor();
    const thiefPage = await thief.open('/sign-in');
    const thiefToken = /data-csrf="([^"]+)"/.exec(thiefPage.html)?.[1];
    const replay = await call(thief, '/sign-in/passkey/verify', { response: first.response }, thiefToken);
    expect(replay.status).toBe(400);
    expect(replay.body['code']).toBe('passkey-challenge');
    expect(await signedIn(thief)).toBe(false);
    // A challenge of another page (another form token) cannot be used from this one.
    const elsewhere = new Visitor();
    const elsewherePage = await elsewhere.open('/sign-in');
    const elsewhereOptions = await call(elsewhere, '/sign-in/passkey/options', {}, /data-csrf="([^"]+)"/.exec(elsewherePage.html)?.[1]);
    const crossPage = await call(thief, '/sign-in/passkey/verify', { response: authenticator.get(elsewhereOptions.body as unknown as PublicKeyCredentialRequestOptionsJSON, origin) }, thiefToken);
    expect(crossPage.body['code']).toBe('passkey-challenge');
    // Signed on another site: the origin in the client data is not the hub's.
    const phished = await passkeySignIn(new Visitor(), authenticator, 'https://hub.example.net');
    expect(phished.verified.body['code']).toBe('passkey-not-verified');
    // The passkey calls of the sign-in page need its form token.
    expect((await call(new Visitor(), '/sign-in/passkey/options', {}, 'A'.repeat(43))).body['code']).toBe('csrf-token-refused');

    // And a genuine sign-in still works after all that.
    expect((await passkeySignIn(new Visitor(), authenticator)).verified.status).toBe(200);
    // A copy of the authenticator whose counter lags behind (a cloned key) is refused, with a fresh challenge too.
    const credential = authenticator.credentials[0];
    if (!credential) throw new Error('No credential');
    credential.counter = 0;
    const cloned = await passkeySignIn(new Visitor(), authenticator);
    expect(cloned.verified.body['code']).toBe('passkey-not-verified');
  });
});

describe('revoking a person', () => {
  it('by API key: every session ends at once, the passkey and an unused link are refused, the record says who', async () => {
    const email = uniqueEmail('revoked');
    const phone = new Visitor();
    const id = await setUp(phone, email);
    const authenticator = new SoftwareAuthenticator();
    expect((await addPasskey(phone, authenticator)).added.status).toBe(201);
    const desk = new Visitor();
    expect((await passkeySignIn(desk, authenticator)).verified.status).toBe(200);
    const deps = peopleDeps(readConfig());
    const person = await deps.people.findByEmail(email);
    if (!person) throw new Error('The person was not stored');
    const unusedLink = await issueSignInLink(deps, person);

    // Another licensee's key cannot reach the person.
    expect((await request('POST', `/v1/people/${id}/revoke`, { apiKey: processor.apiKey })).status).toBe(404);
    const revoked = await request('POST', `/v1/people/${id}/revoke`, { apiKey: distributor.apiKey });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id, status: 'revoked', revokedAt: expect.any(String) as string, revokedBy: { apiKeyId: expect.any(String) as string } });

    for (const visitor of [phone, desk]) {
      const after = await visitor.open('/console');
      expect(after.status).toBe(303);
      expect(after.location).toBe('/sign-in');
    }
    const withPasskey = await passkeySignIn(new Visitor(), authenticator);
    expect(withPasskey.verified.status).toBe(403);
    expect(withPasskey.verified.body['code']).toBe('passkey-not-allowed');
    const linkPage = await new Visitor().open(unusedLink);
    expect(linkPage.status).toBe(403);
    expect(linkPage.html).toContain('This account can no longer sign in');
    // Asking for a sign-in link sends nothing.
    const mails = (await mailTo(email)).length;
    const visitor = new Visitor();
    expect((await visitor.submit(await visitor.open('/sign-in'), { email })).html).toContain('Check your e-mail');
    expect((await mailTo(email)).length).toBe(mails);
    // Again: nothing changes.
    const twice = await request('POST', `/v1/people/${id}/revoke`, { apiKey: distributor.apiKey });
    expect(twice.body['revokedAt']).toBe(revoked.body['revokedAt']);
    const listed = await request('GET', '/v1/people', { apiKey: distributor.apiKey });
    expect((listed.body['items'] as { id: string; status: string }[]).find((p) => p.id === id)?.status).toBe('revoked');
  });

  it("on the admin's people page: a confirmation, then the person's session stops at once; the admin's name is on the record", async () => {
    const admin = new Visitor();
    const adminId = await setUp(admin, uniqueEmail('admin'), ['admin'], 'Avery Admin');
    const clerk = new Visitor();
    const clerkEmail = uniqueEmail('clerk');
    const clerkId = await setUp(clerk, clerkEmail, ['receiving'], 'Casey Clerk');
    expect(await signedIn(clerk)).toBe(true);

    const people = await admin.open('/console/people');
    expect(people.html).toContain(`/console/people/${clerkId}/revoke`);
    // No button revokes the admin themselves.
    expect(people.html).not.toContain(`/console/people/${adminId}/revoke`);
    // Without the form token: refused, nothing changes.
    expect((await admin.open(`/console/people/${clerkId}/revoke`, { confirm: 'yes' })).status).toBe(403);
    expect(await signedIn(clerk)).toBe(true);
    // A person who is no admin cannot revoke.
    const clerkHome = await clerk.open('/console');
    expect((await clerk.submit(clerkHome, { confirm: 'yes' }, `/console/people/${adminId}/revoke`)).status).toBe(403);

    const confirm = await admin.submit(people, {}, `/console/people/${clerkId}/revoke`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Revoke Casey Clerk?');
    expect(await signedIn(clerk)).toBe(true);
    const done = await admin.submit(confirm, { confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(done.html).toContain('Casey Clerk was revoked');
    expect(done.html).toMatch(/revoked [^<]* by Avery Admin/);
    expect(await signedIn(clerk)).toBe(false);
    const record = await request('GET', '/v1/people', { apiKey: distributor.apiKey });
    expect((record.body['items'] as { id: string; revokedBy?: unknown }[]).find((p) => p.id === clerkId)?.revokedBy).toEqual({ apiKeyId: 'console', personId: adminId });
    // The admin cannot revoke themselves, not even by posting the form by hand.
    const self = await admin.submit(done, { confirm: 'yes' }, `/console/people/${adminId}/revoke`);
    expect(self.status).toBe(409);
    expect(await signedIn(admin)).toBe(true);
  });
});

describe('sending an invitation again', () => {
  it('by API key and on the people page: a fresh link works, the one before is refused', async () => {
    const email = uniqueEmail('resend');
    const id = await invite(email, ['viewer']);
    const first = hubLink(await nextMail(email), 'invitations');

    const resent = await request('POST', `/v1/people/${id}/resend-invitation`, { apiKey: distributor.apiKey });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ status: 'invited', invitationResentAt: expect.any(String) as string });
    const second = hubLink(await nextMail(email, 2), 'invitations');
    expect(second).not.toBe(first);
    const old = await new Visitor().open(first);
    expect(old.status).toBe(410);
    expect(old.html).toContain('A newer invitation replaced this one');

    // The admin sends it once more from the people page: the second link is refused in turn.
    const admin = new Visitor();
    await setUp(admin, uniqueEmail('resender'), ['admin'], 'Avery Admin');
    const people = await admin.open('/console/people');
    const page: PageAnswer = await admin.submit(people, {}, `/console/people/${id}/resend`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`A new invitation went to ${email}`);
    const third = hubLink(await nextMail(email, 3), 'invitations');
    expect((await new Visitor().open(second)).status).toBe(410);
    const visitor = new Visitor();
    const done = await visitor.submit(await visitor.open(third), { name: 'Pat Kim' });
    expect(done.location).toBe('/console');

    // Set up: there is nothing to send again.
    const late = await request('POST', `/v1/people/${id}/resend-invitation`, { apiKey: distributor.apiKey });
    expect(late.status).toBe(409);
    expect(late.body['code']).toBe('not-invited');
    expect((await request('POST', '/v1/people/01ARZ3NDEKTSV4RRFFQ69G5FAV/resend-invitation', { apiKey: distributor.apiKey })).status).toBe(404);
  });
});
