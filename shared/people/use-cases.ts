/**
 * People and passwordless sign-in: invitations, sign-in links by e-mail, sessions, signing out.
 * Public steps are slowed and refused as the other public lookups are (`shared/guessing/`): wrong
 * link tokens per address; sign-in e-mails per address and per e-mail address, so the hub cannot
 * be used to flood a mailbox.
 */
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import { guarded } from '../guessing/guard.ts';
import type { GuessCounter } from '../guessing/counter.ts';
import { guessingAddress, guessWindow } from '../receipt-links/guessing.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Page } from '../repositories/paging.ts';
import type { SessionRepository } from '../sessions/repository.ts';
import { hashSessionToken, isSessionToken, needsTouch, openSession, sessionStanding } from '../sessions/session.ts';
import type { Session, SignInMethod } from '../sessions/session.ts';
import type { Licensee } from '../tenants/licensee.ts';
import { invitationMessage, signInMessage } from './messages.ts';
import { hashLinkToken, isLinkToken, issueLink, linkStanding } from './one-time-links.ts';
import type { LinkPurpose, OneTimeLink } from './one-time-links.ts';
import { activated, allows, canSignIn, invitationBody, invitedPerson, isCurrentInvitation, normalizeEmail, reinvited, revoked } from './person.ts';
import type { Person } from './person.ts';
import type { PeopleRepository } from './repository.ts';
import { createHash } from 'node:crypto';
import { logger } from '../observability.ts';

/** Sign-in e-mails one address may ask for in 15 minutes: a few tries, not a flood. */
export const SIGN_IN_EMAILS_PER_ADDRESS = 5;
/** Sign-in e-mails one network may ask for in 15 minutes (an office behind one address has several people). */
export const SIGN_IN_EMAILS_PER_NETWORK = 30;

export interface PeopleDeps {
  readonly people: PeopleRepository;
  readonly sessions: SessionRepository;
  readonly licensees: { get(licenseeId: string): Promise<Licensee | undefined> };
  readonly mailer: Mailer;
  /** Where links in e-mails point: the hub's public address. */
  readonly baseUrl: string;
  /** Wrong link tokens per network; sign-in e-mails per network and per e-mail address. */
  readonly counters: { readonly linkGuesses: GuessCounter; readonly signInsFromNetwork: GuessCounter; readonly signInsToAddress: GuessCounter };
  readonly now: () => Date;
  readonly newId: () => string;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Who manages people: an API key of the licensee, or a person with the admin role through the console. */
async function requireManager(deps: Pick<PeopleDeps, 'people'>, caller: Caller, what: string): Promise<void> {
  if (caller.personId === undefined) return;
  const admin = await deps.people.get(caller.licenseeId, caller.personId);
  if (!admin || !canSignIn(admin) || !allows(admin.roles, 'manage-people')) throw new ForbiddenError('admin-only', `Only an admin ${what}`);
}

const actedBy = (caller: Caller) => ({ apiKeyId: caller.apiKeyId, ...(caller.personId === undefined ? {} : { personId: caller.personId }) });

export async function invitePerson(deps: PeopleDeps, caller: Caller, body: unknown): Promise<Person> {
  const invitation = invitationBody.parse(body);
  await requireManager(deps, caller, 'invites people');
  const now = deps.now();
  const id = deps.newId();
  const { token, link } = issueLink('invitation', { licenseeId: caller.licenseeId, personId: id }, now);
  const person: Person = { ...invitedPerson(invitation, { id, licenseeId: caller.licenseeId }, now.toISOString(), actedBy(caller)), invitationHash: link.tokenHash };
  await deps.people.createInvited(person, link);
  await sendInvitation(deps, person, token, link);
  return person;
}

async function sendInvitation(deps: PeopleDeps, person: Person, token: string, link: OneTimeLink): Promise<void> {
  const licensee = await deps.licensees.get(person.licenseeId);
  await deps.mailer.send(invitationMessage(person, licensee?.legalName ?? 'your company', linkUrl(deps, 'invitation', token), link.validUntil));
}

/** A person of the caller's licensee, or 404 (another licensee's people do not exist for it). */
async function personOf(deps: Pick<PeopleDeps, 'people'>, caller: Caller, personId: string): Promise<Person> {
  const person = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(personId) ? await deps.people.get(caller.licenseeId, personId) : undefined;
  if (!person) throw new NotFoundError('person');
  return person;
}

/**
 * The invitation sent again, to a person who has not set up the account: a fresh link (a week),
 * and the one sent before refused from now on.
 */
export async function resendInvitation(deps: PeopleDeps, caller: Caller, personId: string): Promise<Person> {
  await requireManager(deps, caller, 'sends invitations');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const person = await personOf(deps, caller, personId);
    if (person.status !== 'invited') {
      throw new ConflictError('not-invited', person.status === 'active' ? 'This person has already set up the account' : 'This person was revoked', { personStatus: person.status });
    }
    const now = deps.now();
    const { token, link } = issueLink('invitation', { licenseeId: person.licenseeId, personId: person.id }, now);
    const changed = reinvited(person, link.tokenHash, now.toISOString(), actedBy(caller));
    if (await deps.people.replaceInvitation(changed, link)) {
      await sendInvitation(deps, changed, token, link);
      return changed;
    }
  }
  throw new ConflictError('person-changed', 'The person changed while the invitation was being sent; try again');
}

