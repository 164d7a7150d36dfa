/**
 * GET /verify/{manifestNumber}?h=<hash>: the public page a manifest's QR code opens. HTML for a
 * person, JSON for software (Accept: application/json). No login; it reveals only what the
 * printed manifest itself shows, minus prices and quantities.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { NotFoundError } from '#shared/errors.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { jsonResponse } from '#shared/http/problem.ts';
import { pathParameter, preferredMediaType, readQuery } from '#shared/http/request.ts';
import { formatNewYorkTime } from '#shared/manifests/new-york-time.ts';
import { manifestNumberPattern, verifyQuery } from '#shared/manifests/representation.ts';
import { verifyManifest } from '#shared/manifests/use-cases.ts';
import { unknownManifestPage, verificationPage } from '#shared/manifests/verification-page.ts';
import { hubTable } from '#shared/resources.ts';
import { createTransferRepository } from '#shared/transfers/repository.ts';
import type { StoredTransfer, TransferDeps } from '#shared/transfers/use-cases.ts';
import type { TransferEvent } from '#shared/domain/transfer/index.ts';

// The answer changes as the shipment moves; a page a proxy kept would show a stale status.
const headers = { 'cache-control': 'no-store', 'x-robots-tag': 'noindex', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" };
const html = (statusCode: number, body: string) => ({ statusCode, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body });

export function createHandler(deps: Pick<TransferDeps, 'transfers'>) {
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    const manifestNumber = pathParameter(event, 'manifestNumber').toUpperCase();
    const { h } = readQuery(event, verifyQuery);
    const wantsJson = preferredMediaType(event, ['text/html', 'application/json']) === 'application/json';
    try {
      if (!manifestNumberPattern.test(manifestNumber)) throw new NotFoundError('manifest');
      const verification = await verifyManifest(deps, manifestNumber, h);
      return wantsJson ? jsonResponse(200, verification, headers) : html(200, verificationPage(verification, formatNewYorkTime));
    } catch (error) {
      if (error instanceof NotFoundError && !wantsJson) return html(404, unknownManifestPage(manifestNumber));
      throw error;
    }
  });
}

const config = readConfig();
const aws = createAwsClients(config);
export const handler = createHandler({
  transfers: createTransferRepository<StoredTransfer, TransferEvent>(aws.dynamodb, resourceName(config, hubTable)),
});
