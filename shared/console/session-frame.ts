/**
 * What every console page starts from: the session the cookie names (as sign-in resolves it) and
 * the frame its pages are drawn in. No session: the person is sent to sign in, with the stale
 * cookie cleared.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { seeOther } from '../http/pages.ts';
import type { CurrentSession, PeopleDeps } from '../people/use-cases.ts';
import { currentSession } from '../people/use-cases.ts';
import { clearedSessionCookie, cookieNames, readCookie } from '../sessions/cookies.ts';
import type { Frame } from './layout.ts';

export interface ConsoleRequest {
  readonly session: CurrentSession;
  readonly frame: Frame;
  /** The page's script nonce (also the frame's). */
  readonly nonce: string;
}

export async function consoleRequest(
  deps: { readonly people: PeopleDeps; readonly secureCookies: boolean },
  event: APIGatewayProxyEventV2,
): Promise<ConsoleRequest | APIGatewayProxyStructuredResultV2> {
  const nonce = randomBytes(16).toString('base64');
  const session = await currentSession(deps.people, readCookie(event, cookieNames(deps.secureCookies).session));
  if (!session) return seeOther('/sign-in', [clearedSessionCookie(deps.secureCookies)]);
  return { session, nonce, frame: { nonce, person: session.person, company: session.licensee.legalName, csrf: session.session.csrfToken } };
}

/** Whether the request found no session and was answered already. */
export const answered = (request: ConsoleRequest | APIGatewayProxyStructuredResultV2): request is APIGatewayProxyStructuredResultV2 => !('session' in request);
