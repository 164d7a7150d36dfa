/**
 * What each route does, in the words and schemas the OpenAPI document shows. Every route in
 * `shared/routes.ts` must have an entry here (the document refuses to build otherwise). The answers
 * listed are the handler's own; those of the shared edge code (body, query, idempotency, If-Match,
 * authorizer, gateway) are added from one table (`answers.ts`).
 */
import * as z from 'zod';
import * as domain from '../domain/transfer/index.ts';
import { apiKeyListQuery, apiKeyPage, apiKeyView, createApiKeyBody, createdApiKeyView, meView } from '../tenants/schemas.ts';
import { registryBodies, registryListQuery, registryRecords } from '../registries/schemas.ts';
import { issuedReceiptLink, transferEventList, transferListQuery, transferPage, transferRepresentation } from '../transfers/representation.ts';
import { receivingSheetView } from '../receipts/receiving-sheet-view.ts';
import { photoRequest } from '../receipt-links/form.ts';
import type { RegistryKind } from '../registries/schemas.ts';
import type { OperationDefinition, OperationResponse } from './document.ts';
import { submissionList } from '../submissions/representation.ts';
import { movementsQueryFields, movementsReportView } from '../reports/representation.ts';
import { redriveQuery, redriveResult } from '../submissions/redrive.ts';
import { keyConnectionView, userKeyBody } from '../state-system/metrc/credentials.ts';
import { callbackQuery, consentStartView, consentStatusView, integrationView, linkedStateUserView, stateUserBody } from '../state-system/biotrack/representation.ts';
import { integrationPathSegments } from '../state-system/capabilities.ts';
import { manifestDocumentView, manifestDownloadView, manifestVersionQuery, stateManifestDownloadView, verificationView, verifyQuery } from '../manifests/representation.ts';
import { statePackagePage, statePackageQuery } from '../state-packages/list.ts';
import { invitationBody, peopleListQuery, personPage, personView } from '../people/person.ts';
import { authenticationBody, registrationBody } from '../people/passkeys.ts';

const problem = (description: string): OperationResponse => ({ description, problem: true });
const pdfRedirect = (description: string): OperationResponse => ({ description, location: 'A short-lived link to the PDF (application/pdf), valid 5 minutes' });

/** What a body-less action may carry instead: nothing, or an empty JSON object. */
const emptyBody = z.strictObject({});

const receiptPdfView = z.object({ url: z.url(), filename: z.string() }).meta({ id: 'ReceiptPdfDownload' });
const photoUploadView = z
  .object({ key: z.string(), upload: z.object({ url: z.url(), fields: z.record(z.string(), z.string()) }) })
  .meta({ id: 'ReceiptPhotoUpload' });
/** The first answer carries the secret; a replay under the same Idempotency-Key is the key's record without it. */
const createdOrReplayedApiKey = z
  .union([createdApiKeyView, apiKeyView])
  .meta({ id: 'CreatedApiKeyAnswer', description: 'CreatedApiKey on the first answer; ApiKey (no `apiKey` secret) on a replay, marked idempotent-replayed: true' });
const consentCompletedView = z
  .object({ licenseeId: z.string(), consent: consentStatusView, resumed: z.int().meta({ description: 'Submissions that waited for the consent and were sent again' }) })
  .meta({ id: 'ConsentCompleted' });
const openApiDocumentView = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).meta({ id: 'OpenApiDocument' });

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
      responses: { 201: { description: `The ${label}, with its ETag`, schema: record } },
    },
    [`GET /v1/${collection}`]: {
      summary: `List ${label}s, newest first`,
      tag: 'Registries',
      query: registryListQuery,
      responses: { 200: { description: 'One page', schema: page } },
    },
    [`GET /v1/${collection}/{id}`]: {
      summary: `Read a ${label}`,
      tag: 'Registries',
      responses: { 200: { description: `The ${label}, with its ETag`, schema: record }, 404: problem('Unknown, or not yours (`not-found`)') },
    },
    [`PUT /v1/${collection}/{id}`]: {
      summary: `Replace a ${label}`,
      tag: 'Registries',
      body: registryBodies[kind],
      ifMatch: 'optional',
      responses: {
        200: { description: `The ${label}, with its new ETag`, schema: record },
        404: problem('Unknown, or not yours (`not-found`)'),
        409: problem('Deactivated (`deactivated`)'),
      },
    },
    [`DELETE /v1/${collection}/{id}`]: {
      summary: `Deactivate a ${label} (records are never deleted)`,
      tag: 'Registries',
      ifMatch: 'optional',
      responses: { 200: { description: `The deactivated ${label}`, schema: record }, 404: problem('Unknown, or not yours (`not-found`)') },
    },
  };
}

const transferAnswers = {
  403: problem('Your role in this transfer does not allow it (`not-permitted`)'),
  404: problem('Unknown, or you are not a party to it (`not-found`)'),
  409: problem('Not allowed in the current state (`invalid-transition`: names the state and the allowed actions), or another conflict named by its code'),
  422: problem('Breaks a rule (`rule-violation`): one pointer per field'),
} as const;

