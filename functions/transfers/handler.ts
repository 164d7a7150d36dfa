/**
 * /v1/transfers: drafts, the lifecycle actions, lists and the event history.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { readConfig } from '#shared/config.ts';
import * as domain from '#shared/domain/transfer/index.ts';
import { callerOf } from '#shared/http/caller.ts';
import { httpHandler } from '#shared/http/handler.ts';
import type { IdempotencyDeps } from '#shared/http/idempotency.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { etagOf, ifMatchVersion, pathParameter, preferredMediaType, readJsonBody, readQuery } from '#shared/http/request.ts';
import { manifestVersionQuery } from '#shared/manifests/representation.ts';
import * as manifests from '#shared/manifests/use-cases.ts';
import { receivingSheetOf, receivingSheetPdfUrl } from '#shared/receipts/receiving-sheets.ts';
import { presentSubmission } from '#shared/submissions/representation.ts';
import { recordPaperManifest } from '#shared/transfers/paper-intake.ts';
import { present, presentListed } from '#shared/transfers/presentation.ts';
import { transferListQuery } from '#shared/transfers/representation.ts';
import { manifestAnswer } from '#shared/transfers/manifest-answer.ts';
import { stateManifestDownload } from '#shared/transfers/state-manifest.ts';
import { stateSystemOf } from '#shared/transfers/state-system.ts';
import type { StoredTransfer } from '#shared/transfers/use-cases.ts';
import * as transfers from '#shared/transfers/use-cases.ts';
import { transferApiDeps } from '#shared/wiring/transfers.ts';
import type { TransferApiDeps } from '#shared/wiring/transfers.ts';

/** Actions whose body may be left out altogether. */
const optionalBody = (event: APIGatewayProxyEventV2) => event.body === undefined || event.body === '';

