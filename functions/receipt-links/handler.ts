/**
 * /r/{token}: the receipt link's page, served to a receiver that has no account. HTML for the
 * person (the core path is plain forms), JSON for the page's photo script, a redirect to the PDF.
 */
import { randomBytes } from 'node:crypto';
import { formBody as postedBody, seeOther } from '#shared/http/pages.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readConfig } from '#shared/config.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { HttpProblem, jsonResponse, problemResponse } from '#shared/http/problem.ts';
import { pathParameter, readJsonBody } from '#shared/http/request.ts';
import { acceptingTheRest, MAX_PHOTOS, photoRequest, readForm, readIntent } from '#shared/receipt-links/form.ts';
import { closedLinkPage, receiptFormPage, recordedReceiptPage, reviewPage, throttledPage, unknownLinkPage } from '#shared/receipt-links/page.ts';
import type { Page } from '#shared/receipt-links/page.ts';
import { linkReceiptPdf, MAX_PHOTO_GRANTS, openLink, photoUpload, reviewReceipt, submitReceipt } from '#shared/receipt-links/use-cases.ts';
import type { LinkPageDeps, OpenedLink } from '#shared/receipt-links/use-cases.ts';
import { linkPageDeps } from '#shared/wiring/receipt-links.ts';
import { privatePageHeaders } from '#shared/http/html.ts';

/** The form with a drawn signature is well under this; anything larger is not our page's. */
const MAX_FORM_BYTES = 1024 * 1024;

function html(page: Page, uploadOrigin: string, extra: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: page.status,
    // The URL is the key; the form's script posts files straight to the uploads bucket.
    headers: { ...privatePageHeaders(page.nonce, `'self' ${uploadOrigin}`), ...extra },
    body: page.html,
  };
}

const formBody = (event: APIGatewayProxyEventV2) => postedBody(event, MAX_FORM_BYTES);

export function createHandler(deps: LinkPageDeps & { readonly variancePercent: number }) {
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const token = pathParameter(event, 'token');
    const nonce = randomBytes(16).toString('base64');
    const self = `/r/${encodeURIComponent(token)}`;
    const page = (p: Page, extra?: Record<string, string>) => html(p, deps.files.uploadOrigin, extra);
    const opened: OpenedLink = await openLink(deps, token, event.requestContext.http.sourceIp);
    if (opened.kind === 'throttled') {
      const headers = { 'retry-after': String(opened.retryAfterSeconds) };
      if (event.routeKey === 'POST /r/{token}/photos') {
        return problemResponse({ status: 429, code: 'too-many-attempts', title: 'Too many wrong links from this network', detail: `Try again in ${opened.retryAfterSeconds} s.` }, headers);
      }
      return page(throttledPage(nonce, opened.retryAfterSeconds), headers);
    }
    if (opened.kind === 'unknown') {
      if (event.routeKey === 'POST /r/{token}/photos' || event.routeKey === 'GET /r/{token}/receipt.pdf') {
        throw new HttpProblem({ status: 404, code: 'not-found', title: 'No such receipt link' });
      }
      return page(unknownLinkPage(nonce));
    }
    const variancePercent = deps.variancePercent;
    const show = (found: typeof opened) => {
      if (found.standing === 'received') return page(recordedReceiptPage(found.transfer, nonce, `${self}/receipt.pdf`));
      if (found.standing === 'open') return page(receiptFormPage(found.transfer, { nonce, variancePercent }));
      return page(closedLinkPage(found.transfer, found.standing, nonce));
    };
    switch (event.routeKey) {
      case 'GET /r/{token}':
        return show(opened);
      case 'POST /r/{token}': {
        const posted = formBody(event);
        const form = readForm(posted, opened.transfer.content.lines.length);
        const intent = readIntent(posted);
        // A used link shows its receipt (post/redirect/get), a closed one why: nothing is recorded twice.
        if (opened.standing === 'received') return seeOther(self);
        if (opened.standing !== 'open') return show(opened);
        if (intent === 'accept-rest') return page(receiptFormPage(opened.transfer, { nonce, variancePercent, form: acceptingTheRest(form) }));
        if (intent === 'edit') return page(receiptFormPage(opened.transfer, { nonce, variancePercent, form }));
        if (intent === 'review') {
          const review = await reviewReceipt(deps, opened, form);
          if (review.kind === 'refused') return page(receiptFormPage(opened.transfer, { nonce, variancePercent, form, problems: review.problems }));
          if (review.kind === 'closed') return show({ ...opened, transfer: review.transfer, standing: review.standing });
          return page(reviewPage(opened.transfer, form, nonce));
        }
        const { userAgent, sourceIp } = event.requestContext.http;
        const outcome = await submitReceipt(deps, opened, form, { userAgent, sourceIp });
        if (outcome.kind === 'refused') return page(receiptFormPage(opened.transfer, { nonce, variancePercent, form, problems: outcome.problems }));
        if (outcome.kind === 'closed' && outcome.standing !== 'received') return show({ ...opened, transfer: outcome.transfer, standing: outcome.standing });
        // Post/redirect/get: a reload shows the receipt instead of posting again.
        return seeOther(self);
      }
      case 'POST /r/{token}/photos': {
        const result = await photoUpload(deps, opened, readJsonBody(event, photoRequest), event.requestContext.http.sourceIp);
        switch (result.kind) {
          case 'closed':
            throw new HttpProblem({ status: 409, code: 'receipt-link-closed', title: 'This link no longer takes a receipt', detail: `It is ${result.standing}.` });
          case 'exhausted':
            throw new HttpProblem({
              status: 409,
              code: 'photo-limit-reached',
              title: 'This link has had all its photo uploads',
              detail: `A receipt carries at most ${MAX_PHOTOS} photos; this link has been granted ${MAX_PHOTO_GRANTS} uploads.`,
            });
          case 'throttled':
            return problemResponse(
              { status: 429, code: 'too-many-uploads', title: 'Too many photo uploads from this network', detail: `Try again in ${result.retryAfterSeconds} s.` },
              { 'retry-after': String(result.retryAfterSeconds) },
            );
        }
        return jsonResponse(201, { key: result.key, upload: result.upload }, { 'cache-control': 'no-store' });
      }
      case 'GET /r/{token}/receipt.pdf': {
        const pdf = await linkReceiptPdf(deps, opened);
        if (!pdf) throw new HttpProblem({ status: 404, code: 'not-found', title: 'No receipt recorded yet' });
        return { statusCode: 302, headers: { location: pdf.url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, body: '' };
      }
      default:
        throw new Error(`Route ${event.routeKey} is not a receipt-link route`);
    }
  });
}

export const handler = createHandler(linkPageDeps(readConfig()));