/**
 * Revoking a person: at once, every session of theirs stops working (the session generation moves
 * on in the same write), and their passkeys and links open nothing (only an active person signs in;
 * only an invited one takes up an invitation). The record says who revoked and when. An admin cannot
 * revoke themselves (an API key of the licensee can revoke anyone). Revoking again changes nothing.
 */
export async function revokePerson(deps: Pick<PeopleDeps, 'people' | 'now'>, caller: Caller, personId: string): Promise<Person> {
  await requireManager(deps, caller, 'revokes people');
  if (caller.personId === personId) throw new ConflictError('cannot-revoke-yourself', 'You cannot revoke yourself; ask another admin');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const person = await personOf(deps, caller, personId);
    if (person.status === 'revoked') return person;
    const changed = revoked(person, deps.now().toISOString(), actedBy(caller));
    if (await deps.people.update(changed)) {
      logger.info('Person revoked', { licenseeId: person.licenseeId, personId: person.id, revokedBy: changed.revokedBy });
      return changed;
    }
  }
  throw new ConflictError('person-changed', 'The person changed while being revoked; try again');
}

export async function listPeople(deps: Pick<PeopleDeps, 'people'>, caller: Caller, options: { limit: number; cursor?: string }): Promise<Page<Person>> {
  return deps.people.list(caller.licenseeId, options);
}

export const linkPath = (purpose: LinkPurpose, token: string) => (purpose === 'invitation' ? `/invitations/${token}` : `/sign-in/${token}`);
const linkUrl = (deps: Pick<PeopleDeps, 'baseUrl'>, purpose: LinkPurpose, token: string) => `${deps.baseUrl.replace(/\/$/, '')}${linkPath(purpose, token)}`;

export type OpenedLink =
  | { readonly kind: 'usable'; readonly link: OneTimeLink; readonly person: Person }
  | { readonly kind: 'used' | 'expired' | 'unknown' | 'replaced' | 'closed' }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

/**
 * The link behind a token, for its purpose. Unknown tokens (and a link for another purpose) count
 * as guesses from the caller's network; a used or expired one is shown as such, in plain words.
 */
export async function openLink(deps: PeopleDeps, purpose: LinkPurpose, token: string, sourceIp: string): Promise<OpenedLink> {
  const answer = await guarded<Exclude<OpenedLink, { kind: 'throttled' }>>({ counter: deps.counters.linkGuesses, now: deps.now, sleep: deps.sleep }, sourceIp, async () => {
    const link = isLinkToken(token) ? await deps.people.getLink(hashLinkToken(token)) : undefined;
    if (link?.purpose !== purpose) return { value: { kind: 'unknown' }, failed: true };
    const standing = linkStanding(link, deps.now());
    if (standing !== 'usable') return { value: { kind: standing }, failed: false };
    const person = await deps.people.get(link.licenseeId, link.personId);
    if (!person) return { value: { kind: 'used' }, failed: false };
    // An invitation sent again replaces the one before.
    if (purpose === 'invitation' && person.status === 'invited' && !isCurrentInvitation(person, link.tokenHash)) return { value: { kind: 'replaced' }, failed: false };
    // A revoked person's links no longer open anything.
    const fit = purpose === 'invitation' ? person.status === 'invited' : canSignIn(person);
    return { value: fit ? { kind: 'usable', link, person } : { kind: person.status === 'revoked' ? 'closed' : 'used' }, failed: false };
  });
  return answer.kind === 'throttled' ? answer : answer.value;
}

export interface SignedIn {
  /** The cookie's value: shown to the browser once, kept only hashed. */
  readonly token: string;
  readonly session: Session;
  readonly person: Person;
}

export async function startSession(deps: Pick<PeopleDeps, 'sessions' | 'now'>, person: Person, method: SignInMethod): Promise<SignedIn> {
  const { token, session } = openSession(person, method, deps.now());
  await deps.sessions.create(session);
  return { token, session, person };
}