export function createHandler(deps: TransferApiDeps & { readonly idempotency?: IdempotencyDeps }) {
  return httpHandler(
    async (event: APIGatewayProxyEventV2) => {
      const caller = callerOf(event);
      // As the caller may see it: a carrier gets no prices; and where it stands with the state system.
      const one = async (status: number, transfer: StoredTransfer, extra: Record<string, string> = {}, more: Record<string, unknown> = {}) =>
        jsonResponse(
          status,
          { ...present(transfers.asSeenBy(transfer, caller)), stateSystem: await stateSystemOf(deps, transfer, deps.now()), ...more },
          { etag: etagOf(transfer.version), ...extra },
        );
      const expected = () => ifMatchVersion(event);
      switch (event.routeKey) {
        case 'POST /v1/transfers': {
          const created = await transfers.createTransfer(deps, caller, readJsonBody(event, domain.createTransferBody));
          return one(201, created, { location: `/v1/transfers/${created.id}` });
        }
        case 'POST /v1/inbound-transfers': {
          const recorded = await recordPaperManifest(deps, caller, readJsonBody(event, domain.paperManifestBody));
          return one(201, recorded, { location: `/v1/transfers/${recorded.id}` });
        }
        case 'GET /v1/transfers': {
          const { direction, ...options } = readQuery(event, transferListQuery);
          const page = await transfers.listTransfers(deps, caller, direction, options);
          return jsonResponse(200, { items: page.items.map(presentListed), ...(page.cursor ? { cursor: page.cursor } : {}) });
        }
      }
      const id = pathParameter(event, 'id');
      switch (event.routeKey) {
        case 'GET /v1/transfers/{id}':
          return one(200, await transfers.getTransfer(deps, caller, id));
        case 'PATCH /v1/transfers/{id}':
          return one(200, await transfers.updateTransfer(deps, caller, id, readJsonBody(event, domain.updateTransferBody), expected()));
        case 'DELETE /v1/transfers/{id}':
          return one(200, await transfers.discardTransfer(deps, caller, id, expected()));
        case 'GET /v1/transfers/{id}/events':
          return jsonResponse(200, { items: await transfers.transferEvents(deps, caller, id) });
        case 'POST /v1/transfers/{id}/manifest': {
          if (!optionalBody(event)) readJsonBody(event, z.strictObject({}));
          // With the state's verdict when it comes quickly, and the transfer as it then stands (its ETag current).
          const { transfer, stateSystem, link, warnings } = await manifestAnswer(deps, caller, id, expected(), deps.stateVerdictWaitMs);
          return jsonResponse(200, { ...present(transfer), stateSystem, ...(link ? { issuedReceiptLink: link } : {}), warnings }, { etag: etagOf(transfer.version) });
        }
        case 'POST /v1/transfers/{id}/receipt-link': {
          if (!optionalBody(event)) readJsonBody(event, z.strictObject({}));
          const { transfer, link } = await transfers.issueReceiptLink(deps, caller, id, expected());
          return one(200, transfer, {}, link ? { issuedReceiptLink: link } : {});
        }
        case 'DELETE /v1/transfers/{id}/receipt-link':
          return one(200, await transfers.revokeReceiptLink(deps, caller, id, expected()));
        case 'GET /v1/transfers/{id}/receipt.pdf': {
          const pdf = await transfers.receiptPdf(deps, caller, id);
          if (preferredMediaType(event, ['application/json', 'application/pdf', 'text/html']) !== 'application/json') {
            return { statusCode: 302, headers: { location: pdf.url, 'cache-control': 'no-store' }, body: '' };
          }
          return jsonResponse(200, pdf, { 'cache-control': 'no-store' });
        }
        case 'GET /v1/transfers/{id}/receiving-sheet': {
          const sheet = await receivingSheetOf(deps, caller, id);
          if (preferredMediaType(event, ['application/json', 'application/pdf', 'text/html']) !== 'application/json') {
            return { statusCode: 302, headers: { location: (await receivingSheetPdfUrl(deps, sheet)).url, 'cache-control': 'no-store' }, body: '' };
          }
          return jsonResponse(200, sheet, { 'cache-control': 'no-store' });
        }
        case 'POST /v1/transfers/{id}/amend':
          return one(200, await transfers.amendTransfer(deps, caller, id, readJsonBody(event, domain.amendBody), expected()));
        case 'GET /v1/transfers/{id}/manifest': {
          const download = await manifests.manifestDownload(deps, caller, id, readQuery(event, manifestVersionQuery).version);
          // A browser follows a redirect straight to the PDF; software gets the link and the hash to check it.
          if (preferredMediaType(event, ['application/json', 'application/pdf', 'text/html']) !== 'application/json') {
            return { statusCode: 302, headers: { location: download.url, 'cache-control': 'no-store' }, body: '' };
          }
          return jsonResponse(200, download, { 'cache-control': 'no-store' });
        }
        case 'GET /v1/transfers/{id}/state-manifest': {
          const download = await stateManifestDownload(deps, caller, id);
          if (preferredMediaType(event, ['application/json', 'application/pdf', 'text/html']) !== 'application/json') {
            return { statusCode: 302, headers: { location: download.url, 'cache-control': 'no-store' }, body: '' };
          }
          return jsonResponse(200, download, { 'cache-control': 'no-store' });
        }
        case 'GET /v1/transfers/{id}/manifest.json':
          return jsonResponse(200, await manifests.manifestJson(deps, caller, id, readQuery(event, manifestVersionQuery).version));
        case 'POST /v1/transfers/{id}/depart': {
          const body = optionalBody(event) ? {} : readJsonBody(event, domain.departBody);
          const { transfer, warnings } = await transfers.departTransfer(deps, caller, id, body, expected());
          return one(200, transfer, {}, warnings.length > 0 ? { warnings } : {});
        }
        case 'POST /v1/transfers/{id}/arrive': {
          const body = optionalBody(event) ? {} : readJsonBody(event, domain.arriveBody);
          return one(200, await transfers.arriveTransfer(deps, caller, id, body, expected()));
        }
        case 'POST /v1/transfers/{id}/receipt':
          return one(200, await transfers.receiveTransfer(deps, caller, id, readJsonBody(event, domain.receiptBody), expected()));
        case 'GET /v1/transfers/{id}/submissions': {
          const submissions = await transfers.transferSubmissions(deps, caller, id);
          return jsonResponse(200, { items: submissions.map((submission) => presentSubmission(submission, deps.now())) });
        }
        case 'POST /v1/transfers/{id}/void':
          return one(200, await transfers.voidTransfer(deps, caller, id, readJsonBody(event, domain.voidBody), expected()));
        case 'POST /v1/transfers/{id}/return': {
          const draft = await transfers.returnTransfer(deps, caller, id, readJsonBody(event, domain.returnBody), expected());
          return one(201, draft, { location: `/v1/transfers/${draft.id}` });
        }
        default:
          throw new Error(`Route ${event.routeKey} is not a transfer route`);
      }
    },
    deps.idempotency ? { idempotency: deps.idempotency } : {},
  );
}

export const handler = createHandler(await transferApiDeps(readConfig()));
