/**
 * Reading a request at the edge: content type, size, JSON syntax and the zod schema, each with
 * its own status (415, 413, 400, 422) and every offending field named by a JSON pointer.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { jsonPointer } from '../schemas/common.ts';
import type { ExpectedVersion } from '../versions.ts';
import { HttpProblem } from './problem.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface FieldError {
  /** RFC 6901 JSON pointer into the request body (or the query parameter's name for queries). */
  readonly pointer: string;
  readonly message: string;
}


export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    // An unknown field is pointed at itself, not at the object that holds it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ pointer: jsonPointer([...issue.path, key]), message: 'Unknown field' }))
      : [{ pointer: jsonPointer(issue.path), message: issue.message }],
  );
}

export const validationProblem = (errors: readonly FieldError[], detail = 'One or more fields are not valid.') =>
  new HttpProblem({ status: 422, code: 'validation-failed', title: 'The request is not valid', detail, errors });

export function readJsonBody<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const contentType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) {
    throw new HttpProblem({
      status: 415,
      code: 'unsupported-media-type',
      title: 'Send JSON',
      detail: 'The request body must be application/json.',
    });
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw new HttpProblem({ status: 413, code: 'payload-too-large', title: 'The request body is too large', detail: 'The limit is 1 MB.' });
  }
  let text: string;
  try {
    // Strict: bytes that are not UTF-8 are refused, never silently replaced with U+FFFD.
    text = utf8.decode(raw);
  } catch {
    throw new HttpProblem({ status: 400, code: 'invalid-utf8', title: 'The request body is not valid UTF-8' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpProblem({ status: 400, code: 'malformed-json', title: 'The request body is not valid JSON' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw validationProblem(fieldErrors(parsed.error));
  return parsed.data;
}

export function readQuery<T extends z.ZodType>(event: APIGatewayProxyEventV2, schema: T): z.infer<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    throw new HttpProblem({
      status: 400,
      code: 'invalid-query',
      title: 'The query string is not valid',
      errors: parsed.error.issues.map((issue) => ({ parameter: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new Error(`Route has no path parameter '${name}'`);
  return value;
}

/** Strong ETag of an item version. */
export const etagOf = (version: number) => `"${version}"`;

/**
 * The version an `If-Match` header asks for: `undefined` when absent, `null` when it can never match
 * (malformed, or a weak tag), `'*'` for any.
 */
export function ifMatchVersion(event: APIGatewayProxyEventV2): ExpectedVersion {
  const header = event.headers['if-match']?.trim();
  if (header === undefined || header === '') return undefined;
  if (header === '*') return '*';
  const match = /^"(\d{1,15})"$/.exec(header);
  return match?.[1] ? Number(match[1]) : null;
}

/**
 * The media type the client prefers among `offered` (RFC 9110 Accept, q-values honored; on a tie
 * the earlier offer wins). No Accept, or only wildcards, gives the first offer.
 */
export function preferredMediaType<T extends string>(event: APIGatewayProxyEventV2, offered: readonly [T, ...T[]]): T {
  const ranges = (event.headers['accept'] ?? '*/*').split(',').map((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return { range: range.trim(), q: q === undefined ? 1 : Number(q) };
  });
  const quality = (type: string) => {
    const [major] = type.split('/');
    const match =
      ranges.find((r) => r.range === type) ?? ranges.find((r) => r.range === `${major ?? ''}/*`) ?? ranges.find((r) => r.range === '*/*');
    return match?.q ?? 0;
  };
  let best: T = offered[0];
  let bestQ = quality(best);
  for (const type of offered.slice(1)) {
    const q = quality(type);
    if (q > bestQ) [best, bestQ] = [type, q];
  }
  return best;
}