/** A lifecycle action; `optional`: its body may be left out. */
function transferAction(summary: string, body: z.ZodType | undefined, ok: OperationResponse, optional = false): OperationDefinition {
  return { summary, tag: 'Transfers', ...(body ? { body } : {}), ...(optional ? { bodyOptional: true } : {}), ifMatch: 'optional', responses: { 200: ok, ...transferAnswers } };
}

const transfer = (description: string): OperationResponse => ({ description, schema: transferRepresentation });

const transferOperations: Record<string, OperationDefinition> = {
  'POST /v1/transfers': {
    summary: 'Create a draft (the caller is the shipper)',
    tag: 'Transfers',
    body: domain.createTransferBody,
    responses: { 201: transfer('The draft, with its ETag'), 422: problem('An id names no active record of your registry (`rule-violation`, at its pointer)') },
  },
  'POST /v1/inbound-transfers': {
    summary: 'Record a transfer that arrived with a paper manifest from a shipper without a connected system, and its receipt (the caller is the receiver)',
    tag: 'Transfers',
    body: domain.paperManifestBody,
    responses: {
      201: transfer('The incoming transfer, received; the hub reports the intake to the state system'),
      409: problem('This paper manifest is already recorded (`paper-manifest-recorded`), or the caller does not report to a state system (`not-integrated`)'),
      422: problem('The receipt breaks a rule (variance, reasons: `rule-violation`): one pointer per field'),
    },
  },
  'GET /v1/transfers': {
    summary: 'Outgoing or incoming transfers, newest first',
    tag: 'Transfers',
    query: transferListQuery,
    responses: { 200: { description: 'One page', schema: transferPage } },
  },
  'GET /v1/transfers/{id}': {
    summary: 'Read a transfer you are a party to',
    tag: 'Transfers',
    responses: { 200: transfer('The transfer, with its ETag'), 404: transferAnswers[404] },
  },
  'PATCH /v1/transfers/{id}': {
    summary: 'Change a draft (absent fields stay, null clears, arrays are replaced whole)',
    tag: 'Transfers',
    body: domain.updateTransferBody,
    ifMatch: 'required',
    responses: { 200: transfer('The draft, with its new ETag'), ...transferAnswers },
  },
  'DELETE /v1/transfers/{id}': transferAction('Discard a draft (kept, marked DISCARDED)', undefined, transfer('The discarded draft')),
  'POST /v1/transfers/{id}/manifest': transferAction('Manifest: number, snapshot of parties, tag reservations', emptyBody, transfer('The manifested transfer'), true),
  'POST /v1/transfers/{id}/depart': transferAction('Record the departure', domain.departBody, transfer('In transit'), true),
  'POST /v1/transfers/{id}/arrive': transferAction('Record the arrival at the receiver', domain.arriveBody, transfer('Arrived'), true),
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
    responses: { 200: transfer('The transfer with its new manifest version'), ...transferAnswers },
  },
  'GET /v1/transfers/{id}/manifest': {
    summary: 'The PDF of the manifest: a short-lived link (JSON), or a redirect to it for a browser',
    tag: 'Manifests',
    query: manifestVersionQuery,
    responses: {
      200: { description: 'The link, and the SHA-256 and size to check the file by', schema: manifestDownloadView },
      302: pdfRedirect('Accept prefers text/html or application/pdf: a redirect to the PDF'),
      404: problem('Not a party, not manifested, or no such version (`not-found`)'),
    },
  },
  'GET /v1/transfers/{id}/state-manifest': {
    summary: "The state system's own manifest (Metrc prints one once a person registers the transfer there): fetched once, kept beside the hub's; a short-lived link (JSON), or a redirect to it for a browser",
    tag: 'Manifests',
    responses: {
      200: { description: 'The link, the state’s manifest number, and the SHA-256 and size to check the file by', schema: stateManifestDownloadView },
      302: pdfRedirect('Accept prefers text/html or application/pdf: a redirect to the PDF'),
      404: problem('Not a party, or the state system of this transfer prints no manifest of its own (`not-found`)'),
      409: problem('The state system has not issued its manifest yet (`state-manifest-not-issued`)'),
    },
  },
  'GET /v1/transfers/{id}/manifest.json': {
    summary: 'The manifest as data, for partner software',
    tag: 'Manifests',
    query: manifestVersionQuery,
    responses: {
      200: { description: 'The manifest version', schema: manifestDocumentView },
      404: problem('Not a party, not manifested, or no such version (`not-found`)'),
    },
  },
  'POST /v1/transfers/{id}/receipt-link': {
    summary: 'Issue a new receipt link for a receiver that is not integrated; the previous link stops working (shipper)',
    tag: 'Receipt links',
    body: emptyBody,
    bodyOptional: true,
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
      302: pdfRedirect('Accept prefers text/html or application/pdf: a redirect to the PDF'),
      404: problem('Not a party, or no receipt recorded yet (`not-found`)'),
    },
  },
  'GET /v1/transfers/{id}/receiving-sheet': {
    summary: "What to enter in the state system's own app to record the hub's receipt there (Metrc's receiver receives there): per package accept or reject, the quantity received, the variance to confirm, the reason; as JSON, or a redirect to its PDF for a browser or Accept: application/pdf",
    tag: 'Receipt links',
    responses: {
      200: { description: 'The sheet', schema: receivingSheetView },
      302: pdfRedirect('Accept prefers text/html or application/pdf: a redirect to the PDF'),
      404: problem('Not the shipper or the receiver, no receipt recorded yet, or the state system takes the receipt from the hub itself (`not-found`)'),
    },
  },
  'GET /v1/transfers/{id}/events': {
    summary: 'The append-only history of a transfer',
    tag: 'Transfers',
    responses: { 200: { description: 'Every change, in order', schema: transferEventList }, 404: transferAnswers[404] },
  },
  'GET /v1/transfers/{id}/submissions': {
    summary: 'What the hub reported to the state tracking system for this transfer, and how it went',
    tag: 'State system',
    responses: { 200: { description: 'Every submission, in lifecycle order', schema: submissionList }, 404: transferAnswers[404] },
  },
};

