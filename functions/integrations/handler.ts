/**
 * /v1/integrations/{system}: a license's connection to each state system in neutral terms; for
 * BioTrack (/v1/integrations/biotrack/...) also the license admin's consent (OAuth authorization
 * code) and which state-system user each hub API key acts as; for Metrc the license's user key.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readConfig } from '#shared/config.ts';
import { callerOf } from '#shared/http/caller.ts';
import { escapeHtml } from '#shared/http/html.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { HttpProblem, jsonResponse } from '#shared/http/problem.ts';
import { pathParameter, preferredMediaType, readJsonBody, readQuery } from '#shared/http/request.ts';
import { completeConsent, integrationStatus, linkStateUser, startConsent } from '#shared/state-system/biotrack/consent.ts';
import { callbackQuery, stateUserBody } from '#shared/state-system/biotrack/representation.ts';
import { bioTrackSystem, integrationPathSegments, stateSystemConnection, systemAtIntegrationPath } from '#shared/state-system/capabilities.ts';
import { enterUserKey, userKeyBody } from '#shared/state-system/metrc/credentials.ts';
import { integrationDeps } from '#shared/wiring/integrations.ts';
import type { IntegrationDeps } from '#shared/wiring/integrations.ts';

/** What the admin's browser lands on after approving. */
const connectedPage = (expiresAt: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Connected</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem"><h1>Connected to the NY-API</h1>` +
  `<p>The hub now reports this license's transfers to the state tracking system. The consent lasts until <strong>${escapeHtml(expiresAt)}</strong>; the hub warns 14 days before.</p></body></html>`;

export function createHandler({ consent: deps, credentials }: IntegrationDeps) {
  return httpHandler(async (event: APIGatewayProxyEventV2) => {
    switch (event.routeKey) {
      case 'GET /v1/integrations/{system}': {
        const name = pathParameter(event, 'system');
        const system = systemAtIntegrationPath(name);
        if (!system) {
          throw new HttpProblem({
            status: 404,
            code: 'not-found',
            title: 'No such state system',
            detail: `The hub reports to no state system called "${name}". Known: ${integrationPathSegments.join(', ')}.`,
          });
        }
        const caller = callerOf(event);
        const connection = await stateSystemConnection(deps.connections, caller.licenseeId, system, deps.now());
        // BioTrack's answer keeps what it always said (its consent, its state users) beside the neutral fields.
        return jsonResponse(200, system === bioTrackSystem ? { ...connection, ...(await integrationStatus(deps, caller)) } : connection);
      }
      case 'GET /v1/integrations/biotrack/connect': {
        const started = await startConsent(deps, callerOf(event));
        // A browser follows the redirect; software gets the URL to hand to the license admin.
        if (preferredMediaType(event, ['application/json', 'text/html']) === 'text/html') {
          return { statusCode: 302, headers: { location: started.authorizeUrl, 'cache-control': 'no-store' }, body: '' };
        }
        return jsonResponse(200, started, { 'cache-control': 'no-store' });
      }
      case 'GET /v1/integrations/biotrack/callback': {
        const done = await completeConsent(deps, readQuery(event, callbackQuery));
        if (preferredMediaType(event, ['text/html', 'application/json']) === 'application/json') return jsonResponse(200, done);
        return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: connectedPage(done.consent.expiresAt ?? '') };
      }
      case 'PUT /v1/integrations/biotrack/users/{apiKeyId}':
        return jsonResponse(200, await linkStateUser(deps, callerOf(event), pathParameter(event, 'apiKeyId'), readJsonBody(event, stateUserBody)));
      case 'PUT /v1/integrations/metrc/credentials':
        return jsonResponse(200, await enterUserKey(credentials, callerOf(event), readJsonBody(event, userKeyBody)), { 'cache-control': 'no-store' });
      default:
        throw new Error(`Route ${event.routeKey} is not an integration route`);
    }
  });
}

export const handler = createHandler(await integrationDeps(readConfig()));
