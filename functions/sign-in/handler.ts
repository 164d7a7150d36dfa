/**
 * The people's pages: sign-in by a link e-mailed to them or with a passkey, taking up an
 * invitation, their account page (passkeys: add, see, remove), signing out (here or everywhere),
 * and the admin's people page (invite, send an invitation again, revoke). Server-rendered HTML with
 * plain forms; every form carries a CSRF token (the session's, or before sign-in a double-submit
 * cookie's), and a link is used up only by a POST, never by opening it. The passkey ceremonies are
 * small JSON calls from the pages' one script, with the same token in `x-hub-csrf`.
 */
import { randomBytes } from 'node:crypto';
import { readForm as readPostedForm } from '#shared/http/pages.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { readConfig } from '#shared/config.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { HttpProblem } from '#shared/http/problem.ts';
import { pathParameter } from '#shared/http/request.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import {
  checkEmailPage,
  confirmRevokePage,
  confirmSignInPage,
  homePage,
  linkProblemPage,
  notAdminPage,
  notFoundPage,
  peoplePage,
  refusedFormPage,
  setupPage,
  signInPage,
  throttledPage,
} from '#shared/people/pages.ts';
import type { Page, PasskeyPagePart } from '#shared/people/pages.ts';
import { passkeyScript, passkeyScriptUrl } from '#shared/people/passkey-script.ts';
import { addPasskey, listPasskeys, passkeyRegistrationOptions, passkeySignInOptions, refusalWords, removePasskey, signInWithPasskey } from '#shared/people/passkey-use-cases.ts';
import type { PasskeyRefusal } from '#shared/people/passkey-use-cases.ts';
import { authenticationBody, passkeyOrigin, registrationBody } from '#shared/people/passkeys.ts';
import { allows, invitationBody, setupForm } from '#shared/people/person.ts';
import type { CurrentSession, SignedIn } from '#shared/people/use-cases.ts';
import { acceptInvitation, currentSession, invitePerson, listPeople, openLink, requestSignInLink, resendInvitation, revokePerson, signInWithLink, signOut, signOutEverywhere } from '#shared/people/use-cases.ts';
import type { SignInDeps } from '#shared/people/wiring.ts';
import { signInDeps } from '#shared/people/wiring.ts';
import { clearedSessionCookie, cookieNames, formToken, readCookie, sessionCookie } from '#shared/sessions/cookies.ts';
import { sameToken } from '#shared/sessions/session.ts';
import { privatePageHeaders } from '#shared/http/html.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { readJsonBody } from '#shared/http/request.ts';

const MAX_FORM_BYTES = 16 * 1024;

interface Answer {
  readonly page?: Page;
  readonly redirect?: string;
  readonly cookies?: readonly string[];
  readonly headers?: Record<string, string>;
}

function respond(answer: Answer): APIGatewayProxyStructuredResultV2 {
  const cookies = answer.cookies?.length ? { cookies: [...answer.cookies] } : {};
  if (answer.redirect !== undefined) {
    return { statusCode: 303, headers: { location: answer.redirect, 'cache-control': 'no-store', ...answer.headers }, body: '', ...cookies };
  }
  const page = answer.page;
  if (!page) throw new Error('An answer needs a page or a redirect');
  return {
    statusCode: page.status,
    // Links carry one-time tokens and pages personal data.
    headers: { ...privatePageHeaders(page.nonce), ...answer.headers },
    body: page.html,
    ...cookies,
  };
}

const readForm = (event: APIGatewayProxyEventV2) => readPostedForm(event, MAX_FORM_BYTES);

const firstProblem = (error: z.ZodError, field: string) => error.issues.find((issue) => issue.path[0] === field)?.message;

const refusalStatus: Readonly<Record<PasskeyRefusal, number>> = {
  challenge: 400,
  'unknown-passkey': 400,
  'not-verified': 400,
  'not-allowed': 403,
  'already-added': 409,
  'too-many': 409,
};

const passkeyProblem = (reason: PasskeyRefusal) =>
  new HttpProblem({ status: refusalStatus[reason], code: `passkey-${reason}`, title: 'The passkey was not accepted', detail: refusalWords[reason] });

