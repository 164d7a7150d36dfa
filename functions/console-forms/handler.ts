/**
 * The console's two big forms: a new transfer (and a draft's edit page), and receiving a shipment.
 * The session cookie is the credential, resolved as the console resolves it; every post carries the
 * session's CSRF token; the work goes through the API's use-cases with the person as the caller,
 * and the person's role must allow it (shipping for drafts and manifests, receiving for receipts).
 */
import { formBody as postedBody, pageResponse, seeOther } from '#shared/http/pages.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readConfig } from '#shared/config.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError, StaleVersionError } from '#shared/errors.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { pathParameter } from '#shared/http/request.ts';
import type { Page } from '#shared/people/pages.ts';
import { refusedFormPage } from '#shared/people/pages.ts';
import { acceptingTheRest, formProblems, readForm as readReceiptForm, receiptFromForm } from '#shared/receipt-links/form.ts';
import type { FormProblem as ReceiptProblem, ReceiptForm } from '#shared/receipt-links/form.ts';
import { sameToken } from '#shared/sessions/session.ts';
import type { Frame } from '#shared/console/layout.ts';
import { answered, consoleRequest } from '#shared/console/session-frame.ts';
import type { CurrentSession } from '#shared/people/use-cases.ts';
import { consoleProblemPage } from '#shared/console/pages.ts';
import { statusWords } from '#shared/console/words.ts';
import { stateSystemOf } from '#shared/transfers/state-system.ts';
import type { StoredTransfer } from '#shared/transfers/use-cases.ts';
import { addTags, createBodyFromForm, emptyDraftForm, formOfDraft, patchFromForm, pointedProblems, readDraftForm, readIntent, waitingTags } from '#shared/console-forms/draft-form.ts';
import type { DraftForm, FormProblem } from '#shared/console-forms/draft-form.ts';
import { draftPage } from '#shared/console-forms/draft-page.ts';
import type { DraftPageView } from '#shared/console-forms/draft-page.ts';
import { receivedPage, receivePage, totalsOf } from '#shared/console-forms/receive-page.ts';
import type { ConsoleFormDeps } from '#shared/console-forms/use-cases.ts';
import {
  createDraft,
  issueManifest,
  knownPackages,
  ownDraft,
  packagePicker,
  pickers,
  receivable,
  receivingSheet,
  recordReceipt,
  requireRole,
  updateDraft,
} from '#shared/console-forms/use-cases.ts';
import { consoleFormDeps } from '#shared/console-forms/wiring.ts';

/** A receipt of 1000 lines, each with a short note, fits. */
const MAX_FORM_BYTES = 512 * 1024;

const page = (answer: Page) => pageResponse(answer);
const redirect = seeOther;
const formBody = (event: APIGatewayProxyEventV2) => postedBody(event, MAX_FORM_BYTES);

const labelOf = (transfer: StoredTransfer): string => (transfer.manifest ? `Manifest ${transfer.manifest.number}` : `Draft ${transfer.id.slice(-6)}`);
const transferPath = (id: string) => `/console/transfers/${encodeURIComponent(id)}`;

