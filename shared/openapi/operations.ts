/**
 * What each route does, in the words and schemas the OpenAPI document shows. Every route in
 * `shared/routes.ts` must have an entry here (the document refuses to build otherwise).
 */
import { z } from 'zod';
import * as domain from '../domain/transfer/index.ts';
import { apiKeyListQuery, apiKeyPage, apiKeyView, createApiKeyBody, createdApiKeyView, meView } from '../tenants/schemas.ts';
import { registryBodies, registryListQuery, registryRecords } from '../registries/schemas.ts';
import { issuedReceiptLink, transferEventList, transferListQuery, transferPage, transferRepresentation } from '../transfers/representation.ts';
import { photoRequest } from '../receipt-links/form.ts';
import type { RegistryKind } from '../registries/schemas.ts';
import type { OperationDefinition, OperationResponse } from './document.ts';
import { submissionList } from '../submissions/representation.ts';
import { movementsQueryFields, movementsReportView } from '../reports/representation.ts';
import { redriveQuery, redriveResult } from '../submissions/redrive.ts';
import { callbackQuery, consentStartView, integrationView, linkedStateUserView, stateUserBody } from '../state-system/representation.ts';
import { manifestDocumentView, manifestDownloadView, manifestVersionQuery, verificationView, verifyQuery } from '../manifests/representation.ts';

const problem = (description: string): OperationResponse => ({ description, problem: true });

const receiptPdfView = z.object({ url: z.url(), filename: z.string() }).meta({ id: 'ReceiptPdfDownload' });
const photoUploadView = z
  .object({ key: z.string(), upload: z.object({ url: z.url(), fields: z.record(z.string(), z.string()) }) })
  .meta({ id: 'ReceiptPhotoUpload' });
const common = {
  401: problem('No credentials: the Authorization header is missing (locally with WWW-Authenticate: Bearer)'),
  403: problem('An API key that is unknown, malformed or revoked: API Gateway answers a key its authorizer refuses with 403, not 401'),
} as const;

const healthReport = z
  .object({
    status: z.literal('pass'),
    checks: z.record(z.string(), z.object({ status: z.enum(['up', 'down']), latencyMs: z.number(), error: z.string().optional() })),
  })
  .meta({ id: 'HealthReport' });

function registryOperations(collection: string, kind: RegistryKind, label: string): Record<string, OperationDefinition> {
  const record = registryRecords[kind];
  const page = z.object({ items: z.array(record), cursor: z.string().optional() }).meta({ id: `${z.globalRegistry.get(record)?.id ?? kind}Page` });
  return {
    [`POST /v1/${collection}`]: {
      summary: `Add a ${label}`,
      tag: 'Registries',
      body: registryBodies[kind],
      responses: { 201: { description: `The ${label}, with its ETag`, schema: record }, 400: problem('Malformed JSON'), 415: problem('Not JSON'), 422: problem('Invalid fields'), ...common },
    },
    [`GET /v1/${collection}`]: {
      summary: `List ${label}s, newest first`,
      tag: 'Registries',
      query: registryListQuery,
      responses: { 200: { description: 'One page', schema: page }, 400: problem('Invalid query or cursor'), ...common },
    },
    [`GET /v1/${collection}/{id}`]: {
      summary: `Read a ${label}`,
      tag: 'Registries',
      responses: { 200: { description: `The ${label}, with its ETag`, schema: record }, 404: problem('Unknown, or not yours'), ...common },
    },
    [`PUT /v1/${collection}/{id}`]: {
      summary: `Replace a ${label}`,
      tag: 'Registries',
      body: registryBodies[kind],
      ifMatch: 'optional',
      responses: {
        200: { description: `The ${label}, with its new ETag`, schema: record },
        404: problem('Unknown, or not yours'),
        409: problem('Deactivated'),
        412: problem('Stale If-Match'),
        422: problem('Invalid fields'),
        ...common,
      },
    },
    [`DELETE /v1/${collection}/{id}`]: {
      summary: `Deactivate a ${label} (records are never deleted)`,
      tag: 'Registries',
      ifMatch: 'optional',
      responses: { 200: { description: `The deactivated ${label}`, schema: record }, 404: problem('Unknown, or not yours'), 412: problem('Stale If-Match'), ...common },
    },
  };
}