const csrfProblem = () =>
  new HttpProblem({ status: 403, code: 'csrf-token-refused', title: 'The request did not come from the hub\'s page', detail: 'Reload the page and try again.' });

const notSignedInProblem = () => new HttpProblem({ status: 403, code: 'not-signed-in', title: 'You are not signed in', detail: 'Sign in again, then try once more.' });

export function createHandler(deps: SignInDeps) {
  const secure = deps.secureCookies;
  const names = cookieNames(secure);
  const passkeyPart = (): PasskeyPagePart => ({ script: passkeyScriptUrl(), origin: passkeyOrigin(deps.relyingParty), rpId: deps.relyingParty.id });
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const nonce = randomBytes(16).toString('base64');
    const sourceIp = event.requestContext.http.sourceIp;
    const before = formToken(event, secure);
    const withFormToken = (answer: Answer): Answer => (before.setCookie ? { ...answer, cookies: [...(answer.cookies ?? []), before.setCookie] } : answer);
    /** A form shown before sign-in posts back its cookie's token; a session's form posts the session's. */
    const formFromPage = (form: URLSearchParams) => before.setCookie === undefined && sameToken(before.token, form.get('csrf') ?? undefined);
    const refused = (): Answer => withFormToken({ page: refusedFormPage(nonce) });
    const current = () => currentSession(deps, readCookie(event, names.session));
    /** A passkey call from the sign-in page: its form token cookie, and the same token in `x-hub-csrf`. */
    const jsonFromPage = () => before.setCookie === undefined && sameToken(before.token, event.headers['x-hub-csrf']);
    const accountPage = async (session: CurrentSession, notice?: string) =>
      homePage(nonce, {
        person: session.person,
        company: session.licensee.legalName,
        csrf: session.session.csrfToken,
        passkeys: await listPasskeys(deps, session),
        passkey: passkeyPart(),
        ...(notice ? { notice } : {}),
      });
    /** Signed in: a new session token (never one the browser brought), the old session ended. */
    const signedIn = async (done: SignedIn): Promise<Answer> => {
      const previous = await current();
      if (previous) await signOut(deps, previous);
      return { redirect: '/console', cookies: [sessionCookie(done.token, secure)] };
    };

    switch (event.routeKey) {
      case 'GET /sign-in':
        return respond(withFormToken({ page: signInPage(nonce, before.token, { passkey: passkeyPart() }) }));
      case 'POST /sign-in': {
        const form = readForm(event);
        if (!formFromPage(form)) return respond(refused());
        const email = (form.get('email') ?? '').trim();
        const parsed = z.email().max(254).safeParse(email);
        if (!parsed.success) return respond({ page: signInPage(nonce, before.token, { email, problem: 'Enter your e-mail address, like name@example.com', status: 422, passkey: passkeyPart() }) });
        const sent = await requestSignInLink(deps, parsed.data, sourceIp);
        if (sent.kind === 'throttled') return respond({ page: throttledPage(nonce, sent.retryAfterSeconds), headers: { 'retry-after': String(sent.retryAfterSeconds) } });
        return respond({ page: checkEmailPage(nonce, parsed.data) });
      }
      case 'GET /sign-in/{token}':
      case 'POST /sign-in/{token}':
      case 'GET /invitations/{token}':
      case 'POST /invitations/{token}': {
        const purpose = event.routeKey.includes('/invitations/') ? 'invitation' : 'sign-in';
        const token = pathParameter(event, 'token');
        const action = `${purpose === 'invitation' ? '/invitations' : '/sign-in'}/${encodeURIComponent(token)}`;
        const posted = event.requestContext.http.method === 'POST' ? readForm(event) : undefined;
        if (posted && !formFromPage(posted)) return respond(refused());
        const opened = await openLink(deps, purpose, token, sourceIp);
        if (opened.kind === 'throttled') return respond({ page: throttledPage(nonce, opened.retryAfterSeconds), headers: { 'retry-after': String(opened.retryAfterSeconds) } });
        if (opened.kind !== 'usable') return respond(withFormToken({ page: linkProblemPage(nonce, opened.kind, purpose) }));
        if (purpose === 'sign-in') {
          if (!posted) return respond(withFormToken({ page: confirmSignInPage(nonce, before.token, opened.person, action) }));
          const done = await signInWithLink(deps, opened);
          return respond('kind' in done ? { page: linkProblemPage(nonce, 'used', purpose) } : await signedIn(done));
        }
        const company = (await deps.licensees.get(opened.person.licenseeId))?.legalName ?? 'Your company';
        if (!posted) return respond(withFormToken({ page: setupPage(nonce, before.token, opened.person, company, action) }));
        const setup = setupForm.safeParse({ name: posted.get('name') ?? '' });
        if (!setup.success) return respond({ page: setupPage(nonce, before.token, { ...opened.person, name: posted.get('name') ?? '' }, company, action, firstProblem(setup.error, 'name')) });
        const done = await acceptInvitation(deps, opened, setup.data.name);
        return respond('kind' in done ? { page: linkProblemPage(nonce, 'used', purpose) } : await signedIn(done));
      }
      case 'GET /console': {
        const session = await current();
        if (!session) return respond({ redirect: '/sign-in', cookies: [clearedSessionCookie(secure)] });
        const notice = event.queryStringParameters?.['passkey'] === 'added' ? 'Your passkey was added. Next time, sign in with it.' : undefined;
        return respond({ page: await accountPage(session, notice) });
      }
      case 'GET /assets/passkeys.js': {
        const script = passkeyScript();
        return {
          statusCode: 200,
          headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff', etag: `"${script.version}"` },
          body: script.body,
        };
      }
      case 'POST /sign-in/passkey/options': {
        if (!jsonFromPage()) throw csrfProblem();
        const answer = await passkeySignInOptions(deps, before.token, sourceIp);
        if (answer.kind === 'throttled') throw throttledProblem(answer.retryAfterSeconds);
        return jsonResponse(200, answer.options, { 'cache-control': 'no-store' });
      }
      case 'POST /sign-in/passkey/verify': {
        if (!jsonFromPage()) throw csrfProblem();
        const answer = await signInWithPasskey(deps, readJsonBody(event, authenticationBody), before.token, sourceIp);
        if (answer.kind === 'throttled') throw throttledProblem(answer.retryAfterSeconds);
        if (answer.kind === 'refused') throw passkeyProblem(answer.reason);
        const done = await signedIn(answer.signedIn);
        return { ...jsonResponse(200, { next: done.redirect }, { 'cache-control': 'no-store' }), cookies: [...(done.cookies ?? [])] };
      }
      case 'POST /console/passkeys/options':
      case 'POST /console/passkeys': {
        const session = await current();
        if (!session) throw notSignedInProblem();
        if (!sameToken(session.session.csrfToken, event.headers['x-hub-csrf'])) throw csrfProblem();
        if (event.routeKey === 'POST /console/passkeys/options') {
          const answer = await passkeyRegistrationOptions(deps, session);
          if (answer.kind === 'refused') throw passkeyProblem(answer.reason);
          return jsonResponse(200, answer.options, { 'cache-control': 'no-store' });
        }
        const answer = await addPasskey(deps, session, readJsonBody(event, registrationBody));
        if (answer.kind === 'refused') throw passkeyProblem(answer.reason);
        return jsonResponse(201, { name: answer.passkey.name, createdAt: answer.passkey.createdAt }, { 'cache-control': 'no-store' });
      }
      case 'POST /console/passkeys/{id}/remove': {
        const form = readForm(event);
        const session = await current();
        if (!session) return respond({ redirect: '/sign-in', cookies: [clearedSessionCookie(secure)] });
        if (!sameToken(session.session.csrfToken, form.get('csrf') ?? undefined)) return respond(refused());
        if (!(await removePasskey(deps, session, pathParameter(event, 'id')))) return respond({ page: notFoundPage(nonce) });
        return respond({ page: await accountPage(session, 'The passkey was removed. It no longer signs you in.') });
      }
      case 'POST /sign-out':
      case 'POST /sign-out/everywhere': {
        const form = readForm(event);
        const session = await current();
        if (!session) return respond({ redirect: '/sign-in', cookies: [clearedSessionCookie(secure)] });
        if (!sameToken(session.session.csrfToken, form.get('csrf') ?? undefined)) return respond(refused());
        await (event.routeKey === 'POST /sign-out' ? signOut(deps, session) : signOutEverywhere(deps, session));
        return respond({ redirect: '/sign-in', cookies: [clearedSessionCookie(secure)] });
      }
      case 'GET /console/people':
      case 'POST /console/people': {
        const session = await current();
        if (!session) return respond({ redirect: '/sign-in', cookies: [clearedSessionCookie(secure)] });
        if (!allows(session.person.roles, 'manage-people')) return respond({ page: notAdminPage(nonce) });
        const csrf = session.session.csrfToken;
        const viewerId = session.person.id;
        const people = async () => (await listPeople(deps, session.caller, { limit: 100 })).items;
        if (event.requestContext.http.method === 'GET') return respond({ page: peoplePage(nonce, { people: await people(), csrf, viewerId }) });
        const form = readForm(event);
        if (!sameToken(csrf, form.get('csrf') ?? undefined)) return respond(refused());
        const entered = { email: (form.get('email') ?? '').trim(), name: form.get('name') ?? '', roles: form.getAll('roles') };
        const parsed = invitationBody.safeParse(entered);
        if (!parsed.success) {
          const problems = Object.fromEntries(
            (['email', 'name', 'roles'] as const).flatMap((field) => {
              const message = firstProblem(parsed.error, field);
              return message ? [[field, field === 'roles' ? 'Choose at least one role' : message]] : [];
            }),
          );
          return respond({ page: peoplePage(nonce, { people: await people(), csrf, viewerId, form: entered, problems }) });
        }
        try {
          const invited = await invitePerson(deps, session.caller, parsed.data);
          return respond({ page: peoplePage(nonce, { people: await people(), csrf, viewerId, notice: `Invitation sent to ${invited.email}.` }) });
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          return respond({ page: peoplePage(nonce, { people: await people(), csrf, viewerId, form: entered, problems: { email: 'This address already has an account on the hub' } }) });
        }
      }
      case 'POST /console/people/{id}/revoke':
      case 'POST /console/people/{id}/resend': {
        const form = readForm(event);
        const session = await current();
        if (!session) return respond({ redirect: '/sign-in', cookies: [clearedSessionCookie(secure)] });
        if (!allows(session.person.roles, 'manage-people')) return respond({ page: notAdminPage(nonce) });
        const csrf = session.session.csrfToken;
        if (!sameToken(csrf, form.get('csrf') ?? undefined)) return respond(refused());
        const personId = pathParameter(event, 'id');
        const viewerId = session.person.id;
        const people = async () => (await listPeople(deps, session.caller, { limit: 100 })).items;
        try {
          if (event.routeKey === 'POST /console/people/{id}/resend') {
            const person = await resendInvitation(deps, session.caller, personId);
            return respond({ page: peoplePage(nonce, { people: await people(), csrf, viewerId, notice: `A new invitation went to ${person.email}. The one sent before no longer works.` }) });
          }
          if (form.get('confirm') !== 'yes') {
            const person = (await people()).find((p) => p.id === personId);
            if (!person) return respond({ page: notFoundPage(nonce) });
            return respond({ page: confirmRevokePage(nonce, csrf, person) });
          }
          const person = await revokePerson(deps, session.caller, personId);
          return respond({ page: peoplePage(nonce, { people: await people(), csrf, viewerId, notice: `${person.name} was revoked: signed out everywhere, and no longer able to sign in.` }) });
        } catch (error) {
          if (error instanceof NotFoundError) return respond({ page: notFoundPage(nonce) });
          if (!(error instanceof ConflictError)) throw error;
          return respond({ page: peoplePage(nonce, { people: await people(), csrf, viewerId, notice: error.message, status: 409 }) });
        }
      }
      default:
        throw new Error(`Route ${event.routeKey} is not a sign-in route`);
    }
  });
}

const throttledProblem = (retryAfterSeconds: number) =>
  new HttpProblem({ status: 429, code: 'too-many-tries', title: 'Too many tries from here', detail: `Try again in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minutes.`, retryAfterSeconds });

export const handler = createHandler(signInDeps(readConfig()));
