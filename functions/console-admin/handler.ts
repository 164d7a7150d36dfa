/**
 * The console's admin pages: API keys, the state-system connections, the registries (partners,
 * drivers, vehicles) and the inventory-movements report. The session cookie is the credential,
 * resolved as the console resolves it; the person's role must be the admin's; every post carries
 * the session's CSRF token; the work goes through the API's use-cases with the person as the
 * caller, so another licensee's records are not found.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import { readConfig } from '#shared/config.ts';
import { ConflictError, InvalidCursorError, NotFoundError, StaleVersionError } from '#shared/errors.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { pageResponse, readForm as readPostedForm, seeOther } from '#shared/http/pages.ts';
import { HttpProblem } from '#shared/http/problem.ts';
import { pathParameter } from '#shared/http/request.ts';
import { newYorkDate } from '#shared/manifests/new-york-time.ts';
import type { Page } from '#shared/people/pages.ts';
import { refusedFormPage } from '#shared/people/pages.ts';
import type { RegistryKind } from '#shared/registries/schemas.ts';
import { sameToken } from '#shared/sessions/session.ts';
import { stateUserBody } from '#shared/state-system/biotrack/representation.ts';
import { userKeyBody } from '#shared/state-system/metrc/credentials.ts';
import { createApiKeyBody } from '#shared/tenants/schemas.ts';
import type { Frame } from '#shared/console/layout.ts';
import { answered, consoleRequest } from '#shared/console/session-frame.ts';
import type { CurrentSession } from '#shared/people/use-cases.ts';
import { collections, emptyRegistryForm, formOfRecord, isCollection, readRegistryForm, readReportForm, registryBodyFromForm, reportQueryFromForm } from '#shared/console-admin/forms.ts';
import type { Collection, FieldProblem } from '#shared/console-admin/forms.ts';
import {
  adminProblemPage,
  apiKeysPage,
  confirmRemovePage,
  confirmRevokeKeyPage,
  connectionsPage,
  notAllowedPage,
  registryFormPage,
  registryListPage,
  reportsPage,
  reportLinkPage,
} from '#shared/console-admin/pages.ts';
import type { ConnectionsPageView } from '#shared/console-admin/pages.ts';
import type { AdminSection, ConsoleAdminDeps } from '#shared/console-admin/use-cases.ts';
import {
  addRegistryEntry,
  allApiKeys,
  connections,
  connectBioTrack,
  enterMetrcKey,
  inventoryMovementsFile,
  linkBioTrackUser,
  mayOpen,
  newApiKey,
  registryEntry,
  registryList,
  removeRegistryEntry,
  replaceRegistryEntry,
  revokeKey,
} from '#shared/console-admin/use-cases.ts';
import { consoleAdminDeps } from '#shared/console-admin/wiring.ts';

const MAX_FORM_BYTES = 16 * 1024;

const page = (answer: Page) => pageResponse(answer);

/** Which admin section a route belongs to: its third path segment. */
function sectionOf(routeKey: string): AdminSection {
  const segment = routeKey.split(' ')[1]?.split('/')[3];
  if (segment === 'api-keys' || segment === 'connections' || segment === 'registries' || segment === 'reports') return segment;
  throw new Error(`Route ${routeKey} is not a console admin route`);
}

const doneNotices: Readonly<Record<string, string>> = {
  revoked: 'The key is revoked: software using it is refused from now on.',
  'state-user': 'The state user is kept.',
  added: 'Added.',
  saved: 'Saved.',
  removed: 'Removed.',
};
const doneOf = (event: APIGatewayProxyEventV2) => {
  const done = event.queryStringParameters?.['done'];
  return done ? doneNotices[done] : undefined;
};

/** A schema's first word on each field, as the form shows it. */
const schemaProblems = (issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string; readonly code: string }[], words: Readonly<Record<string, string>>): FieldProblem[] => {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    if (problems.some((problem) => problem.field === field)) continue;
    problems.push({ field, message: issue.code === 'custom' || issue.code === 'invalid_format' ? issue.message : (words[field] ?? issue.message) });
  }
  return problems;
};