const transferAnswers = {
  404: problem('Unknown, or you are not a party to it'),
  403: problem('Your role in this transfer does not allow it'),
  409: problem('Not allowed in the current state: names the state and the allowed actions'),
  412: problem('Stale If-Match'),
  422: problem('Breaks a rule: one pointer per field'),
  401: problem('No valid API key'),
} as const;

function transferAction(summary: string, body: z.ZodType | undefined, ok: OperationResponse): OperationDefinition {
  return { summary, tag: 'Transfers', ...(body ? { body } : {}), ifMatch: 'optional', responses: { 200: ok, ...transferAnswers } };
}

const transfer = (description: string): OperationResponse => ({ description, schema: transferRepresentation });

const transferOperations: Record<string, OperationDefinition> = {
  'POST /v1/transfers': {
    summary: 'Create a draft (the caller is the shipper)',
    tag: 'Transfers',
    body: domain.createTransferBody,
    responses: { 201: transfer('The draft, with its ETag'), 400: problem('Malformed JSON'), 415: problem('Not JSON'), 422: problem('Invalid fields'), ...common },
  },
  'POST /v1/inbound-transfers': {
    summary: 'Record a transfer that arrived with a paper manifest from a shipper without a connected system, and its receipt (the caller is the receiver)',
    tag: 'Transfers',
    body: domain.paperManifestBody,
    responses: {
      201: transfer('The incoming transfer, received; the hub reports the intake to the state system'),
      400: problem('Malformed JSON'),
      409: problem('This paper manifest is already recorded, or the caller does not report to a state system'),
      415: problem('Not JSON'),
      422: problem('Invalid fields, or the receipt breaks a rule (variance, reasons): one pointer per field'),
      ...common,
    },
  },
  'GET /v1/transfers': {
    summary: 'Outgoing or incoming transfers, newest first',
    tag: 'Transfers',
    query: transferListQuery,
    responses: { 200: { description: 'One page', schema: transferPage }, 400: problem('Invalid query or cursor'), ...common },
  },
  'GET /v1/transfers/{id}': {
    summary: 'Read a transfer you are a party to',
    tag: 'Transfers',
    responses: { 200: transfer('The transfer, with its ETag'), 404: transferAnswers[404], ...common },
  },
  'PATCH /v1/transfers/{id}': {
    summary: 'Change a draft (absent fields stay, null clears, arrays are replaced whole)',
    tag: 'Transfers',
    body: domain.updateTransferBody,
    ifMatch: 'required',
    responses: { 200: transfer('The draft, with its new ETag'), 428: problem('If-Match is required'), ...transferAnswers },
  },
  'DELETE /v1/transfers/{id}': transferAction('Discard a draft (kept, marked DISCARDED)', undefined, transfer('The discarded draft')),
  'POST /v1/transfers/{id}/manifest': transferAction('Manifest: number, snapshot of parties, tag reservations', undefined, transfer('The manifested transfer')),
  'POST /v1/transfers/{id}/depart': transferAction('Record the departure', domain.departBody, transfer('In transit')),
  'POST /v1/transfers/{id}/arrive': transferAction('Record the arrival at the receiver', domain.arriveBody, transfer('Arrived')),
  'POST /v1/transfers/{id}/receipt': transferAction('Accept, adjust or reject every package (receiver)', domain.receiptBody, transfer('Accepted, partially accepted or rejected')),
  'POST /v1/transfers/{id}/void': transferAction('Void before departure (shipper)', domain.voidBody, transfer('Voided')),
  'POST /v1/transfers/{id}/return': {
    ...transferAction('Draft a return of the rejected packages (receiver)', domain.returnBody, transfer('unused')),
    responses: { 201: transfer('The return draft'), ...transferAnswers },
  },
  'POST /v1/transfers/{id}/amend': {
    summary: 'Amend the manifest before departure: issues its next version, keeps every earlier one (shipper)',
    tag: 'Manifests',
    body: domain.amendBody,
    ifMatch: 'required',
    responses: { 200: transfer('The transfer with its new manifest version'), 428: problem('If-Match is required'), ...transferAnswers },
  },
  'GET /v1/transfers/{id}/manifest': {
    summary: 'The PDF of the manifest: a short-lived link (JSON), or a redirect to it for a browser',
    tag: 'Manifests',
    query: manifestVersionQuery,
    responses: {
      200: { description: 'The link, and the SHA-256 and size to check the file by', schema: manifestDownloadView },
      302: { description: 'Accept prefers text/html or application/pdf: redirect to the PDF' },
      400: problem('Invalid query'),
      404: problem('Not a party, not manifested, or no such version'),
      ...common,
    },
  },
  'GET /v1/transfers/{id}/manifest.json': {
    summary: 'The manifest as data, for partner software',
    tag: 'Manifests',
    query: manifestVersionQuery,
    responses: {
      200: { description: 'The manifest version', schema: manifestDocumentView },
      400: problem('Invalid query'),
      404: problem('Not a party, not manifested, or no such version'),
      ...common,
    },
  },
  'POST /v1/transfers/{id}/receipt-link': {
    summary: 'Issue a new receipt link for a receiver that is not integrated; the previous link stops working (shipper)',
    tag: 'Receipt links',
    ifMatch: 'optional',
    responses: {
      200: { description: 'The transfer, and the link to send the receiver', schema: transferRepresentation.extend({ issuedReceiptLink }).meta({ id: 'TransferWithReceiptLink' }) },
      ...transferAnswers,
    },
  },
  'DELETE /v1/transfers/{id}/receipt-link': transferAction('Revoke the receipt link (shipper)', undefined, transfer('The transfer; its link no longer works')),
  'GET /v1/transfers/{id}/receipt.pdf': {
    summary: 'The signed receipt as a PDF: a short-lived link (JSON), or a redirect to it for a browser',
    tag: 'Receipt links',
    responses: {
      200: { description: 'The link to the PDF', schema: receiptPdfView },
      302: { description: 'Accept prefers text/html or application/pdf: redirect to the PDF' },
      404: problem('Not a party, or no receipt recorded yet'),
      ...common,
    },
  },
  'GET /v1/transfers/{id}/events': {
    summary: 'The append-only history of a transfer',
    tag: 'Transfers',
    responses: { 200: { description: 'Every change, in order', schema: transferEventList }, 404: transferAnswers[404], ...common },
  },
  'GET /v1/transfers/{id}/submissions': {
    summary: 'What the hub reported to the state tracking system for this transfer, and how it went',
    tag: 'State system',
    responses: { 200: { description: 'Every submission, in lifecycle order', schema: submissionList }, 404: transferAnswers[404], ...common },
  },
};