/** Taking up an invitation: the account becomes active (with the name the person gives) and they are signed in. */
export async function acceptInvitation(deps: PeopleDeps, opened: Extract<OpenedLink, { kind: 'usable' }>, name: string): Promise<SignedIn | { readonly kind: 'used' }> {
  const at = deps.now().toISOString();
  const person = activated(opened.person, name, at);
  if (!(await deps.people.useLink(opened.link, at, person))) return { kind: 'used' };
  return startSession(deps, person, 'invitation');
}

/** A sign-in link, used: a session for its person. */
export async function signInWithLink(deps: PeopleDeps, opened: Extract<OpenedLink, { kind: 'usable' }>): Promise<SignedIn | { readonly kind: 'used' }> {
  if (!(await deps.people.useLink(opened.link, deps.now().toISOString()))) return { kind: 'used' };
  return startSession(deps, opened.person, 'link');
}

export type SignInRequest = { readonly kind: 'sent' } | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

const emailKey = (email: string) => createHash('sha256').update(email, 'utf8').digest('hex').slice(0, 32);

/**
 * Sends a sign-in link to the address if it has an active account. The answer is the same either
 * way (the page cannot be used to learn who has an account), except when the address or the
 * network asked too often.
 */
export async function requestSignInLink(deps: PeopleDeps, email: string, sourceIp: string): Promise<SignInRequest> {
  const now = deps.now();
  const { window, endsAt } = guessWindow(now);
  const retryAfterSeconds = Math.max(1, Math.ceil((endsAt.getTime() - now.getTime()) / 1000));
  const address = normalizeEmail(email);
  const fromNetwork = await deps.counters.signInsFromNetwork.count(guessingAddress(sourceIp), window, endsAt);
  if (fromNetwork > SIGN_IN_EMAILS_PER_NETWORK) return { kind: 'throttled', retryAfterSeconds };
  const toAddress = await deps.counters.signInsToAddress.count(emailKey(address), window, endsAt);
  if (toAddress > SIGN_IN_EMAILS_PER_ADDRESS) return { kind: 'throttled', retryAfterSeconds };
  const person = await deps.people.findByEmail(address);
  if (person && canSignIn(person)) {
    const { token, link } = issueLink('sign-in', { licenseeId: person.licenseeId, personId: person.id }, now);
    await deps.people.putLink(link);
    await deps.mailer.send(signInMessage(person, linkUrl(deps, 'sign-in', token), link.validUntil));
  }
  return { kind: 'sent' };
}

/** A sign-in link the hub issues without e-mail (local mode's demo people; tests): the same rules once issued. */
export async function issueSignInLink(deps: Pick<PeopleDeps, 'people' | 'baseUrl' | 'now'>, person: Person, validForMs?: number): Promise<string> {
  const { token, link } = issueLink('sign-in', { licenseeId: person.licenseeId, personId: person.id }, deps.now(), validForMs);
  await deps.people.putLink(link);
  return linkUrl(deps, 'sign-in', token);
}

export interface CurrentSession {
  readonly session: Session;
  readonly person: Person;
  readonly licensee: Licensee;
  /** The caller the use-cases take, so console actions record the person beside the console. */
  readonly caller: Caller;
}

/** What the console's actions act through in place of an API key (events say `apiKeyId: "console"` and the person). */
export const CONSOLE_ACTOR = 'console';

/** The session a cookie opens, if it still works; its last use is written (at most once a minute). */
export async function currentSession(deps: PeopleDeps, token: string | undefined): Promise<CurrentSession | undefined> {
  if (token === undefined || !isSessionToken(token)) return undefined;
  const tokenHash = hashSessionToken(token);
  const session = await deps.sessions.get(tokenHash);
  if (!session) return undefined;
  const person = await deps.people.get(session.licenseeId, session.personId);
  const now = deps.now();
  if (!person || !canSignIn(person) || sessionStanding(session, now, person.sessionGeneration) !== 'active') {
    await deps.sessions.delete(tokenHash);
    return undefined;
  }
  const licensee = await deps.licensees.get(person.licenseeId);
  if (!licensee) return undefined;
  if (needsTouch(session, now)) await deps.sessions.touch(tokenHash, now.toISOString());
  return { session, person, licensee, caller: { licenseeId: person.licenseeId, apiKeyId: CONSOLE_ACTOR, personId: person.id } };
}

export async function signOut(deps: Pick<PeopleDeps, 'sessions'>, current: CurrentSession): Promise<void> {
  await deps.sessions.delete(current.session.tokenHash);
}

/** Every session of the person ends at once: the generation moves on, and this one is deleted too. */
export async function signOutEverywhere(deps: Pick<PeopleDeps, 'people' | 'sessions'>, current: CurrentSession): Promise<void> {
  const moved = await deps.people.nextSessionGeneration(current.person.licenseeId, current.person.id);
  if (!moved) throw new NotFoundError('person');
  await deps.sessions.delete(current.session.tokenHash);
}