export function createHandler(deps: ConsoleAdminDeps) {
  return httpHandler(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const request = await consoleRequest(deps, event);
    if (answered(request)) return request;
    const { session, frame, nonce } = request;
    if (!mayOpen(session, sectionOf(event.routeKey))) return page(notAllowedPage(frame));
    let form = new URLSearchParams();
    if (event.requestContext.http.method === 'POST') {
      form = readPostedForm(event, MAX_FORM_BYTES);
      if (!sameToken(session.session.csrfToken, form.get('csrf') ?? undefined)) return page(refusedFormPage(nonce));
    }
    const caller = session.caller;

    switch (event.routeKey) {
      case 'GET /console/admin/api-keys':
        return page(apiKeysPage(frame, { keys: await allApiKeys(deps, caller), ...(doneOf(event) ? { notice: doneOf(event) } : {}) }));
      case 'POST /console/admin/api-keys': {
        const label = (form.get('label') ?? '').slice(0, 1000);
        const parsed = createApiKeyBody.safeParse({ label });
        if (!parsed.success) {
          const problems = schemaProblems(parsed.error.issues, { label: label.trim() ? 'Use at most 100 characters' : 'Say what the key is for, e.g. ERP integration' });
          return page(apiKeysPage(frame, { keys: await allApiKeys(deps, caller), label, problems }));
        }
        const { apiKey } = await newApiKey(deps, caller, parsed.data.label);
        return page(apiKeysPage(frame, { keys: await allApiKeys(deps, caller), created: { label: parsed.data.label, apiKey } }));
      }
      case 'POST /console/admin/api-keys/{id}/revoke': {
        const id = pathParameter(event, 'id');
        const key = (await allApiKeys(deps, caller)).find((candidate) => candidate.id === id);
        if (!key) return page(adminProblemPage(frame, 'api-keys', 404, 'No such key', 'There is no such API key of your company.', '/console/admin/api-keys'));
        if (form.get('confirm') !== 'yes') return page(confirmRevokeKeyPage(frame, key));
        await revokeKey(deps, caller, id);
        return seeOther('/console/admin/api-keys?done=revoked');
      }
      case 'GET /console/admin/connections':
        return page(connectionsPage(frame, { view: await connections(deps, session), ...(doneOf(event) ? { notice: doneOf(event) } : {}) }));
      case 'GET /console/admin/connections/biotrack/connect':
        try {
          const started = await connectBioTrack(deps, caller);
          return { statusCode: 302, headers: { location: started.authorizeUrl, 'cache-control': 'no-store' }, body: '' };
        } catch (error) {
          if (error instanceof ConflictError) {
            return page(adminProblemPage(frame, 'connections', 409, 'Not on the NY-API', 'Your company does not report to the BioTrack NY-API.', '/console/admin/connections'));
          }
          throw error;
        }
      case 'POST /console/admin/connections/metrc':
        return page(await metrcKey(deps, session, frame, form));
      case 'POST /console/admin/connections/biotrack/users':
        return stateUser(deps, session, frame, form);
      case 'GET /console/admin/reports': {
        const today = newYorkDate(deps.reports.now().toISOString());
        return page(reportsPage(frame, { from: `${today.slice(0, 8)}01`, to: today, format: 'csv' }));
      }
      case 'POST /console/admin/reports/inventory-movements': {
        const entered = readReportForm(form);
        const resolved = reportQueryFromForm(entered);
        if ('problems' in resolved) return page(reportsPage(frame, entered, resolved.problems));
        const file = await inventoryMovementsFile(deps, caller, resolved.query, ulid);
        if (file.kind === 'link') return page(reportLinkPage(frame, file.url));
        return {
          statusCode: 200,
          headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
          body: file.body,
        };
      }
    }
    return registries(deps, event, session, frame, form);
  });
}

async function metrcKey(deps: ConsoleAdminDeps, session: CurrentSession, frame: Frame, form: URLSearchParams): Promise<Page> {
  const again = async (extra: Omit<ConnectionsPageView, 'view'>, status?: number) => connectionsPage(frame, { view: await connections(deps, session), ...extra }, status);
  const parsed = userKeyBody.safeParse({ userKey: (form.get('userKey') ?? '').slice(0, 1000) });
  if (!parsed.success) return again({ problems: schemaProblems(parsed.error.issues, { userKey: 'Use at most 512 characters' }) });
  try {
    const entered = await enterMetrcKey(deps, session.caller, parsed.data.userKey);
    return await again({ entered });
  } catch (error) {
    if (error instanceof HttpProblem && error.problem.code === 'state-credentials-refused') return again({ problems: [{ field: 'userKey', message: error.problem.detail ?? error.problem.title }] });
    if (error instanceof HttpProblem && error.problem.status === 503) return again({ problems: [{ field: 'form', message: error.problem.detail ?? error.problem.title }] }, 503);
    if (error instanceof ConflictError) return again({ problems: [{ field: 'form', message: 'Your company does not report to Metrc.' }] }, 409);
    throw error;
  }
}

