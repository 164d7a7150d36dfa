/**
 * Passkeys: a signed-in person adds one (registration), sees and removes theirs, and signs in with
 * one from the sign-in page (authentication, usernameless). The WebAuthn checks are
 * `@simplewebauthn/server`'s; the hub adds a server-side challenge for each ceremony (single use,
 * five minutes, bound to the session or the page's form token), the signature counter written only
 * if it did not change meanwhile, and the rule that only an active person signs in: a revoked
 * person's passkey is refused. Failed passkey sign-ins are slowed, then refused, per network, as
 * wrong link tokens are; asking for a sign-in challenge is limited per network.
 */
import type { AuthenticatorTransport, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { GuessCounter } from '../guessing/counter.ts';
import { guarded } from '../guessing/guard.ts';
import { logger } from '../observability.ts';
import { guessingAddress, guessWindow } from '../receipt-links/guessing.ts';
import { MAX_PASSKEYS_PER_PERSON } from './passkey-repository.ts';
import type { PasskeyRepository } from './passkey-repository.ts';
import { CEREMONY_TIMEOUT_MS, challengeOfClientData, challengeStanding, counterMovedOn, defaultPasskeyName, hashChallenge, issueChallenge, personOfUserHandle, userHandle } from './passkeys.ts';
import type { ChallengePurpose, Passkey, PasskeyChallenge, RelyingParty } from './passkeys.ts';
import type { authenticationBody, registrationBody } from './passkeys.ts';
import { canSignIn } from './person.ts';
import type { PeopleDeps, CurrentSession, SignedIn } from './use-cases.ts';
import { startSession } from './use-cases.ts';
import type * as z from 'zod';

/**
 * EdDSA, ES256 and RS256 (their COSE numbers): what authenticators offer. Named, rather than the
 * library's default, which probes the runtime for ML-DSA (an experimental Web Crypto feature in
 * Node 24 that warns in the logs).
 */
const SUPPORTED_ALGORITHMS = [-8, -7, -257];

/**
 * The WebAuthn library and its certificate parsers are most of this function's code: loaded at the
 * first ceremony (a chunk of its own in the bundle), not at every cold start of the sign-in pages.
 */
const webauthn = () => import('@simplewebauthn/server');

/** Sign-in challenges one network may ask for in 15 minutes (an office has several people, each may try twice). */
export const PASSKEY_CHALLENGES_PER_NETWORK = 120;

export interface PasskeyDeps extends Pick<PeopleDeps, 'people' | 'sessions' | 'now' | 'sleep'> {
  readonly passkeys: PasskeyRepository;
  readonly relyingParty: RelyingParty;
  /** Failed passkey sign-ins per network (slowed, then refused); sign-in challenges asked per network. */
  readonly passkeyCounters: { readonly failures: GuessCounter; readonly challenges: GuessCounter };
}

/** Why a ceremony was refused, for the person: the page says it in plain words. */
export type PasskeyRefusal = 'challenge' | 'unknown-passkey' | 'not-verified' | 'not-allowed' | 'already-added' | 'too-many';

export const refusalWords: Readonly<Record<PasskeyRefusal, string>> = {
  challenge: 'The request took too long or was already used. Try again.',
  'unknown-passkey': 'The hub does not know this passkey. Sign in with an e-mailed link, then add a passkey on your account page.',
  'not-verified': 'The passkey could not be checked. Try again, or sign in with an e-mailed link.',
  'not-allowed': 'This account cannot sign in. Ask an admin of your company.',
  'already-added': 'This passkey is already on your account.',
  'too-many': `An account holds at most ${MAX_PASSKEYS_PER_PERSON} passkeys. Remove one you no longer use first.`,
};

const transportsOf = (passkey: Passkey) => passkey.transports as AuthenticatorTransport[];

/** Takes the challenge the browser signed (so it is spent whatever follows), if it is usable for this ceremony. */
async function takeChallenge(deps: PasskeyDeps, clientDataJSON: string, purpose: ChallengePurpose, boundToken: string): Promise<{ challenge: string; record: PasskeyChallenge } | undefined> {
  const challenge = challengeOfClientData(clientDataJSON);
  if (challenge === undefined) return undefined;
  const record = await deps.passkeys.takeChallenge(hashChallenge(challenge));
  if (!record || challengeStanding(record, purpose, boundToken, deps.now()) !== 'usable') return undefined;
  return { challenge, record };
}

/** The options of `navigator.credentials.create` for the signed-in person, with a new challenge bound to their session. */
export async function passkeyRegistrationOptions(
  deps: PasskeyDeps,
  current: CurrentSession,
): Promise<{ readonly kind: 'options'; readonly options: PublicKeyCredentialCreationOptionsJSON } | { readonly kind: 'refused'; readonly reason: 'too-many' }> {
  const { person } = current;
  const existing = await deps.passkeys.list(person.licenseeId, person.id);
  if (existing.length >= MAX_PASSKEYS_PER_PERSON) return { kind: 'refused', reason: 'too-many' };
  const { challenge, record } = issueChallenge('add-passkey', current.session.tokenHash, deps.now(), { licenseeId: person.licenseeId, personId: person.id });
  await deps.passkeys.putChallenge(record);
  const { generateRegistrationOptions } = await webauthn();
  const options = await generateRegistrationOptions({
    rpName: deps.relyingParty.name,
    rpID: deps.relyingParty.id,
    userName: person.email,
    userID: userHandle(person),
    userDisplayName: person.name,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: transportsOf(passkey) })),
    // Discoverable, so sign-in needs no address; verified (PIN, fingerprint, face), so the passkey alone signs in.
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
  });
  return { kind: 'options', options };
}

