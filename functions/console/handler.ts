/**
 * The console's pages for signed-in people: Today, the transfer lists, a transfer and its actions,
 * the driver's trips. The session cookie is the credential, resolved as sign-in resolves it; every
 * form posts the session's CSRF token; actions go through the API's use-cases with the person as
 * the caller, and the person's role must allow them.
 */
import { pageResponse, readForm as readPostedForm, seeOther } from '#shared/http/pages.ts';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { readConfig } from '#shared/config.ts';
import { ConflictError, ForbiddenError, InvalidCursorError, NotFoundError, RuleViolationError, StaleVersionError } from '#shared/errors.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { pathParameter } from '#shared/http/request.ts';
import type { Page } from '#shared/people/pages.ts';
import { refusedFormPage } from '#shared/people/pages.ts';
import { sameToken } from '#shared/sessions/session.ts';
import { transferStatuses } from '#shared/domain/transfer/index.ts';
import { answered, consoleRequest } from '#shared/console/session-frame.ts';
import { consoleProblemPage, listPage, todayPage, transferPage, tripsPage } from '#shared/console/pages.ts';
import type { ActionOutcome, ConsoleDeps, ListRequest } from '#shared/console/use-cases.ts';
import { act, directions, isConsoleAction, manifestPdfUrl, today, transferList, transferView, trips } from '#shared/console/use-cases.ts';
import { consoleDeps } from '#shared/console/wiring.ts';

const MAX_FORM_BYTES = 16 * 1024;

const page = (answer: Page) => pageResponse(answer);
const redirect = seeOther;
const readForm = (event: APIGatewayProxyEventV2) => readPostedForm(event, MAX_FORM_BYTES);

const listQuery = z.object({
  direction: z.enum(directions).catch('outgoing'),
  status: z.enum(transferStatuses).optional().catch(undefined),
  q: z.string().max(100).optional().catch(undefined),
  cursor: z.string().max(2048).optional().catch(undefined),
});

const doneNotices: Readonly<Record<string, string>> = {
  manifest: 'The manifest is issued.',
  discard: 'The draft is thrown away.',
  depart: 'Departure recorded.',
  arrive: 'Arrival recorded.',
  void: 'The transfer is cancelled.',
  'receipt-link': 'A new receipt link is ready; the one before no longer works.',
};

/** Why an action did not happen, in words for the page, and its status. */
function refusalOf(error: unknown): { status: 403 | 409 | 422; text: string } | undefined {
  if (error instanceof ForbiddenError) return { status: 403, text: 'Your role or your company’s part in this transfer does not allow this.' };
  if (error instanceof StaleVersionError) return { status: 409, text: 'Someone changed this transfer since you opened it. Here it is as it is now; try again if it still needs doing.' };
  if (error instanceof ConflictError) return { status: 409, text: error.code === 'invalid-transition' ? 'This cannot be done in the state the transfer is in now.' : error.message };
  if (error instanceof RuleViolationError) return { status: 422, text: error.errors.map((e) => e.message).join(' ') };
  if (error instanceof z.ZodError) return { status: 422, text: 'Say why the transfer is cancelled.' };
  return undefined;
}

export function createHandler(deps: ConsoleDeps) {
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const request = await consoleRequest(deps, event);
    if (answered(request)) return request;
    const { session, frame, nonce } = request;
    const now = () => deps.transfers.now();
    const notFound = () => page(consoleProblemPage(frame, 404, 'No such transfer', 'There is no transfer here, or your company is not a party to it.'));

    switch (event.routeKey) {
      case 'GET /console/today':
        return page(todayPage(frame, await today(deps, session), now()));
      case 'GET /console/trips':
        return page(tripsPage(frame, await trips(deps, session), frame.csrf, now()));
      case 'GET /console/transfers': {
        const query = listQuery.parse(event.queryStringParameters ?? {});
        const request: ListRequest = {
          direction: query.direction,
          ...(query.status ? { status: query.status } : {}),
          ...(query.q?.trim() ? { q: query.q.trim() } : {}),
          ...(query.cursor ? { cursor: query.cursor } : {}),
        };
        try {
          const found = await transferList(deps, session.caller, request);
          return page(listPage(frame, { request, rows: found.items, ...(found.cursor ? { cursor: found.cursor } : {}) }, now()));
        } catch (error) {
          if (!(error instanceof InvalidCursorError)) throw error;
          const { cursor: _stale, ...first } = request;
          return page(listPage(frame, { request: first, rows: (await transferList(deps, session.caller, first)).items }, now()));
        }
      }
    }

    const id = pathParameter(event, 'id');
    switch (event.routeKey) {
      case 'GET /console/transfers/{id}': {
        const done = event.queryStringParameters?.['done'];
        try {
          const view = await transferView(deps, session, id);
          return page(transferPage(frame, view, now(), done && doneNotices[done] ? { notice: doneNotices[done] } : undefined));
        } catch (error) {
          if (error instanceof NotFoundError) return notFound();
          throw error;
        }
      }
      case 'GET /console/transfers/{id}/manifest.pdf':
        try {
          return { statusCode: 302, headers: { location: await manifestPdfUrl(deps, session.caller, id), 'cache-control': 'no-store' }, body: '' };
        } catch (error) {
          if (error instanceof NotFoundError || error instanceof ConflictError) return page(consoleProblemPage(frame, 404, 'No manifest yet', 'This transfer has no manifest to open.'));
          throw error;
        }
      case 'POST /console/transfers/{id}/{action}': {
        const form = readForm(event);
        if (!sameToken(session.session.csrfToken, form.get('csrf') ?? undefined)) return page(refusedFormPage(nonce));
        const action = pathParameter(event, 'action');
        if (!isConsoleAction(action)) return notFound();
        let outcome: ActionOutcome;
        try {
          outcome = await act(deps, session, id, action, form);
        } catch (error) {
          if (error instanceof NotFoundError) return notFound();
          const refusal = refusalOf(error);
          if (!refusal) throw error;
          if (refusal.status === 403) return page(consoleProblemPage(frame, 403, 'Not allowed', refusal.text));
          const view = await transferView(deps, session, id);
          return page(transferPage(frame, view, now(), { notice: '', warnings: [refusal.text] }, refusal.status));
        }
        if (outcome.warnings?.length) return page(transferPage(frame, await transferView(deps, session, id), now(), outcome));
        return redirect(form.get('back') === 'trips' ? '/console/trips' : `/console/transfers/${encodeURIComponent(id)}?done=${action}`);
      }
      default:
        throw new Error(`Route ${event.routeKey} is not a console route`);
    }
  });
}

export const handler = createHandler(await consoleDeps(readConfig()));