export function createHandler(deps: ConsoleFormDeps) {
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const request = await consoleRequest(deps, event);
    if (answered(request)) return request;
    const { session, frame, nonce } = request;
    const { caller } = session;
    const notFound = () => page(consoleProblemPage(frame, 404, 'No such transfer', 'There is no transfer here, or your company is not a party to it.'));
    const notAllowed = () => page(consoleProblemPage(frame, 403, 'Not allowed', 'Your role does not allow this. Ask an admin of your company.'));
    const posted = event.requestContext.http.method === 'POST';
    let body = '';
    if (posted) {
      body = formBody(event);
      if (!sameToken(session.session.csrfToken, new URLSearchParams(body).get('csrf') ?? undefined)) return page(refusedFormPage(nonce));
    }

    try {
      switch (event.routeKey) {
        case 'GET /console/transfers/new':
          requireRole(session, 'edit-drafts');
          return page(draftPage(frame, { form: emptyDraftForm(), pickers: await pickers(deps, caller), packages: await packagePicker(deps, session), problems: [] }));
        case 'POST /console/transfers/new':
          requireRole(session, 'edit-drafts');
          return await draftPost(deps, session, frame, new URLSearchParams(body));
        case 'GET /console/transfers/{id}/edit': {
          requireRole(session, 'edit-drafts');
          const draft = await ownDraft(deps, caller, pathParameter(event, 'id'));
          if (draft.status !== 'DRAFT') return redirect(transferPath(draft.id));
          const saved = event.queryStringParameters?.['saved'] === '1';
          return page(
            draftPage(frame, {
              draft: { id: draft.id, version: draft.version, label: labelOf(draft) },
              form: formOfDraft(draft),
              pickers: await pickers(deps, caller),
              packages: await packagePicker(deps, session),
              problems: [],
              ...(saved ? { notice: 'The draft is saved.' } : {}),
            }),
          );
        }
        case 'POST /console/transfers/{id}/edit': {
          requireRole(session, 'edit-drafts');
          const draft = await ownDraft(deps, caller, pathParameter(event, 'id'));
          if (draft.status !== 'DRAFT') return page(consoleProblemPage(frame, 409, 'Not a draft any more', `This transfer is ${statusWords[draft.status].toLowerCase()}: only a draft can be changed.`));
          return await draftPost(deps, session, frame, new URLSearchParams(body), draft);
        }
        case 'GET /console/transfers/{id}/receive':
        case 'POST /console/transfers/{id}/receive': {
          requireRole(session, 'receive');
          const { transfer, open } = await receivable(deps, caller, pathParameter(event, 'id'));
          if (transfer.receipt) return page(await received(deps, session, frame, transfer));
          if (!open) {
            return page(consoleProblemPage(frame, 409, 'Not ready to receive', `This transfer is ${statusWords[transfer.status].toLowerCase()}: it can be received once it has left the shipper.`));
          }
          return await receivePost(deps, session, frame, transfer, posted ? body : undefined);
        }
        default:
          throw new Error(`Route ${event.routeKey} is not a console form route`);
      }
    } catch (error) {
      if (error instanceof NotFoundError) return notFound();
      if (error instanceof ForbiddenError) return notAllowed();
      throw error;
    }
  });
}

/** The new-transfer or draft form posted: the waiting tags added first, then what was pressed. */
async function draftPost(deps: ConsoleFormDeps, session: CurrentSession, frame: Frame, params: URLSearchParams, draft?: StoredTransfer): Promise<APIGatewayProxyStructuredResultV2> {
  const { caller } = session;
  const intent = readIntent(params);
  const posted = readDraftForm(params);
  const waiting = waitingTags(posted);
  const { form, added, repeated } = addTags(posted, waiting.length ? await knownPackages(deps, caller, waiting) : new Map());
  const shown = draft ? { id: draft.id, version: Number(params.get('version')) || draft.version, label: labelOf(draft) } : undefined;
  const render = async (view: Partial<DraftPageView> & { readonly form: DraftForm }, status = 200, current = shown) =>
    page(
      draftPage(
        frame,
        {
          ...(current ? { draft: current } : {}),
          pickers: await pickers(deps, caller),
          packages: await packagePicker(deps, session, intent === 'find' ? form.find : undefined),
          problems: [],
          ...view,
        },
        status,
      ),
    );
  const addedWords = [added ? `${added} package${added === 1 ? '' : 's'} added.` : '', repeated.length ? `Already on the list: ${repeated.join(', ')}.` : ''].filter(Boolean).join(' ');
  // After tags were added the scan field is ready for the next one (a scanner's Enter lands there).
  if (intent === 'add' || intent === 'find') {
    return render({ form, ...(addedWords ? { notice: addedWords } : {}), focusScan: intent === 'add' && waiting.length > 0 });
  }
  const refused = (problems: readonly FormProblem[], status = 422, current = shown) => render({ form, problems }, status, current);
  let saved: StoredTransfer;
  try {
    if (!shown) {
      const built = createBodyFromForm(form);
      if ('problems' in built) return await refused(built.problems);
      saved = await createDraft(deps, caller, built.body);
    } else {
      const built = patchFromForm(form);
      if ('problems' in built) return await refused(built.problems);
      saved = await updateDraft(deps, caller, shown.id, built.body, shown.version);
    }
  } catch (error) {
    if (error instanceof RuleViolationError) return refused(pointedProblems(error.errors));
    if (error instanceof StaleVersionError) {
      return render({ form, problems: [{ field: 'form', message: 'Someone changed this draft since you opened it. Open it again to see their changes.' }] }, 409);
    }
    throw error;
  }
  if (intent === 'save') return redirect(`${transferPath(saved.id)}/edit?saved=1`);
  // The draft is saved; now the manifest, as the API issues it.
  const current = { id: saved.id, version: saved.version, label: labelOf(saved) };
  try {
    requireRole(session, 'manifest');
    await issueManifest(deps, caller, saved.id, saved.version);
  } catch (error) {
    if (error instanceof RuleViolationError) return refused([...pointedProblems(error.errors)], 422, current);
    if (error instanceof ConflictError || error instanceof StaleVersionError) {
      return refused([{ field: 'form', message: error instanceof ConflictError ? error.message : 'Someone changed this draft meanwhile: open it again.' }], 409, current);
    }
    throw error;
  }
  return redirect(`${transferPath(saved.id)}?done=manifest`);
}