/** The browser's answer to those options: the passkey is stored for the person if it checks out. */
export async function addPasskey(
  deps: PasskeyDeps,
  current: CurrentSession,
  body: z.infer<typeof registrationBody>,
): Promise<{ readonly kind: 'added'; readonly passkey: Passkey } | { readonly kind: 'refused'; readonly reason: PasskeyRefusal }> {
  const { person } = current;
  const taken = await takeChallenge(deps, body.response.response.clientDataJSON, 'add-passkey', current.session.tokenHash);
  if (!taken || taken.record.personId !== person.id || taken.record.licenseeId !== person.licenseeId) return { kind: 'refused', reason: 'challenge' };
  const { verifyRegistrationResponse } = await webauthn();
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response: body.response,
      expectedChallenge: taken.challenge,
      expectedOrigin: [...deps.relyingParty.origins],
      expectedRPID: deps.relyingParty.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  } catch (error) {
    logger.info('Passkey registration refused', { personId: person.id, reason: error instanceof Error ? error.message : String(error) });
    return { kind: 'refused', reason: 'not-verified' };
  }
  if (!verified.verified) return { kind: 'refused', reason: 'not-verified' };
  const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
  const now = deps.now();
  const passkey: Passkey = {
    credentialId: credential.id,
    licenseeId: person.licenseeId,
    personId: person.id,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: credential.transports ?? [],
    name: body.name !== undefined && body.name !== '' ? body.name : defaultPasskeyName(now),
    createdAt: now.toISOString(),
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
  };
  if (!(await deps.passkeys.create(passkey))) return { kind: 'refused', reason: 'already-added' };
  return { kind: 'added', passkey };
}

export async function listPasskeys(deps: Pick<PasskeyDeps, 'passkeys'>, current: CurrentSession): Promise<Passkey[]> {
  return deps.passkeys.list(current.person.licenseeId, current.person.id);
}

/** A person removes one of their own passkeys (only their own: the key names their partition). */
export async function removePasskey(deps: Pick<PasskeyDeps, 'passkeys'>, current: CurrentSession, credentialId: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(credentialId)) return false;
  return deps.passkeys.remove(current.person.licenseeId, current.person.id, credentialId);
}

export type PasskeySignInOptions =
  | { readonly kind: 'options'; readonly options: PublicKeyCredentialRequestOptionsJSON }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

/** The options of `navigator.credentials.get` for the sign-in page: any of the hub's passkeys, a new challenge bound to the page's form token. */
export async function passkeySignInOptions(deps: PasskeyDeps, formToken: string, sourceIp: string): Promise<PasskeySignInOptions> {
  const now = deps.now();
  const { window, endsAt } = guessWindow(now);
  if ((await deps.passkeyCounters.challenges.count(guessingAddress(sourceIp), window, endsAt)) > PASSKEY_CHALLENGES_PER_NETWORK) {
    return { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((endsAt.getTime() - now.getTime()) / 1000)) };
  }
  const { challenge, record } = issueChallenge('passkey-sign-in', formToken, now, undefined);
  await deps.passkeys.putChallenge(record);
  const { generateAuthenticationOptions } = await webauthn();
  const options = await generateAuthenticationOptions({
    rpID: deps.relyingParty.id,
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: 'required',
  });
  return { kind: 'options', options };
}

export type PasskeySignIn =
  | { readonly kind: 'signed-in'; readonly signedIn: SignedIn }
  | { readonly kind: 'refused'; readonly reason: PasskeyRefusal }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

/** The browser's assertion: a session for the passkey's person, if the passkey checks out and the person is active. */
export async function signInWithPasskey(deps: PasskeyDeps, body: z.infer<typeof authenticationBody>, formToken: string, sourceIp: string): Promise<PasskeySignIn> {
  type Outcome = Exclude<PasskeySignIn, { kind: 'throttled' }>;
  const refused = (reason: PasskeyRefusal, failed = true) => ({ value: { kind: 'refused', reason } as Outcome, failed });
  const answer = await guarded<Outcome>({ counter: deps.passkeyCounters.failures, now: deps.now, sleep: deps.sleep }, sourceIp, async () => {
    const taken = await takeChallenge(deps, body.response.response.clientDataJSON, 'passkey-sign-in', formToken);
    if (!taken) return refused('challenge');
    const owner = personOfUserHandle(body.response.response.userHandle);
    const person = owner ? await deps.people.get(owner.licenseeId, owner.personId) : undefined;
    const passkey = person ? await deps.passkeys.get(person.licenseeId, person.id, body.response.id) : undefined;
    if (!person || !passkey) return refused('unknown-passkey');
    const { verifyAuthenticationResponse } = await webauthn();
    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response: body.response,
        expectedChallenge: taken.challenge,
        expectedOrigin: [...deps.relyingParty.origins],
        expectedRPID: deps.relyingParty.id,
        credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter, transports: transportsOf(passkey) },
        requireUserVerification: true,
      });
    } catch (error) {
      logger.info('Passkey sign-in refused', { personId: person.id, reason: error instanceof Error ? error.message : String(error) });
      return refused('not-verified');
    }
    if (!verified.verified || !counterMovedOn(passkey.counter, verified.authenticationInfo.newCounter)) return refused('not-verified');
    // Checked after the signature, so only the passkey's holder learns that the account is closed.
    if (!canSignIn(person)) return refused('not-allowed', false);
    // A second use of the same counter value (a raced replay) loses here.
    if (!(await deps.passkeys.recordUse(passkey, verified.authenticationInfo.newCounter, deps.now().toISOString()))) return refused('not-verified');
    return { value: { kind: 'signed-in', signedIn: await startSession(deps, person, 'passkey') }, failed: false };
  });
  return answer.kind === 'throttled' ? answer : answer.value;
}
