/**
 * GET /verify/{manifestNumber}?h=<hash>: the public page a manifest's QR code opens. HTML for a
 * person, JSON for software (Accept: application/json). No login: the hash the QR code carries
 * opens the shipment's details; without it the page says only whether the number exists, and
 * lookups that prove no copy are slowed, then refused, per address.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readConfig } from '#shared/config.ts';
import { NotFoundError } from '#shared/errors.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse, problemResponse } from '#shared/http/problem.ts';
import { pathParameter, preferredMediaType, readQuery } from '#shared/http/request.ts';
import { formatNewYorkTime } from '#shared/manifests/new-york-time.ts';
import { manifestNumberPattern, verifyQuery } from '#shared/manifests/representation.ts';
import { verifyManifest } from '#shared/manifests/use-cases.ts';
import type { VerifyDeps } from '#shared/manifests/use-cases.ts';
import { existencePage, malformedCodePage, throttledPage, unknownManifestPage, verificationPage } from '#shared/manifests/verification-page.ts';
import { verifyPageDeps } from '#shared/wiring/verification.ts';

// The answer changes as the shipment moves; a page a proxy kept would show a stale status.
const headers = { 'cache-control': 'no-store', 'x-robots-tag': 'noindex', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" };
const html = (statusCode: number, body: string, extra: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers, ...extra },
  body,
});

/** The check code a browser's link carries; a malformed one gets a page that says what to do, not problem+json. */
function checkCode(event: APIGatewayProxyEventV2, wantsJson: boolean): { readonly h?: string } | 'malformed' {
  if (wantsJson) return readQuery(event, verifyQuery);
  const parsed = verifyQuery.safeParse(event.queryStringParameters ?? {});
  return parsed.success ? parsed.data : 'malformed';
}

export function createHandler(deps: VerifyDeps) {
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const manifestNumber = pathParameter(event, 'manifestNumber').toUpperCase();
    const wantsJson = preferredMediaType(event, ['text/html', 'application/json']) === 'application/json';
    const query = checkCode(event, wantsJson);
    if (query === 'malformed') return html(400, malformedCodePage(manifestNumber));
    // A number no manifest could carry is looked up as nothing, and counted like any other miss.
    const outcome = await verifyManifest(deps, manifestNumberPattern.test(manifestNumber) ? manifestNumber : undefined, query.h, event.requestContext.http.sourceIp);
    switch (outcome.kind) {
      case 'throttled': {
        const retryAfter = { 'retry-after': String(outcome.retryAfterSeconds) };
        if (!wantsJson) return html(429, throttledPage(outcome.retryAfterSeconds), retryAfter);
        return problemResponse(
          { status: 429, code: 'too-many-attempts', title: 'Too many manifests looked up without a matching hash from this address', detail: `Try again in ${outcome.retryAfterSeconds} s.` },
          { ...headers, ...retryAfter },
        );
      }
      case 'unknown':
        if (!wantsJson) return html(404, unknownManifestPage(manifestNumber));
        throw new NotFoundError('manifest');
      case 'exists':
        return wantsJson ? jsonResponse(200, outcome.existence, headers) : html(200, existencePage(outcome.existence));
      case 'verified':
        return wantsJson ? jsonResponse(200, outcome.verification, headers) : html(200, verificationPage(outcome.verification, formatNewYorkTime));
    }
  });
}

export const handler = createHandler(verifyPageDeps(readConfig()));
