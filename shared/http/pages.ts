/**
 * What the hub's server-rendered pages answer with: a page under the private headers, a redirect
 * after a post (303, never cached), and the posted form, refused as problem+json when it is not a
 * form or is larger than the page's limit. One copy for the sign-in, console and receipt-link pages.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { privatePageHeaders } from './html.ts';
import { HttpProblem } from './problem.ts';

/** A rendered page: its status, its HTML and the nonce its style and script carry. */
export interface RenderedPage {
  readonly status: number;
  readonly html: string;
  readonly nonce: string;
}

export const pageResponse = (page: RenderedPage, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: page.status,
  headers: { ...privatePageHeaders(page.nonce), ...headers },
  body: page.html,
});

export const seeOther = (location: string, cookies?: readonly string[]): APIGatewayProxyStructuredResultV2 => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store' },
  body: '',
  ...(cookies?.length ? { cookies: [...cookies] } : {}),
});

const sizeInWords = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`);

/** The raw body of a posted form (`application/x-www-form-urlencoded`), at most `maxBytes`. */
export function formBody(event: APIGatewayProxyEventV2, maxBytes: number): string {
  const type = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpProblem({ status: 415, code: 'unsupported-media-type', title: 'Send the form', detail: 'The page posts application/x-www-form-urlencoded.' });
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length > maxBytes) throw new HttpProblem({ status: 413, code: 'payload-too-large', title: 'The form is too large', detail: `The limit is ${sizeInWords(maxBytes)}.` });
  return raw.toString('utf8');
}

export const readForm = (event: APIGatewayProxyEventV2, maxBytes: number): URLSearchParams => new URLSearchParams(formBody(event, maxBytes));
