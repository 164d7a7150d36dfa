/**
 * The people's pages: sign-in by a link e-mailed to them, taking up an invitation, their account
 * page, signing out (here or everywhere), and the admin's people page. Server-rendered HTML with
 * plain forms; every form carries a CSRF token (the session's, or before sign-in a double-submit
 * cookie's), and a link is used up only by a POST, never by opening it.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { readConfig } from '#shared/config.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { HttpProblem } from '#shared/http/problem.ts';
import { pathParameter } from '#shared/http/request.ts';
import { ConflictError } from '#shared/errors.ts';
import { checkEmailPage, confirmSignInPage, homePage, linkProblemPage, notAdminPage, peoplePage, refusedFormPage, setupPage, signInPage, throttledPage } from '#shared/people/pages.ts';
import type { Page } from '#shared/people/pages.ts';
import { allows, invitationBody, setupForm } from '#shared/people/person.ts';
import type { PeopleDeps, SignedIn } from '#shared/people/use-cases.ts';
import { acceptInvitation, currentSession, invitePerson, listPeople, openLink, requestSignInLink, signInWithLink, signOut, signOutEverywhere } from '#shared/people/use-cases.ts';
import { clearedSessionCookie, cookieNames, formToken, readCookie, sessionCookie } from '#shared/sessions/cookies.ts';
import { sameToken } from '#shared/sessions/session.ts';
import type { SignInSettings } from '#shared/wiring/people.ts';
import { peopleDeps } from '#shared/wiring/people.ts';
import { privatePageHeaders } from '#shared/http/html.ts';

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

function readForm(event: APIGatewayProxyEventV2): URLSearchParams {
  const type = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpProblem({ status: 415, code: 'unsupported-media-type', title: 'Send the form', detail: 'The page posts application/x-www-form-urlencoded.' });
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length > MAX_FORM_BYTES) throw new HttpProblem({ status: 413, code: 'payload-too-large', title: 'The form is too large', detail: 'The limit is 16 KB.' });
  return new URLSearchParams(raw.toString('utf8'));
}

const firstProblem = (error: z.ZodError, field: string) => error.issues.find((issue) => issue.path[0] === field)?.message;

export function createHandler(deps: PeopleDeps & SignInSettings) {
  const secure = deps.secureCookies;
  const names = cookieNames(secure);
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const nonce = randomBytes(16).toString('base64');
    const sourceIp = event.requestContext.http.sourceIp;
    const before = formToken(event, secure);
    const withFormToken = (answer: Answer): Answer => (before.setCookie ? { ...answer, cookies: [...(answer.cookies ?? []), before.setCookie] } : answer);
    /** A form shown before sign-in posts back its cookie's token; a session's form posts the session's. */
    const formFromPage = (form: URLSearchParams) => before.setCookie === undefined && sameToken(before.token, form.get('csrf') ?? undefined);
    const refused = (): Answer => withFormToken({ page: refusedFormPage(nonce) });
    const current = () => currentSession(deps, readCookie(event, names.session));
    /** Signed in: a new session token (never one the browser brought), the old session ended. */
    const signedIn = async (done: SignedIn): Promise<Answer> => {
      const previous = await current();
      if (previous) await signOut(deps, previous);
      return { redirect: '/console', cookies: [sessionCookie(done.token, secure)] };
    };

    switch (event.routeKey) {
      case 'GET /sign-in':
        return respond(withFormToken({ page: signInPage(nonce, before.token) }));
      case 'POST /sign-in': {
        const form = readForm(event);
        if (!formFromPage(form)) return respond(refused());
        const email = (form.get('email') ?? '').trim();
        const parsed = z.email().max(254).safeParse(email);
        if (!parsed.success) return respond({ page: signInPage(nonce, before.token, { email, problem: 'Enter your e-mail address, like name@example.com', status: 422 }) });
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
        return respond({ page: homePage(nonce, { person: session.person, company: session.licensee.legalName, csrf: session.session.csrfToken }) });
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
        const people = async () => (await listPeople(deps, session.caller, { limit: 100 })).items;
        if (event.requestContext.http.method === 'GET') return respond({ page: peoplePage(nonce, { people: await people(), csrf }) });
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
          return respond({ page: peoplePage(nonce, { people: await people(), csrf, form: entered, problems }) });
        }
        try {
          const invited = await invitePerson(deps, session.caller, parsed.data);
          return respond({ page: peoplePage(nonce, { people: await people(), csrf, notice: `Invitation sent to ${invited.email}.` }) });
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
          return respond({ page: peoplePage(nonce, { people: await people(), csrf, form: entered, problems: { email: 'This address already has an account on the hub' } }) });
        }
      }
      default:
        throw new Error(`Route ${event.routeKey} is not a sign-in route`);
    }
  });
}

export const handler = createHandler(peopleDeps(readConfig()));
