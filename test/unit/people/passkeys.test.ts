/**
 * The rules around passkeys and the admin's actions on people: the relying party from the public
 * address, challenges (single purpose, bound, five minutes, kept hashed), the user handle, the
 * counter, revoking and sending an invitation again; and the pages' passkey and people parts.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { confirmRevokePage, homePage, linkProblemPage, peoplePage, signInPage } from '#shared/people/pages.ts';
import { passkeyGlue, passkeyScript, passkeyScriptUrl } from '#shared/people/passkey-script.ts';
import { passkeyBrowserLibraryFile } from '#shared/people/browser-library.ts';
import { functions } from '#shared/routes.ts';
import {
  bindingOf,
  CHALLENGE_TTL_MS,
  challengeOfClientData,
  challengeStanding,
  counterMovedOn,
  hashChallenge,
  issueChallenge,
  personOfUserHandle,
  registrationBody,
  relyingParty,
  userHandle,
} from '#shared/people/passkeys.ts';
import type { Passkey } from '#shared/people/passkeys.ts';
import { activated, canSignIn, invitedPerson, isCurrentInvitation, reinvited, revoked } from '#shared/people/person.ts';
import type { Person } from '#shared/people/person.ts';
import { sessionStanding, openSession } from '#shared/sessions/session.ts';

const t0 = new Date('2026-12-02T12:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const LICENSEE = '01JEXAMPLE0LICENSEE0000000';
const PERSON = '01JE5Z4QH2VJ8K3M6N7P9R0STW';

const person = (overrides: Partial<Person> = {}): Person => ({
  ...activated(invitedPerson({ email: 'dana@example.com', name: 'Dana Ortiz', roles: ['shipping'] }, { id: PERSON, licenseeId: LICENSEE }, t0.toISOString(), { apiKeyId: 'K1' }), 'Dana Ortiz', t0.toISOString()),
  ...overrides,
});

describe('the relying party', () => {
  it('is the public address: its host name the RP ID, its origin the only one accepted', () => {
    expect(relyingParty('https://hub.example.com/')).toEqual({ id: 'hub.example.com', name: 'NY transfer hub', origins: ['https://hub.example.com'] });
    expect(relyingParty('https://hub.example.com:8443/base')).toMatchObject({ id: 'hub.example.com', origins: ['https://hub.example.com:8443'] });
  });

  it('is localhost for a hub served at a loopback address: a browser takes no IP address as RP ID', () => {
    expect(relyingParty('http://127.0.0.1:4321')).toMatchObject({ id: 'localhost', origins: ['http://localhost:4321'] });
    expect(relyingParty('http://[::1]:4321')).toMatchObject({ id: 'localhost', origins: ['http://localhost:4321'] });
    expect(relyingParty('http://localhost:4321')).toMatchObject({ id: 'localhost', origins: ['http://localhost:4321'] });
  });
});

describe('challenges', () => {
  it('are random, kept only as hashes, bound to one token and one purpose, for five minutes', () => {
    const { challenge, record } = issueChallenge('passkey-sign-in', 'form-token', t0, undefined);
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(record.challengeHash).toBe(createHash('sha256').update(challenge).digest('hex'));
    expect(record.challengeHash).toBe(hashChallenge(challenge));
    expect(JSON.stringify(record)).not.toContain(challenge);
    expect(JSON.stringify(record)).not.toContain('form-token');
    expect(record.boundTo).toBe(bindingOf('form-token'));
    expect(issueChallenge('passkey-sign-in', 'form-token', t0, undefined).challenge).not.toBe(challenge);

    expect(challengeStanding(record, 'passkey-sign-in', 'form-token', later(CHALLENGE_TTL_MS - 1))).toBe('usable');
    expect(challengeStanding(record, 'passkey-sign-in', 'form-token', later(CHALLENGE_TTL_MS))).toBe('expired');
    expect(challengeStanding(record, 'add-passkey', 'form-token', t0)).toBe('wrong-purpose');
    expect(challengeStanding(record, 'passkey-sign-in', 'another-token', t0)).toBe('not-yours');
  });

  it('of adding a passkey name whose it will be', () => {
    const { record } = issueChallenge('add-passkey', 'session-hash', t0, { licenseeId: LICENSEE, personId: PERSON });
    expect(record).toMatchObject({ purpose: 'add-passkey', licenseeId: LICENSEE, personId: PERSON });
  });

  it('are read from the client data the browser signed, and nothing else is taken for one', () => {
    const clientData = (data: unknown) => Buffer.from(JSON.stringify(data)).toString('base64url');
    const challenge = 'A'.repeat(43);
    expect(challengeOfClientData(clientData({ type: 'webauthn.get', challenge, origin: 'https://hub.example.com' }))).toBe(challenge);
    expect(challengeOfClientData(clientData({ type: 'webauthn.get' }))).toBeUndefined();
    expect(challengeOfClientData(clientData({ challenge: 'short' }))).toBeUndefined();
    expect(challengeOfClientData(clientData({ challenge: 'not base64url!'.repeat(4) }))).toBeUndefined();
    expect(challengeOfClientData(clientData(null))).toBeUndefined();
    expect(challengeOfClientData('not json at all')).toBeUndefined();
  });
});

describe('the user handle', () => {
  it('names the licensee and the person, and nothing else reads as one', () => {
    const handle = Buffer.from(userHandle({ licenseeId: LICENSEE, id: PERSON })).toString('base64url');
    expect(personOfUserHandle(handle)).toEqual({ licenseeId: LICENSEE, personId: PERSON });
    expect(Buffer.from(handle, 'base64url').length).toBeLessThanOrEqual(64);
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    expect(personOfUserHandle(undefined)).toBeUndefined();
    expect(personOfUserHandle(encode(`${LICENSEE}:${PERSON}:extra`))).toBeUndefined();
    expect(personOfUserHandle(encode(`${LICENSEE}:not-a-ulid`))).toBeUndefined();
    expect(personOfUserHandle(encode(`LICENSEE#X:${PERSON}`))).toBeUndefined();
    expect(personOfUserHandle(encode(PERSON))).toBeUndefined();
    expect(personOfUserHandle('+/=')).toBeUndefined();
  });
});

describe('the signature counter', () => {
  it('must move on, unless the authenticator keeps none', () => {
    expect(counterMovedOn(0, 0)).toBe(true);
    expect(counterMovedOn(0, 1)).toBe(true);
    expect(counterMovedOn(5, 6)).toBe(true);
    expect(counterMovedOn(5, 5)).toBe(false);
    expect(counterMovedOn(5, 4)).toBe(false);
    expect(counterMovedOn(5, 0)).toBe(false);
  });
});

describe('what the browser posts', () => {
  it('is read strictly enough: a registration has its attestation, a name of one short line', () => {
    const response = { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'eyJ9', attestationObject: 'o2Nm' }, clientExtensionResults: {} };
    expect(registrationBody.safeParse({ response }).success).toBe(true);
    expect(registrationBody.safeParse({ response, name: 'Work phone' }).success).toBe(true);
    expect(registrationBody.safeParse({ response, name: 'x'.repeat(61) }).success).toBe(false);
    expect(registrationBody.safeParse({ response, name: 'a\u202eb' }).success).toBe(false);
    expect(registrationBody.safeParse({ response: { ...response, type: 'password' } }).success).toBe(false);
    expect(registrationBody.safeParse({ response: { ...response, response: { clientDataJSON: 'eyJ9' } } }).success).toBe(false);
  });
});

describe('revoking and inviting again', () => {
  it('revoking ends every session and sign-in at once, and says who did it', () => {
    const active = person();
    const { session } = openSession(active, 'passkey', t0);
    const gone = revoked(active, later(1000).toISOString(), { apiKeyId: 'console', personId: 'ADMIN' });
    expect(gone).toMatchObject({ status: 'revoked', revokedAt: later(1000).toISOString(), revokedBy: { apiKeyId: 'console', personId: 'ADMIN' }, version: active.version + 1 });
    expect(canSignIn(gone)).toBe(false);
    expect(sessionStanding(session, later(2000), active.sessionGeneration)).toBe('active');
    expect(sessionStanding(session, later(2000), gone.sessionGeneration)).toBe('ended');
  });

  it('a new invitation replaces the one before; accounts invited before this rule take the newest too', () => {
    const invited = invitedPerson({ email: 'd@example.com', name: 'Dana', roles: ['viewer'] }, { id: PERSON, licenseeId: LICENSEE }, t0.toISOString(), { apiKeyId: 'K1' });
    expect(isCurrentInvitation(invited, 'any-old-hash')).toBe(true);
    const first = { ...invited, invitationHash: 'first' };
    expect(isCurrentInvitation(first, 'first')).toBe(true);
    const second = reinvited(first, 'second', later(1000).toISOString(), { apiKeyId: 'K2' });
    expect(second).toMatchObject({ status: 'invited', invitationHash: 'second', invitationResentBy: { apiKeyId: 'K2' }, version: first.version + 1 });
    expect(isCurrentInvitation(second, 'first')).toBe(false);
    expect(isCurrentInvitation(second, 'second')).toBe(true);
    expect(isCurrentInvitation(revoked(second, t0.toISOString(), { apiKeyId: 'K2' }), 'second')).toBe(false);
  });
});

describe('the pages', () => {
  const part = { script: '/assets/passkeys.js?v=abc', origin: 'http://localhost:4321', rpId: 'localhost' };
  const passkey: Passkey = {
    credentialId: 'cred-1',
    licenseeId: LICENSEE,
    personId: PERSON,
    publicKey: 'pk',
    counter: 0,
    transports: [],
    name: '<b>Work</b> phone',
    createdAt: t0.toISOString(),
    deviceType: 'multiDevice',
    backedUp: true,
  };

  it('the sign-in page loads the passkey script with its nonce; its passkey part is hidden until the script shows it', () => {
    const page = signInPage('NONCE', 'TOKEN', { passkey: part });
    expect(page.html).toContain('<script nonce="NONCE" src="/assets/passkeys.js?v=abc" defer></script>');
    expect(page.html).toMatch(/<div id="passkey-sign-in" hidden data-csrf="TOKEN" data-rp-id="localhost" data-origin="http:\/\/localhost:4321">/);
    // The e-mail form does not depend on it.
    expect(page.html).toContain('<form method="post" action="/sign-in" novalidate>');
    expect(signInPage('NONCE', 'TOKEN').html).not.toContain('<script');
  });

  it('the account page lists passkeys escaped, each with a form that removes it', () => {
    const page = homePage('N', { person: person(), company: 'Acme', csrf: 'CSRF', passkeys: [passkey], passkey: part });
    expect(page.html).toContain('&lt;b&gt;Work&lt;/b&gt; phone');
    expect(page.html).not.toContain('<b>Work</b>');
    expect(page.html).toContain('<form method="post" action="/console/passkeys/cred-1/remove"><input type="hidden" name="csrf" value="CSRF">');
    expect(page.html).toContain('<form id="passkey-add" hidden');
    expect(page.html).toContain('<noscript>');
    expect(homePage('N', { person: person(), company: 'Acme', csrf: 'CSRF', passkeys: [] }).html).toContain('You have no passkey yet');
  });

  it("the people page offers revoking and resending where they apply, never the admin's own revocation", () => {
    const admin = person({ id: '01JEXAMPLE0ADMIN0000000000', name: 'Avery Admin', roles: ['admin'] });
    const invited = person({ id: '01JEXAMPLE0INVITED00000000', name: 'Ivy Invited', status: 'invited' });
    const gone = revoked(person({ id: '01JEXAMPLE0REVOKED00000000', name: 'Rex Revoked' }), t0.toISOString(), { apiKeyId: 'console', personId: admin.id });
    const html = peoplePage('N', { people: [admin, invited, gone], csrf: 'C', viewerId: admin.id }).html;
    expect(html).not.toContain(`/console/people/${admin.id}/revoke`);
    expect(html).toContain(`/console/people/${invited.id}/revoke`);
    expect(html).toContain(`/console/people/${invited.id}/resend`);
    expect(html).not.toContain(`/console/people/${gone.id}/`);
    expect(html).toMatch(/revoked [^<]* by Avery Admin/);
    // A button's spoken name begins with what it shows (WCAG 2.5.3, axe's label-content-name-mismatch).
    for (const [, label, text] of html.matchAll(/<button[^>]*aria-label="([^"]*)"[^>]*>([^<]*)<\/button>/g)) {
      expect(label?.startsWith((text ?? '').replace(/…$/, '')), `${label ?? ''} / ${text ?? ''}`).toBe(true);
    }
    const confirm = confirmRevokePage('N', 'C', invited).html;
    expect(confirm).toContain('<input type="hidden" name="confirm" value="yes">');
    expect(confirm).toContain('the invitation no longer works');
  });

  it('an invitation replaced by a newer one says so, and a link of a closed account says that', () => {
    const page = linkProblemPage('N', 'replaced', 'invitation');
    expect(page.status).toBe(410);
    expect(page.html).toContain('A newer invitation replaced this one');
    const closed = linkProblemPage('N', 'closed', 'sign-in');
    expect(closed.status).toBe(403);
    expect(closed.html).toContain('This account can no longer sign in');
    expect(closed.html).not.toContain('Get a new sign-in link');
  });

  it("the script is the library's build and the glue, and the sign-in function's bundle carries the library's file", () => {
    const files: readonly string[] = functions.signIn.files;
    expect(files).toEqual([passkeyBrowserLibraryFile]);
    expect(existsSync(fileURLToPath(new URL(`../../../node_modules/${passkeyBrowserLibraryFile}`, import.meta.url)))).toBe(true);
    const script = passkeyScript();
    expect(script.body).toContain('SimpleWebAuthnBrowser');
    expect(script.body.endsWith(passkeyGlue)).toBe(true);
    expect(passkeyScriptUrl()).toBe(`/assets/passkeys.js?v=${script.version}`);
  });

  it('the script sends only to the hub, with the form token, and is plain JavaScript', () => {
    expect(passkeyGlue).toContain("'x-hub-csrf': token");
    expect(passkeyGlue).not.toMatch(/https?:\/\//);
    // It compiles as a classic script, as the browser loads it.
    expect(() => new Script(passkeyGlue)).not.toThrow();
  });
});