export const operations: Readonly<Record<string, OperationDefinition>> = {
  'GET /health': {
    summary: 'Reachability of DynamoDB, S3 and SQS',
    tag: 'Operations',
    responses: { 200: { description: 'Everything is up', schema: healthReport }, 503: problem('A dependency is down; the problem names it (`dependency-unavailable`)') },
  },
  'GET /verify/{manifestNumber}': {
    summary: 'Public verification of a printed manifest (the page its QR code opens); no login',
    tag: 'Manifests',
    query: verifyQuery,
    responses: {
      200: { description: 'An HTML page; this JSON with Accept: application/json', schema: verificationView, html: true },
      400: { description: 'The hash is not one the hub prints: an HTML page saying what to do (a browser)', html: true },
      404: { description: 'No such manifest: an HTML page, or problem+json (`not-found`) with Accept: application/json', html: true, problem: true },
      429: {
        description: 'Too many lookups without a matching hash from this address (more than 20 in 15 minutes): an HTML page, or problem+json (`too-many-attempts`) with Accept: application/json',
        html: true,
        problem: true,
      },
    },
  },
  'GET /r/{token}': {
    summary: "The receipt link's page (HTML): the receiver accepts, adjusts or rejects each package, signs and submits; no login",
    tag: 'Receipt links',
    responses: {
      200: { description: 'The receipt form, or the receipt already recorded', html: true },
      404: { description: 'No such link', html: true },
      409: { description: 'The shipment has not left yet', html: true },
      410: { description: 'The link expired or was revoked, or the transfer was voided', html: true },
      429: { description: 'Too many wrong links from this address (more than 20 in 15 minutes)', html: true },
    },
  },
  'POST /r/{token}': {
    summary: 'Submit the receipt form; the same receipt rules as POST /v1/transfers/{id}/receipt',
    tag: 'Receipt links',
    form: 'The form of the page: per package `line-<i>-outcome` (accept, adjust or reject), `line-<i>-quantity`, `line-<i>-confirm`, `line-<i>-reason`, `line-<i>-note`; `name`, `title`, `signature` (a data: URL of a PNG) and up to 6 `photo` keys',
    responses: {
      303: { description: 'Recorded (or already recorded)', location: 'The receipt link itself: GET it to see the recorded receipt' },
      404: { description: 'No such link', html: true },
      409: { description: 'The shipment has not left yet', html: true },
      410: { description: 'The link expired or was revoked, or the transfer was voided', html: true },
      422: { description: 'The form again, with each problem next to its field; nothing recorded', html: true },
      429: { description: 'Too many wrong links from this address', html: true },
    },
  },
  'POST /r/{token}/photos': {
    summary: 'A presigned POST to upload one receipt photo straight to S3 (type, size and SHA-256 fixed by its policy)',
    tag: 'Receipt links',
    body: photoRequest,
    responses: {
      201: { description: 'The key to attach to the receipt, and the URL and fields to POST the file with', schema: photoUploadView },
      404: problem('No such link (`not-found`)'),
      409: problem('The link no longer takes a receipt (`receipt-link-closed`), or it has had all its 10 uploads (`photo-limit-reached`)'),
      429: problem('Too many wrong links from this address (`too-many-attempts`), or more than 30 uploads granted to it in 15 minutes, across links (`too-many-uploads`)'),
    },
  },
  'GET /r/{token}/receipt.pdf': {
    summary: 'The signed receipt PDF, for the holder of the link (a redirect to a short-lived link)',
    tag: 'Receipt links',
    responses: {
      302: pdfRedirect('A redirect to the PDF'),
      404: problem('No such link, or no receipt recorded yet (`not-found`)'),
      429: { description: 'Too many wrong links from this address', html: true },
    },
  },
  'GET /openapi.json': {
    summary: 'This document',
    tag: 'Operations',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: openApiDocumentView } },
  },
  'GET /v1/me': {
    summary: "The caller's licensee profile and state-system link",
    tag: 'Tenants',
    responses: { 200: { description: 'The profile', schema: meView } },
  },
  'POST /v1/api-keys': {
    summary: 'Create an API key (its secret is shown once)',
    tag: 'Tenants',
    body: createApiKeyBody,
    responses: {
      201: {
        description: 'The key, with its secret (CreatedApiKey); a replay under the same Idempotency-Key answers the key without its secret (ApiKey), which is never stored',
        schema: createdOrReplayedApiKey,
      },
    },
  },
  'GET /v1/api-keys': {
    summary: "The caller's API keys, newest first (never their secrets)",
    tag: 'Tenants',
    query: apiKeyListQuery,
    responses: { 200: { description: 'One page', schema: apiKeyPage } },
  },
  'DELETE /v1/api-keys/{id}': {
    summary: 'Revoke an API key (kept, marked revoked)',
    tag: 'Tenants',
    responses: { 200: { description: 'The revoked key', schema: apiKeyView }, 404: problem('Unknown, or not yours (`not-found`)') },
  },
  ...registryOperations('drivers', 'driver', 'driver'),
  ...registryOperations('vehicles', 'vehicle', 'vehicle'),
  ...registryOperations('partners', 'partner', 'partner'),
  ...transferOperations,
  'GET /v1/integrations/{system}': {
    summary: `The license's connection to a state system (${integrationPathSegments.join(', ')}) in neutral terms; for biotrack also the consent's 100 days and the state users API keys act as`,
    tag: 'State system',
    responses: {
      200: { description: 'The integration', schema: integrationView },
      404: problem('No state system has this name (`not-found`)'),
      409: problem('biotrack: the licensee does not report to the NY-API (`not-integrated`)'),
    },
  },
  'GET /v1/integrations/biotrack/connect': {
    summary: "Start the license admin's consent (OAuth 2.0 authorization code); a browser is redirected to the state system",
    tag: 'State system',
    responses: {
      200: { description: 'Where to send the license admin (Accept: application/json)', schema: consentStartView },
      302: { description: 'Accept prefers text/html: a redirect', location: 'The state system’s consent page (text/html)' },
      409: problem('The licensee does not report to the NY-API (`not-integrated`)'),
    },
  },
  'GET /v1/integrations/biotrack/callback': {
    summary: 'Where the state system sends the license admin back; stores the tokens encrypted and resumes waiting submissions',
    tag: 'State system',
    query: callbackQuery,
    responses: {
      200: { description: 'An HTML page for the admin; JSON with Accept: application/json', html: true, schema: consentCompletedView },
      400: problem('Unknown, used or expired consent request (`consent-request-invalid`)'),
      409: problem('The licensee of the consent request no longer reports to the NY-API (`not-integrated`)'),
      502: problem('The state system did not grant tokens (`state-system-refused`)'),
    },
  },
  'PUT /v1/integrations/biotrack/users/{apiKeyId}': {
    summary: 'Link a NY-API user to one of your API keys (`default`: the license integration user); the password is kept encrypted',
    tag: 'State system',
    body: stateUserBody,
    responses: { 200: { description: 'The link, without the password', schema: linkedStateUserView }, 404: problem('No such API key of yours (`not-found`)'), 409: problem('Not a NY-API licensee (`not-integrated`)') },
  },
  'PUT /v1/integrations/metrc/credentials': {
    summary: "Enter the license's Metrc user key: checked with Metrc (it must reach this license's facility), kept encrypted, never shown again; submissions that waited for a key are sent again",
    tag: 'State system',
    body: userKeyBody,
    responses: {
      200: { description: 'The connection, in neutral terms, with the facility the key reaches', schema: keyConnectionView },
      409: problem('The licensee does not report to Metrc (`not-integrated`)'),
      422: problem('Metrc refuses the key, or the key cannot act for this license (`state-credentials-refused`); nothing was stored'),
      503: problem('Metrc did not answer (`state-system-unavailable`), or the hub has no Metrc address (`state-system-not-configured`); nothing was stored'),
    },
  },
  'GET /v1/reports/inventory-movements': {
    summary: 'The routine inventory report: every package that left or arrived in the period, for the caller only (at most a year)',
    tag: 'Reports',
    query: movementsQueryFields,
    responses: {
      200: { description: 'JSON, or CSV (RFC 4180) with format=csv or Accept: text/csv', schema: movementsReportView, csv: true },
      303: { description: 'A report too large to answer inline (over 5 MB)', location: 'A short-lived link to the report (JSON or CSV), valid 5 minutes' },
      400: problem('The period: `to` before `from`, or longer than 367 days (`invalid-query`)'),
    },
  },
  'GET /v1/state-system/packages': {
    summary: "Your active packages at your state system, by tag or product name, for picking a draft's lines (tag order; the facility's list is kept briefly)",
    tag: 'State system',
    query: statePackageQuery,
    responses: {
      200: { description: 'One page, in tag order, each package with whether it could ship to a dispensary now and why not', schema: statePackagePage },
      404: problem('Your state system offers no package list (`no-package-list`): type or scan the tags'),
      409: problem('Your license reports to no state system (`not-integrated`), or the hub cannot act for it there (`state-system-not-connected`)'),
      502: problem('The state system refused the listing (`state-system-refused`)'),
      503: problem('The state system did not answer in time (`state-system-unavailable`)'),
    },
  },
  'POST /ops/state-submissions/redrive': {
    summary: 'Operators: move dead-lettered state submissions back to the queue after a fix',
    tag: 'Operations',
    query: redriveQuery,
    responses: { 200: { description: 'How many messages moved', schema: redriveResult } },
  },
  // People and sign-in (issue 15).
  'POST /v1/people/invitations': {
    summary: 'Invite a person by e-mail with their roles; the e-mail carries a single-use link (7 days) that sets up the account',
    tag: 'People',
    body: invitationBody,
    responses: {
      201: { description: 'The person, invited (status invited until the link is taken up)', schema: personView },
      409: problem('The address already has an account on the hub (`email-taken`)'),
    },
  },
  'GET /v1/people': {
    summary: "Your licensee's people, newest first",
    tag: 'People',
    query: peopleListQuery,
    responses: { 200: { description: 'One page', schema: personPage } },
  },
  'POST /v1/people/{id}/revoke': {
    summary: 'Revoke a person: every session of theirs ends at once, and their passkeys and links no longer sign in; the record keeps who revoked and when. Revoking again changes nothing',
    tag: 'People',
    responses: {
      200: { description: 'The person, revoked (revokedAt, revokedBy)', schema: personView },
      404: problem('No such person at your licensee'),
      409: problem('A person cannot revoke themselves (`cannot-revoke-yourself`)'),
    },
  },
  'POST /v1/people/{id}/resend-invitation': {
    summary: 'Send the invitation again to a person who has not set up the account: a new link (7 days); the one sent before no longer works',
    tag: 'People',
    responses: {
      200: { description: 'The person, still invited (invitationResentAt, invitationResentBy)', schema: personView },
      404: problem('No such person at your licensee'),
      409: problem('The person already set up the account, or was revoked (`not-invited`)'),
    },
  },
  'GET /sign-in': { summary: 'The sign-in page (HTML): a person asks for a sign-in link by e-mail', tag: 'Sign-in', responses: { 200: { description: 'The form', html: true } } },
  'POST /sign-in': {
    summary: 'Send a sign-in link (15 minutes, single use) to the address if it has an account; the answer is the same either way',
    tag: 'Sign-in',
    form: 'The form of the page: `email` and `csrf` (the page\'s form token, also in its cookie)',
    responses: {
      200: { description: 'Check your e-mail', html: true },
      403: { description: 'The form token is missing or wrong: nothing sent', html: true },
      422: { description: 'The form again, the address refused next to its field', html: true },
      429: { description: 'More than 5 requests for the address, or 30 from the network, in 15 minutes', html: true },
    },
  },
  ...Object.fromEntries(
    (
      [
        ['sign-in', 'A sign-in link', 'Sign in', 'The session cookie is set; a redirect to the account page'],
        ['invitations', 'An invitation', 'Set up the account (`name`) and sign in', 'The account is active and the session cookie set; a redirect to the account page'],
      ] as const
    ).flatMap(([segment, what, action, done]) => [
      [
        `GET /${segment}/{token}`,
        {
          summary: `${what} (HTML): a page with one button; opening it uses nothing up`,
          tag: 'Sign-in',
          responses: {
            200: { description: 'The page', html: true },
            404: { description: 'No such link', html: true },
            410: { description: 'The link was used or has expired, in plain words', html: true },
            429: { description: 'Too many wrong links from this network', html: true },
          },
        },
      ],
      [
        `POST /${segment}/{token}`,
        {
          summary: `${action}: uses the link up`,
          tag: 'Sign-in',
          form: '`csrf` (the page\'s form token, also in its cookie)' + (segment === 'invitations' ? ' and `name`' : ''),
          responses: {
            303: { description: done, location: '/console' },
            403: { description: 'The form token is missing or wrong: nothing used', html: true },
            404: { description: 'No such link', html: true },
            410: { description: 'The link was used or has expired', html: true },
            ...(segment === 'invitations' ? { 422: { description: 'The form again, the name refused next to its field', html: true } } : {}),
            429: { description: 'Too many wrong links from this network', html: true },
          },
        },
      ],
    ]),
  ) as Record<string, OperationDefinition>,
  'GET /console': {
    summary: "The signed-in person's page (HTML): name, company, roles, signing out",
    tag: 'Sign-in',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in (or the session ended)', location: '/sign-in' } },
  },
  ...Object.fromEntries(
    (
      [
        ['/sign-out', 'End this session'],
        ['/sign-out/everywhere', 'End every session of the person, on every device'],
      ] as const
    ).map(([path, summary]) => [
      `POST ${path}`,
      {
        summary,
        tag: 'Sign-in',
        form: "`csrf` (the session's form token)",
        responses: { 303: { description: 'Signed out (or not signed in)', location: '/sign-in' }, 403: { description: 'The form token is missing or wrong: still signed in', html: true } },
      },
    ]),
  ) as Record<string, OperationDefinition>,
  'GET /console/people': {
    summary: "The admin's people page (HTML): the licensee's people and the invitation form",
    tag: 'Sign-in',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 403: { description: 'The person is no admin', html: true } },
  },
  'POST /console/people/{id}/revoke': {
    summary: 'Revoke a person (the same rules as POST /v1/people/{id}/revoke): without `confirm=yes` a page asks to confirm',
    tag: 'Sign-in',
    form: "`csrf` (the session's form token) and, to revoke, `confirm=yes`",
    responses: {
      200: { description: 'The confirmation page, or the people page saying the person was revoked', html: true },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing changed', html: true },
      404: { description: 'No such person', html: true },
      409: { description: 'The admin tried to revoke themselves', html: true },
    },
  },
  'POST /console/people/{id}/resend': {
    summary: 'Send the invitation again (the same rules as POST /v1/people/{id}/resend-invitation)',
    tag: 'Sign-in',
    form: "`csrf` (the session's form token)",
    responses: {
      200: { description: 'The people page, saying a new invitation went out', html: true },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing sent', html: true },
      404: { description: 'No such person', html: true },
      409: { description: 'The person already set up the account, or was revoked', html: true },
    },
  },
  'GET /assets/passkeys.js': {
    summary: "The passkey pages' script: @simplewebauthn/browser and the lines that wire it to the sign-in and account pages",
    tag: 'Sign-in',
    responses: { 200: { description: 'JavaScript (cacheable: the pages name it with its version)' } },
  },
  'POST /sign-in/passkey/options': {
    summary: "A passkey sign-in's options (WebAuthn PublicKeyCredentialRequestOptionsJSON) with a new challenge: single use, 5 minutes, bound to the page's form token",
    tag: 'Sign-in',
    responses: {
      200: { description: 'The options for navigator.credentials.get' },
      403: problem("The `x-hub-csrf` header does not carry the page's form token (`csrf-token-refused`)"),
      429: problem('Too many sign-in challenges from this network (`too-many-tries`)'),
    },
  },
  'POST /sign-in/passkey/verify': {
    summary: 'Sign in with a passkey: the assertion (`response`, as @simplewebauthn/browser gives it) for a challenge of the options above',
    tag: 'Sign-in',
    body: authenticationBody,
    responses: {
      200: { description: 'Signed in: the session cookie is set; `next` is the page to go to' },
      400: problem(
        'The challenge is unknown, used, expired or not this page\'s (`passkey-challenge`); the passkey is unknown or did not check out (`passkey-unknown-passkey`, `passkey-not-verified`)',
      ),
      403: problem('The account cannot sign in (revoked) (`passkey-not-allowed`), or the form token is wrong (`csrf-token-refused`)'),
      429: problem('Too many failed passkey sign-ins from this network (`too-many-tries`)'),
    },
  },
  'POST /console/passkeys/options': {
    summary: "Adding a passkey: the options (PublicKeyCredentialCreationOptionsJSON) with a new challenge bound to the session (single use, 5 minutes)",
    tag: 'Sign-in',
    responses: {
      200: { description: 'The options for navigator.credentials.create' },
      403: problem("Not signed in (`not-signed-in`), or the `x-hub-csrf` header does not carry the session's form token (`csrf-token-refused`)"),
      409: problem('The account holds the most passkeys it may (`passkey-too-many`)'),
    },
  },
  'POST /console/passkeys': {
    summary: 'Adding a passkey: the attestation (`response`, as @simplewebauthn/browser gives it) and an optional `name`',
    tag: 'Sign-in',
    body: registrationBody,
    responses: {
      201: { description: 'The passkey was added' },
      400: problem('The challenge is unknown, used, expired or another session\'s (`passkey-challenge`), or the attestation did not check out (`passkey-not-verified`)'),
      403: problem('Not signed in (`not-signed-in`), or the form token is wrong (`csrf-token-refused`)'),
      409: problem('The passkey is already on the account (`passkey-already-added`)'),
    },
  },
  'POST /console/passkeys/{id}/remove': {
    summary: "Remove one of the signed-in person's passkeys (by credential ID)",
    tag: 'Sign-in',
    form: "`csrf` (the session's form token)",
    responses: {
      200: { description: 'The account page, saying the passkey was removed', html: true },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The form token is missing or wrong: nothing removed', html: true },
      404: { description: 'No such passkey on the account', html: true },
    },
  },
  'POST /console/people': {
    summary: 'Invite a person (the same rules as POST /v1/people/invitations)',
    tag: 'Sign-in',
    form: "`email`, `name`, `roles` (repeated) and `csrf` (the session's form token)",
    responses: {
      200: { description: 'The page, saying the invitation was sent', html: true },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing sent', html: true },
      422: { description: 'The form again, each problem next to its field', html: true },
    },
  },
  // The console (issue 15): pages for signed-in people, through the same use-cases as the transfers API.
  'GET /console/today': {
    summary: "Today (HTML): what needs the person now: transfers to receive, drafts, steps owed in the state system, overdue and refused ones, the connection's health",
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in (or the session ended)', location: '/sign-in' } },
  },
  'GET /console/transfers': {
    summary: 'Outgoing or incoming transfers (HTML), by `direction`, `status` and `q` (a manifest number, package tag or company), a page at a time (`cursor`)',
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' } },
  },
  'GET /console/transfers/{id}': {
    summary: 'One transfer (HTML): parties, packages, where it stands with the state system, history, and the actions the person may take',
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 404: { description: 'No such transfer, or another licensee’s', html: true } },
  },
  'GET /console/transfers/{id}/manifest.pdf': {
    summary: "The transfer's current manifest PDF",
    tag: 'Console',
    responses: { 302: pdfRedirect('The PDF'), 303: { description: 'Not signed in', location: '/sign-in' }, 404: { description: 'No such transfer, or no manifest yet', html: true } },
  },
  'POST /console/transfers/{id}/{action}': {
    summary: 'An action on the transfer (`manifest`, `discard`, `depart`, `arrive`, `void`, `receipt-link`), through the same use-case as the API',
    tag: 'Console',
    form: "`csrf` (the session's form token), `version` (the transfer's version the page showed) and, to void, `reason`",
    responses: {
      200: { description: 'The transfer page with what the action warned of', html: true },
      303: { description: 'Done: back to the transfer (or the trips); or not signed in', location: '/console/transfers/{id}' },
      403: { description: 'The form token is missing or wrong, or the person’s role does not allow the action: nothing done', html: true },
      404: { description: 'No such transfer or action, or another licensee’s transfer', html: true },
      409: { description: 'The transfer’s state does not allow it now, or it changed since the page was shown', html: true },
      422: { description: 'A rule refused it (e.g. no reason to void)', html: true },
    },
  },
  'GET /console/trips': {
    summary: "The driver's trips today (HTML), with the manifest and the departure and arrival buttons",
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' } },
  },
  'GET /console/transfers/new': {
    summary: 'The new-transfer form (HTML): receiver, crew and vehicle from the registries, packages typed, scanned, pasted or picked from the state system',
    tag: 'Console',
    responses: { 200: { description: 'The form', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 403: { description: 'The person’s role does not allow drafts', html: true } },
  },
  'POST /console/transfers/new': {
    summary: 'Saves the new draft (or adds pasted and scanned packages to the form), and issues its manifest when asked, through the same use-cases as the API',
    tag: 'Console',
    form: "`csrf` (the session's form token) and the form's fields",
    responses: {
      200: { description: 'The form again: packages added, or each problem at its field', html: true },
      303: { description: 'Saved (to the draft) or manifested (to the transfer); or not signed in', location: '/console/transfers/{id}' },
      403: { description: 'The form token is missing or wrong, or the role does not allow it: nothing saved', html: true },
      422: { description: 'The form with each problem at its field', html: true },
    },
  },
  'GET /console/transfers/{id}/edit': {
    summary: 'A draft in the transfer form (HTML)',
    tag: 'Console',
    responses: { 200: { description: 'The form', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 404: { description: 'No such draft, or another licensee’s', html: true } },
  },
  'POST /console/transfers/{id}/edit': {
    summary: 'Saves the draft (at the version the form showed), and issues its manifest when asked',
    tag: 'Console',
    form: "`csrf`, `version` and the form's fields",
    responses: {
      200: { description: 'The form again: packages added, or each problem at its field', html: true },
      303: { description: 'Saved or manifested; or not signed in', location: '/console/transfers/{id}' },
      403: { description: 'The form token is missing or wrong, or the role does not allow it: nothing saved', html: true },
      404: { description: 'No such draft, or another licensee’s', html: true },
      409: { description: 'Someone changed the draft since the form was shown', html: true },
      422: { description: 'The form with each problem at its field', html: true },
    },
  },
  'GET /console/transfers/{id}/receive': {
    summary: 'The receiving form (HTML): each package accepted, adjusted within the variance or rejected with a reason; a tag field jumps to its package',
    tag: 'Console',
    responses: { 200: { description: 'The form', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 404: { description: 'No such transfer to receive, or another licensee’s', html: true } },
  },
  'POST /console/transfers/{id}/receive': {
    summary: "Records the receipt through the API's receipt use-case, and says what the state system still needs (e.g. the receipt to enter in Metrc)",
    tag: 'Console',
    form: "`csrf`, `version` and one answer per package",
    responses: {
      200: { description: 'Received: the receipt and the next step; or the form again (a package jumped to, the rest accepted)', html: true },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The form token is missing or wrong, or the role does not allow receiving', html: true },
      404: { description: 'No such transfer to receive, or another licensee’s', html: true },
      409: { description: 'The transfer changed since the form was shown, or cannot be received now', html: true },
      422: { description: 'The form with each problem at its package', html: true },
    },
  },
  // The console's admin pages (issue 15): through the same use-cases as the api-keys, integrations, registries and reports API.
  'GET /console/admin/api-keys': {
    summary: "The admin's API keys page (HTML): the licensee's keys and the form to make one",
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 403: { description: 'The person is no admin', html: true } },
  },
  'POST /console/admin/api-keys': {
    summary: 'Make an API key (the same use-case as POST /v1/api-keys): the page shows its secret once',
    tag: 'Console',
    form: "`csrf` (the session's form token) and `label`",
    responses: {
      201: { description: 'The page with the new key, shown this once', html: true },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing made', html: true },
      422: { description: 'The form again, the problem next to its field', html: true },
    },
  },
  'POST /console/admin/api-keys/{id}/revoke': {
    summary: 'Revoke an API key (the same use-case as DELETE /v1/api-keys/{id}): without `confirm=yes` a page asks to confirm',
    tag: 'Console',
    form: "`csrf` and, to revoke, `confirm=yes`",
    responses: {
      200: { description: 'The confirmation page', html: true },
      303: { description: 'Revoked: back to the keys; or not signed in', location: '/console/admin/api-keys' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing changed', html: true },
      404: { description: 'No such key, or another licensee’s', html: true },
    },
  },
  'GET /console/admin/connections': {
    summary: "The state-system connections (HTML): each system's connection and health as GET /v1/integrations/{system} reports it, Metrc's user key form, BioTrack's consent and state users",
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 403: { description: 'The person is no admin', html: true } },
  },
  'GET /console/admin/connections/biotrack/connect': {
    summary: 'Start the NY-API consent (the same use-case as GET /v1/integrations/biotrack/connect) and send the browser there',
    tag: 'Console',
    responses: {
      302: { description: 'To the NY-API, where the license admin approves the hub', location: "The NY-API's authorization page" },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The person is no admin', html: true },
      409: { description: 'The licensee does not report to the NY-API', html: true },
    },
  },
  'POST /console/admin/connections/metrc': {
    summary: "Enter or replace the license's Metrc user key (the same use-case as PUT /v1/integrations/metrc/credentials): checked with Metrc, kept sealed, never shown again",
    tag: 'Console',
    form: "`csrf` and `userKey`",
    responses: {
      200: { description: 'The connections page, saying what Metrc accepted', html: true },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing kept', html: true },
      409: { description: 'The licensee does not report to Metrc', html: true },
      422: { description: 'Metrc refuses the key, or it is not one: the problem next to the field', html: true },
      503: { description: 'Metrc did not answer, or the hub has no Metrc address: nothing kept', html: true },
    },
  },
  'POST /console/admin/connections/biotrack/users': {
    summary: 'Keep the NY-API user an API key acts as, or the license default (the same use-case as PUT /v1/integrations/biotrack/users/{apiKeyId})',
    tag: 'Console',
    form: '`csrf`, `apiKeyId` (`default` for the license integration user), `username`, `password`',
    responses: {
      303: { description: 'Kept: back to the connections; or not signed in', location: '/console/admin/connections' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing kept', html: true },
      409: { description: 'The licensee does not report to the NY-API', html: true },
      422: { description: 'The form again, each problem next to its field', html: true },
    },
  },
  'GET /console/admin/registries/{collection}': {
    summary: 'The partners, drivers or vehicles on file (HTML; `collection` is partners, drivers or vehicles), or the removed ones (`status=inactive`), a page at a time (`cursor`)',
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 403: { description: 'The person is no admin', html: true }, 404: { description: 'No such list', html: true } },
  },
  'GET /console/admin/registries/{collection}/new': {
    summary: 'The form of a new partner, driver or vehicle (HTML)',
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 403: { description: 'The person is no admin', html: true }, 404: { description: 'No such list', html: true } },
  },
  'POST /console/admin/registries/{collection}': {
    summary: "Add a partner, driver or vehicle (the same use-case and schema as POST /v1/{collection})",
    tag: 'Console',
    form: "`csrf` and the entry's fields (nested ones dotted, e.g. `premisesAddress.zip`)",
    responses: {
      303: { description: 'Added: back to the list; or not signed in', location: '/console/admin/registries/{collection}' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing added', html: true },
      404: { description: 'No such list', html: true },
      422: { description: 'The form again, each problem next to its field', html: true },
    },
  },
  'GET /console/admin/registries/{collection}/{id}': {
    summary: 'One entry in its form, to change (HTML)',
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 403: { description: 'The person is no admin', html: true }, 404: { description: 'No such entry, or another licensee’s', html: true } },
  },
  'POST /console/admin/registries/{collection}/{id}': {
    summary: 'Change an entry at the version the form showed (the same use-case and schema as PUT /v1/{collection}/{id})',
    tag: 'Console',
    form: "`csrf`, `version` and the entry's fields",
    responses: {
      303: { description: 'Saved: back to the list; or not signed in', location: '/console/admin/registries/{collection}' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing changed', html: true },
      404: { description: 'No such entry, or another licensee’s', html: true },
      409: { description: 'Someone changed the entry since the form was shown, or it was removed', html: true },
      422: { description: 'The form again, each problem next to its field', html: true },
    },
  },
  'POST /console/admin/registries/{collection}/{id}/remove': {
    summary: 'Remove (deactivate) an entry (the same use-case as DELETE /v1/{collection}/{id}): without `confirm=yes` a page asks to confirm',
    tag: 'Console',
    form: '`csrf`, `version` and, to remove, `confirm=yes`',
    responses: {
      200: { description: 'The confirmation page', html: true },
      303: { description: 'Removed: back to the list; or not signed in', location: '/console/admin/registries/{collection}' },
      403: { description: 'The person is no admin, or the form token is missing or wrong: nothing changed', html: true },
      404: { description: 'No such entry, or another licensee’s', html: true },
      409: { description: 'Someone changed the entry since the page was shown', html: true },
    },
  },
  'GET /console/admin/reports': {
    summary: "The admin's reports page (HTML): the inventory-movements report's period and format",
    tag: 'Console',
    responses: { 200: { description: 'The page', html: true }, 303: { description: 'Not signed in', location: '/sign-in' }, 403: { description: 'The person is no admin', html: true } },
  },
  'POST /console/admin/reports/inventory-movements': {
    summary: 'Download the inventory-movements report (the same use-case as GET /v1/reports/inventory-movements) as an attachment',
    tag: 'Console',
    form: '`csrf`, `from` and `to` (New York days, YYYY-MM-DD), `format` (`csv` or `json`)',
    responses: {
      200: { description: 'The report file (CSV; or JSON, the InventoryMovementsReport), or, when too large to answer at once, a page with a short-lived link to it', csv: true, html: true, schema: movementsReportView },
      303: { description: 'Not signed in', location: '/sign-in' },
      403: { description: 'The person is no admin, or the form token is missing or wrong', html: true },
      422: { description: 'The form again, each problem next to its field', html: true },
    },
  },
};
