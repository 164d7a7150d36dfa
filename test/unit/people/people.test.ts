/** The rules of people, one-time links and sessions: roles, expiry and single use, idle and absolute timeouts. */
import { describe, expect, it } from 'vitest';
import { hashLinkToken, INVITATION_TTL_MS, isLinkToken, issueLink, linkStanding, SIGN_IN_LINK_TTL_MS } from '#shared/people/one-time-links.ts';
import { activated, allows, canSignIn, invitationBody, invitedPerson } from '#shared/people/person.ts';
import { ABSOLUTE_TIMEOUT_MS, hashSessionToken, IDLE_TIMEOUT_MS, needsTouch, openSession, sameToken, sessionStanding } from '#shared/sessions/session.ts';

const t0 = new Date('2026-12-02T12:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const ids = { licenseeId: 'L1', personId: 'P1' };

describe('roles', () => {
  it('gives each role its own actions; a viewer changes nothing', () => {
    expect(allows(['admin'], 'manage-people')).toBe(true);
    expect(allows(['shipping', 'receiving', 'driver', 'viewer'], 'manage-people')).toBe(false);
    expect(allows(['shipping'], 'manifest')).toBe(true);
    expect(allows(['driver'], 'manifest')).toBe(false);
    expect(allows(['driver'], 'depart')).toBe(true);
    expect(allows(['receiving'], 'receive')).toBe(true);
    expect(allows(['shipping'], 'receive')).toBe(false);
    for (const permission of ['manage-people', 'manage-keys', 'edit-drafts', 'manifest', 'depart', 'arrive', 'receive'] as const) {
      expect(allows(['viewer'], permission)).toBe(false);
    }
    expect(allows(['viewer'], 'view')).toBe(true);
  });

  it('reads an invitation: address normalized, roles known and in order, a name of one line', () => {
    expect(invitationBody.parse({ email: ' Dana@Example.COM ', name: ' Dana ', roles: ['viewer', 'admin', 'admin'] })).toEqual({
      email: 'dana@example.com',
      name: 'Dana',
      roles: ['admin', 'viewer'],
    });
    expect(invitationBody.safeParse({ email: 'd@example.com', name: 'Dana', roles: [] }).success).toBe(false);
    expect(invitationBody.safeParse({ email: 'd@example.com', name: 'Dana', roles: ['owner'] }).success).toBe(false);
    expect(invitationBody.safeParse({ email: 'd@example.com', name: 'Da\u202ena', roles: ['viewer'] }).success).toBe(false);
    expect(invitationBody.safeParse({ email: 'd@example.com', name: 'Dana', roles: ['viewer'], extra: 1 }).success).toBe(false);
  });

  it('an invited person signs in only once the invitation is taken up', () => {
    const person = invitedPerson({ email: 'd@example.com', name: 'Dana', roles: ['viewer'] }, { id: 'P1', licenseeId: 'L1' }, t0.toISOString(), { apiKeyId: 'K1' });
    expect(canSignIn(person)).toBe(false);
    const active = activated(person, 'Dana O.', later(1000).toISOString());
    expect(canSignIn(active)).toBe(true);
    expect(active).toMatchObject({ name: 'Dana O.', status: 'active', version: 2, sessionGeneration: 1 });
  });
});

describe('one-time links', () => {
  it('keeps only the hash of a 256-bit token', () => {
    const { token, link } = issueLink('sign-in', ids, t0);
    expect(isLinkToken(token)).toBe(true);
    expect(link.tokenHash).toBe(hashLinkToken(token));
    expect(JSON.stringify(link)).not.toContain(token);
  });

  it('a sign-in link works for 15 minutes, an invitation for 7 days', () => {
    const { link } = issueLink('sign-in', ids, t0);
    expect(SIGN_IN_LINK_TTL_MS).toBe(15 * 60 * 1000);
    expect(linkStanding(link, later(SIGN_IN_LINK_TTL_MS - 1))).toBe('usable');
    expect(linkStanding(link, later(SIGN_IN_LINK_TTL_MS))).toBe('expired');
    const invitation = issueLink('invitation', ids, t0).link;
    expect(linkStanding(invitation, later(INVITATION_TTL_MS - 1))).toBe('usable');
    expect(linkStanding(invitation, later(INVITATION_TTL_MS))).toBe('expired');
  });

  it('a used link says used, even after it expired', () => {
    const { link } = issueLink('sign-in', ids, t0);
    const used = { ...link, usedAt: later(1000).toISOString() };
    expect(linkStanding(used, later(2000))).toBe('used');
    expect(linkStanding(used, later(SIGN_IN_LINK_TTL_MS * 2))).toBe('used');
  });
});

describe('sessions', () => {
  const person = { licenseeId: 'L1', id: 'P1', sessionGeneration: 3 };

  it('a new random token and form token at every sign-in, kept hashed', () => {
    const a = openSession(person, 'link', t0);
    const b = openSession(person, 'link', t0);
    expect(a.token).not.toBe(b.token);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    expect(a.session.tokenHash).toBe(hashSessionToken(a.token));
    expect(a.session.generation).toBe(3);
  });

  it('ends after 30 minutes idle', () => {
    const { session } = openSession(person, 'link', t0);
    expect(sessionStanding(session, later(IDLE_TIMEOUT_MS - 1), 3)).toBe('active');
    expect(sessionStanding(session, later(IDLE_TIMEOUT_MS), 3)).toBe('idle');
    const touched = { ...session, lastSeenAt: later(IDLE_TIMEOUT_MS - 1000).toISOString() };
    expect(sessionStanding(touched, later(IDLE_TIMEOUT_MS + 1000), 3)).toBe('active');
  });

  it('ends 12 hours after sign-in however much it is used', () => {
    const { session } = openSession(person, 'link', t0);
    const busy = { ...session, lastSeenAt: later(ABSOLUTE_TIMEOUT_MS - 1000).toISOString() };
    expect(sessionStanding(busy, later(ABSOLUTE_TIMEOUT_MS - 1), 3)).toBe('active');
    expect(sessionStanding(busy, later(ABSOLUTE_TIMEOUT_MS), 3)).toBe('expired');
  });

  it('ends when the person signed out everywhere since it opened', () => {
    const { session } = openSession(person, 'link', t0);
    expect(sessionStanding(session, later(1000), 4)).toBe('ended');
  });

  it('writes its last use at most once a minute', () => {
    const { session } = openSession(person, 'link', t0);
    expect(needsTouch(session, later(59_000))).toBe(false);
    expect(needsTouch(session, later(60_000))).toBe(true);
  });

  it('compares form tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abd')).toBe(false);
    expect(sameToken('abc', 'ab')).toBe(false);
    expect(sameToken('abc', undefined)).toBe(false);
  });
});