export const operations: Readonly<Record<string, OperationDefinition>> = {
  'GET /health': {
    summary: 'Reachability of DynamoDB, S3 and SQS',
    tag: 'Operations',
    responses: { 200: { description: 'Everything is up', schema: healthReport }, 503: problem('A dependency is down; the problem names it') },
  },
  'GET /verify/{manifestNumber}': {
    summary: 'Public verification of a printed manifest (the page its QR code opens); no login',
    tag: 'Manifests',
    query: verifyQuery,
    responses: {
      200: { description: 'An HTML page; this JSON with Accept: application/json', schema: verificationView },
      400: problem('The hash is not one the hub prints'),
      404: { description: 'No such manifest (an HTML page, or problem+json with Accept: application/json)' },
    },
  },
  'GET /r/{token}': {
    summary: "The receipt link's page (HTML): the receiver accepts, adjusts or rejects each package, signs and submits; no login",
    tag: 'Receipt links',
    responses: {
      200: { description: 'The receipt form, or the receipt already recorded' },
      404: { description: 'No such link (HTML)' },
      409: { description: 'The shipment has not left yet (HTML)' },
      410: { description: 'The link expired or was revoked, or the transfer was voided (HTML)' },
      429: { description: 'Too many wrong links from this address (HTML, with Retry-After)' },
    },
  },
  'POST /r/{token}': {
    summary: 'Submit the receipt form (application/x-www-form-urlencoded); the same receipt rules as POST /v1/transfers/{id}/receipt',
    tag: 'Receipt links',
    responses: {
      303: { description: 'Recorded (or already recorded): see the receipt at GET /r/{token}' },
      404: { description: 'No such link (HTML)' },
      410: { description: 'The link expired or was revoked (HTML)' },
      413: problem('The form is too large'),
      415: problem('Not a form post'),
      422: { description: 'The form again, with each problem next to its field (HTML); nothing recorded' },
      429: { description: 'Too many wrong links from this address' },
    },
  },
  'POST /r/{token}/photos': {
    summary: 'A presigned POST to upload one receipt photo straight to S3 (type, size and SHA-256 fixed by its policy)',
    tag: 'Receipt links',
    body: photoRequest,
    responses: {
      201: { description: 'The key to attach to the receipt, and the URL and fields to POST the file with', schema: photoUploadView },
      404: problem('No such link'),
      409: problem('The link no longer takes a receipt'),
      415: problem('Not JSON'),
      422: problem('Type or size not allowed'),
      429: problem('Too many wrong links from this address'),
    },
  },
  'GET /r/{token}/receipt.pdf': {
    summary: 'The signed receipt PDF, for the holder of the link (a redirect to a short-lived link)',
    tag: 'Receipt links',
    responses: { 302: { description: 'Redirect to the PDF' }, 404: problem('No such link, or no receipt recorded yet'), 429: problem('Too many wrong links from this address') },
  },
  'GET /openapi.json': {
    summary: 'This document',
    tag: 'Operations',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
  'GET /v1/me': {
    summary: "The caller's licensee profile and state-system link",
    tag: 'Tenants',
    responses: { 200: { description: 'The profile', schema: meView }, ...common },
  },
  'POST /v1/api-keys': {
    summary: 'Create an API key (its secret is shown once)',
    tag: 'Tenants',
    body: createApiKeyBody,
    responses: {
      201: { description: 'The key, with its secret; a replay under the same Idempotency-Key answers without the secret', schema: createdApiKeyView },
      422: problem('Invalid fields'),
      ...common,
    },
  },
  'GET /v1/api-keys': {
    summary: "The caller's API keys, newest first (never their secrets)",
    tag: 'Tenants',
    query: apiKeyListQuery,
    responses: { 200: { description: 'One page', schema: apiKeyPage }, 400: problem('Invalid query or cursor'), ...common },
  },
  'DELETE /v1/api-keys/{id}': {
    summary: 'Revoke an API key (kept, marked revoked)',
    tag: 'Tenants',
    responses: { 200: { description: 'The revoked key', schema: apiKeyView }, 404: problem('Unknown, or not yours'), ...common },
  },
  ...registryOperations('drivers', 'driver', 'driver'),
  ...registryOperations('vehicles', 'vehicle', 'vehicle'),
  ...registryOperations('partners', 'partner', 'partner'),
  ...transferOperations,
  'GET /v1/integrations/biotrack': {
    summary: "The licence's link to the NY-API: the consent's 100 days and the state users API keys act as",
    tag: 'State system',
    responses: { 200: { description: 'The integration', schema: integrationView }, 409: problem('The licensee does not report to the NY-API'), ...common },
  },
  'GET /v1/integrations/biotrack/connect': {
    summary: "Start the licence admin's consent (OAuth 2.0 authorization code); a browser is redirected to the state system",
    tag: 'State system',
    responses: {
      200: { description: 'Where to send the licence admin (Accept: application/json)', schema: consentStartView },
      302: { description: 'To the state system’s consent page (Accept: text/html)' },
      409: problem('The licensee does not report to the NY-API'),
      ...common,
    },
  },
  'GET /v1/integrations/biotrack/callback': {
    summary: 'Where the state system sends the licence admin back; stores the tokens encrypted and resumes waiting submissions',
    tag: 'State system',
    query: callbackQuery,
    responses: {
      200: { description: 'An HTML page for the admin; JSON with Accept: application/json' },
      400: problem('Unknown, used or expired consent request, or a missing code'),
      502: problem('The state system did not grant tokens'),
    },
  },
  'PUT /v1/integrations/biotrack/users/{apiKeyId}': {
    summary: 'Link a NY-API user to one of your API keys (`default`: the licence integration user); the password is kept encrypted',
    tag: 'State system',
    body: stateUserBody,
    responses: { 200: { description: 'The link, without the password', schema: linkedStateUserView }, 404: problem('No such API key of yours'), 409: problem('Not a NY-API licensee'), 422: problem('Invalid fields'), ...common },
  },
  'GET /v1/reports/inventory-movements': {
    summary: 'The routine inventory report: every package that left or arrived in the period, for the caller only (at most a year)',
    tag: 'Reports',
    query: movementsQueryFields,
    responses: {
      200: { description: 'JSON, or CSV with format=csv or Accept: text/csv', schema: movementsReportView },
      303: { description: 'A report too large to answer inline: a link to it, valid 5 minutes' },
      400: problem('Invalid period or format'),
      ...common,
    },
  },
  'POST /ops/state-submissions/redrive': {
    summary: 'Operators: move dead-lettered state submissions back to the queue after a fix',
    tag: 'Operations',
    query: redriveQuery,
    responses: { 200: { description: 'How many messages moved', schema: redriveResult }, 403: problem('Not an operator') },
  },
};
