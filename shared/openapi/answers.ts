/**
 * The error answers a route gives because of what it reads, not what it does: the shared edge code
 * (`shared/http/`: the body and query readers, idempotency, If-Match), the authorizer, and the API
 * gateway in front of every route (`infra/local/http-server.ts` locally, API Gateway's quotas in AWS).
 * One table, read by the document builder, so that no operation has to remember them by hand; the
 * answers a handler gives for its own reasons (404, 409, 429...) stay with the operation.
 */
import { functions, type RouteDefinition } from '../routes.ts';
import { idempotencyTable } from '../resources.ts';

export interface EdgeAnswer {
  readonly status: number | '5XX';
  /** The problem's `code`. */
  readonly code: string;
  readonly description: string;
  /** Named in `components.responses` when it is the same answer on every route. */
  readonly component?: string;
}

/** What a route reads, as far as the shared edge code is concerned. */
export interface RouteReads {
  /** `json`: `readJsonBody` (application/json); `form`: the receipt form (application/x-www-form-urlencoded). */
  readonly body?: 'json' | 'form';
  /** The names of its query parameters (`readQuery`). */
  readonly query?: readonly string[];
  readonly ifMatch?: 'required' | 'optional';
}

const jsonBody: readonly EdgeAnswer[] = [
  { status: 400, code: 'malformed-json', description: 'The body is not valid JSON' },
  { status: 400, code: 'invalid-utf8', description: 'The body is not valid UTF-8 (bytes are never replaced)' },
  { status: 413, code: 'payload-too-large', description: 'The body is over 1 MB' },
  { status: 415, code: 'unsupported-media-type', description: 'The body is not application/json (or another +json type)' },
  { status: 422, code: 'validation-failed', description: 'A field is not valid or not known: one entry per field, each with its JSON pointer' },
];

const formBody: readonly EdgeAnswer[] = [
  { status: 413, code: 'payload-too-large', description: 'The form is over 1 MB' },
  { status: 415, code: 'unsupported-media-type', description: 'The body is not application/x-www-form-urlencoded' },
];

const query: readonly EdgeAnswer[] = [{ status: 400, code: 'invalid-query', description: 'A query parameter is not valid: one entry per parameter' }];
const cursor: readonly EdgeAnswer[] = [{ status: 400, code: 'invalid-cursor', description: "The cursor is not one this list, caller and query issued (start again without it)" }];

const idempotentPost: readonly EdgeAnswer[] = [
  { status: 400, code: 'invalid-idempotency-key', description: 'The Idempotency-Key header is not 1 to 255 visible ASCII characters' },
  { status: 409, code: 'request-in-progress', description: 'A request with this Idempotency-Key is still being processed (retry in a moment)' },
  { status: 422, code: 'idempotency-key-reused', description: 'This Idempotency-Key was used with another body' },
];

const staleVersion: EdgeAnswer = { status: 412, code: 'stale-version', description: 'If-Match does not name the current version (read it again)' };
const versionRequired: EdgeAnswer = { status: 428, code: 'if-match-required', description: 'If-Match is required' };

const licensee: readonly EdgeAnswer[] = [
  { status: 401, code: 'unauthorized', description: 'No credentials: the Authorization header is missing (locally with WWW-Authenticate: Bearer)', component: 'Unauthorized' },
  {
    status: 403,
    code: 'forbidden',
    description: 'An API key that is unknown, malformed or revoked: API Gateway answers a key its authorizer refuses with 403, not 401',
    component: 'Forbidden',
  },
];

const operator: readonly EdgeAnswer[] = [
  { status: 401, code: 'unauthorized', description: 'No credentials (locally: no operator token; in AWS, IAM answers 403 instead)' },
  { status: 403, code: 'forbidden', description: 'Not an operator: a wrong operator token locally, no IAM permission in AWS' },
];

/** Whatever the route: the gateway's quotas and a failure of the function itself. */
const gateway: readonly EdgeAnswer[] = [
  { status: 413, code: 'payload-too-large', description: "Any request body over 10 MB: the gateway's limit (the connection closes after the answer)", component: 'GatewayPayloadTooLarge' },
  { status: 414, code: 'uri-too-long', description: 'The request line is over the gateway quota of 10,240 bytes for request line and headers', component: 'UriTooLong' },
  { status: 431, code: 'header-fields-too-large', description: 'The request line and headers together are over the gateway quota of 10,240 bytes', component: 'HeaderFieldsTooLarge' },
  {
    status: '5XX',
    code: 'internal-error',
    description: 'The hub could not complete the request (an unexpected failure, or the function ran out of time); never with internals, retrying may help',
    component: 'ServerError',
  },
];

/** POSTs are remembered by Idempotency-Key where the function may use the idempotency table (the handler then passes `hubIdempotency`). */
export function remembersPosts(route: RouteDefinition): boolean {
  const definition = functions[route.function] as { readonly tables?: readonly { readonly table: unknown }[] };
  return route.method === 'POST' && (definition.tables ?? []).some((access) => access.table === idempotencyTable);
}

/** The answers that are the same on every route they apply to: `components.responses`. */
export const sharedAnswers: readonly EdgeAnswer[] = [...licensee, ...gateway].filter((answer) => answer.component);

export function edgeAnswers(route: RouteDefinition, reads: RouteReads): EdgeAnswer[] {
  return [
    ...(route.auth === 'licensee' ? licensee : route.auth === 'operator' ? operator : []),
    ...(reads.body === 'json' ? jsonBody : reads.body === 'form' ? formBody : []),
    ...(reads.query?.length ? query : []),
    ...(reads.query?.includes('cursor') ? cursor : []),
    ...(remembersPosts(route) ? idempotentPost : []),
    ...(reads.ifMatch ? [staleVersion] : []),
    ...(reads.ifMatch === 'required' ? [versionRequired] : []),
    ...gateway,
  ];
}