type Intent = 'find' | 'accept-rest' | 'submit';
const receiveIntent = (params: URLSearchParams): Intent => {
  const intent = params.get('intent');
  return intent === 'find' || intent === 'accept-rest' ? intent : 'submit';
};

/** The receiving form: shown, a tag found, the rest accepted, or the receipt recorded through the API's use-case. */
async function receivePost(deps: ConsoleFormDeps, session: CurrentSession, frame: Frame, transfer: StoredTransfer, body: string | undefined): Promise<APIGatewayProxyStructuredResultV2> {
  const lines = transfer.content.lines;
  const base = {
    id: transfer.id,
    label: labelOf(transfer),
    shipperName: transfer.manifest?.parties.shipper.legalName ?? '',
    lines,
    variance: deps.transfers.rules.receivingVariance,
  };
  if (body === undefined) {
    const form: ReceiptForm = { ...readReceiptForm('', lines.length), name: session.person.name };
    return page(receivePage(frame, { ...base, version: transfer.version, form, problems: [] }));
  }
  const params = new URLSearchParams(body);
  const version = Number(params.get('version')) || transfer.version;
  const posted = readReceiptForm(body, lines.length);
  const show = (form: ReceiptForm, extra: { problems?: readonly ReceiptProblem[]; notice?: string; focusLine?: number } = {}, status = 200) =>
    page(receivePage(frame, { ...base, version, form, problems: extra.problems ?? [], ...(extra.notice ? { notice: extra.notice } : {}), ...(extra.focusLine === undefined ? {} : { focusLine: extra.focusLine }) }, status));
  switch (receiveIntent(params)) {
    case 'find': {
      const tag = (params.get('find') ?? '').trim().toUpperCase();
      const exact = lines.findIndex((line) => line.tag === tag);
      const at = exact >= 0 ? exact : tag ? lines.findIndex((line) => line.tag.endsWith(tag)) : -1;
      if (at < 0) return show(posted, tag ? { notice: `No package with the tag ${tag} on this manifest.` } : {});
      return show(posted, { focusLine: at, notice: `Package ${at + 1}: ${lines[at]?.tag ?? ''}` });
    }
    case 'accept-rest': {
      const before = totalsOf(posted, lines.length).open;
      return show(acceptingTheRest(posted), { notice: `${before} package${before === 1 ? '' : 's'} accepted as shipped. Record the receipt when you are done.` });
    }
    case 'submit': {
      const parsed = receiptFromForm(posted, lines, deps.transfers.rules.receivingVariance);
      if ('problems' in parsed) return show(posted, { problems: parsed.problems }, 422);
      try {
        await recordReceipt(deps, session.caller, transfer.id, parsed.body, version);
      } catch (error) {
        if (error instanceof RuleViolationError) return show(posted, { problems: formProblems(error.errors.map((e) => ({ ...e, code: e.code ?? '' }))) }, 422);
        if (error instanceof StaleVersionError || error instanceof ConflictError) {
          return show(posted, { problems: [{ field: 'form', message: 'This transfer changed since you opened it (someone may have received it). Open it again.' }] }, 409);
        }
        throw error;
      }
      return redirect(`${transferPath(transfer.id)}/receive`);
    }
  }
}

async function received(deps: ConsoleFormDeps, session: CurrentSession, frame: Frame, transfer: StoredTransfer): Promise<Page> {
  const receipt = transfer.receipt;
  const lines = receipt?.lines ?? [];
  const totals = {
    accepted: lines.filter((l) => l.outcome === 'accepted' && l.acceptedQuantity === l.shippedQuantity).length,
    adjusted: lines.filter((l) => l.outcome === 'accepted' && l.acceptedQuantity !== l.shippedQuantity).length,
    rejected: lines.filter((l) => l.outcome === 'rejected').length,
    open: 0,
  };
  const now = deps.transfers.now();
  const [sheet, state] = await Promise.all([receivingSheet(deps, session.caller, transfer.id), stateSystemOf(deps.transfers, transfer, now)]);
  return receivedPage(frame, { id: transfer.id, label: labelOf(transfer), totals, ...(sheet ? { sheet } : {}), state }, now);
}

export const handler = createHandler(await consoleFormDeps(readConfig()));