async function stateUser(deps: ConsoleAdminDeps, session: CurrentSession, frame: Frame, form: URLSearchParams): Promise<APIGatewayProxyStructuredResultV2> {
  const apiKeyId = (form.get('apiKeyId') ?? '').slice(0, 64);
  const username = (form.get('username') ?? '').slice(0, 1000);
  const again = async (problems: FieldProblem[], status?: number) =>
    page(connectionsPage(frame, { view: await connections(deps, session), problems, stateUser: { apiKeyId, username } }, status));
  const parsed = stateUserBody.safeParse({ username, password: (form.get('password') ?? '').slice(0, 1000) });
  if (!parsed.success) {
    return again(schemaProblems(parsed.error.issues, { username: username.trim() ? 'Use at most 200 characters' : 'Enter the NY-API user name', password: 'Enter the NY-API password (at most 500 characters)' }));
  }
  try {
    await linkBioTrackUser(deps, session.caller, apiKeyId || 'default', parsed.data);
  } catch (error) {
    if (error instanceof NotFoundError) return again([{ field: 'apiKeyId', message: 'That key is revoked or not one of your company’s: choose another' }]);
    if (error instanceof ConflictError) return again([{ field: 'form', message: 'Your company does not report to the BioTrack NY-API.' }], 409);
    throw error;
  }
  return seeOther('/console/admin/connections?done=state-user');
}

/** The version a form showed; anything else matches no version, so the write is refused as stale. */
const versionOf = (form: URLSearchParams): number | null => {
  const text = form.get('version') ?? '';
  return /^\d{1,9}$/.test(text) ? Number(text) : null;
};

async function registries(
  deps: ConsoleAdminDeps,
  event: APIGatewayProxyEventV2,
  session: CurrentSession,
  frame: Frame,
  form: URLSearchParams,
): Promise<APIGatewayProxyStructuredResultV2> {
  const segment = pathParameter(event, 'collection');
  const notFound = (what = 'entry') => page(adminProblemPage(frame, 'registries', 404, `No such ${what}`, `There is no such ${what} on your company’s file.`, isCollection(segment) ? `/console/admin/registries/${segment}` : '/console/admin/registries/partners'));
  if (!isCollection(segment)) return notFound('list');
  const collection: Collection = segment;
  const kind: RegistryKind = collections[collection].kind;
  const list = `/console/admin/registries/${collection}`;
  const caller = session.caller;

  switch (event.routeKey) {
    case 'GET /console/admin/registries/{collection}': {
      const showing = event.queryStringParameters?.['status'] === 'inactive' ? 'inactive' : 'active';
      const cursor = event.queryStringParameters?.['cursor']?.slice(0, 2048);
      const done = doneOf(event);
      const found = await registryList(deps, caller, kind, showing, cursor).catch((error: unknown) => {
        if (error instanceof InvalidCursorError) return registryList(deps, caller, kind, showing);
        throw error;
      });
      return page(registryListPage(frame, { collection, rows: found.items, showing, ...(found.cursor ? { cursor: found.cursor } : {}), ...(done ? { notice: done } : {}) }));
    }
    case 'GET /console/admin/registries/{collection}/new':
      return page(registryFormPage(frame, { collection, form: emptyRegistryForm(kind) }));
    case 'POST /console/admin/registries/{collection}': {
      const entered = readRegistryForm(kind, form);
      const checked = registryBodyFromForm(kind, entered);
      if ('problems' in checked) return page(registryFormPage(frame, { collection, form: entered, problems: checked.problems }));
      await addRegistryEntry(deps, caller, kind, checked.body);
      return seeOther(`${list}?done=added`);
    }
  }

  const id = pathParameter(event, 'id');
  try {
    const record = await registryEntry(deps, caller, kind, id);
    switch (event.routeKey) {
      case 'GET /console/admin/registries/{collection}/{id}':
        return page(registryFormPage(frame, { collection, record, form: formOfRecord(record) }));
      case 'POST /console/admin/registries/{collection}/{id}': {
        const entered = readRegistryForm(kind, form);
        const checked = registryBodyFromForm(kind, entered);
        if ('problems' in checked) return page(registryFormPage(frame, { collection, record, form: entered, problems: checked.problems }));
        await replaceRegistryEntry(deps, caller, kind, id, checked.body, versionOf(form));
        return seeOther(`${list}?done=saved`);
      }
      case 'POST /console/admin/registries/{collection}/{id}/remove':
        if (form.get('confirm') !== 'yes') return page(confirmRemovePage(frame, record));
        await removeRegistryEntry(deps, caller, kind, id, versionOf(form));
        return seeOther(`${list}?done=removed`);
      default:
        throw new Error(`Route ${event.routeKey} is not a console admin route`);
    }
  } catch (error) {
    if (error instanceof NotFoundError) return notFound();
    if (error instanceof StaleVersionError) {
      const current = await registryEntry(deps, caller, kind, id);
      return page(registryFormPage(frame, { collection, record: current, form: formOfRecord(current), problems: [{ field: 'form', message: 'Someone changed this entry since you opened it. Here it is as it is now; make your change again.' }] }, 409));
    }
    if (error instanceof ConflictError) return page(adminProblemPage(frame, 'registries', 409, 'Removed', 'This entry was removed and cannot be changed.', list));
    throw error;
  }
}

export const handler = createHandler(await consoleAdminDeps(readConfig()));
