/**
 * A license admin's consent to the hub in the NY-API, end to end: connect and callback, what
 * GET /v1/me says over the 100 days, and submissions that wait while consent has run out and go
 * once it is given again.
 */
import { randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { describe, expect, inject, it } from 'vitest';
import { createHandler as meHandler } from '#functions/me/handler.ts';
import { connectTenant } from '#infra/local/seed-state-system.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { createLocalTokenCipher } from '#shared/adapters/token-cipher.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { createConnectionStore, createConsentReader } from '#shared/state-system/connections.ts';
import { createDiscrepancyStore } from '#shared/reconciliation/discrepancies.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';
import { createApiKeyRepository, createLicenseeRepository } from '#shared/tenants/repository.ts';
import { createApiKey, registerLicensee } from '#shared/tenants/use-cases.ts';
import { call as callAs } from '../../support/lifecycle.ts';
import { demoTenant, request } from '../../support/hub-api.ts';
import { call, httpEvent } from '../../support/http-events.ts';
import { eventually, freshInventoryOf } from '../../support/nyapi.ts';

const config = readConfig();
const aws = createAwsClients(config);
const licensees = createLicenseeRepository(aws.dynamodb, hubTable.name);
const connections = createConnectionStore(aws.dynamodb, hubTable.name, createLocalTokenCipher(Buffer.from(config.tokenCipher.localKey ?? '', 'base64')));
const { urls } = inject('hub');

/** A new integrated licensee with a key, known to the state system, and connected. */
async function newConnectedLicensee() {
  const n = randomInt(100_000, 999_999);
  const stateLicense = `LocLicT${n}`;
  const ubi = `60${n}1`;
  const deps = { licensees, apiKeys: createApiKeyRepository(aws.dynamodb, hubTable.name), now: () => new Date(), newId: monotonicFactory() };
  const { licensee } = await registerLicensee(deps, {
    licenseNumber: `OCM-PROC-26-${n}-P1`,
    legalName: `Consent Test Processing ${n} LLC`,
    premisesAddress: { street: '1 Test Way', city: 'Albany', state: 'NY', zip: '12205' },
    phone: '(518) 555-0100',
    stateSystem: { adapter: 'biotrack-ny', stateLicenseNumber: stateLicense, ubi },
  });
  const { apiKey } = await createApiKey(deps, licensee.id, 'consent test');
  const user = { Username: `admin-${n}`, Password: `pw-${n}` };
  const state = { license: stateLicense, ubi, name: licensee.legalName, users: [user] };
  const tags = await freshInventoryOf(state, 1);
  await connectTenant({ apiUrl: urls.api, nyapiUrl: urls.nyapi }, apiKey, user);
  return { licensee, apiKey, user, tags };
}

const api = (apiKey: string, method: string, path: string, body?: unknown) => request(method, path, { apiKey, ...(body === undefined ? {} : { body }) });

describe('state-system consent', { timeout: 120_000 }, () => {
  it('connects through the state system and shows the 100-day consent on /v1/me', async () => {
    const { licensee, apiKey, user } = await newConnectedLicensee();
    const me = await api(apiKey, 'GET', '/v1/me');
    expect(me.body['stateSystemConsent']).toMatchObject({ status: 'connected', daysLeft: 100 });
    const status = await api(apiKey, 'GET', '/v1/integrations/biotrack');
    expect(status.body['stateUsers']).toEqual([expect.objectContaining({ apiKeyId: 'default', username: user.Username })]);
    expect(JSON.stringify(status.body)).not.toContain(user.Password);

    // The same consent seen 90 and 101 days on: warned, then expired.
    const handler = (days: number) =>
      meHandler({
        licensees,
        consent: createConsentReader(aws.dynamodb, hubTable.name),
        submissions: createSubmissionRepository(aws.dynamodb, hubTable.name),
        discrepancies: createDiscrepancyStore(aws.dynamodb, hubTable.name),
        now: () => new Date(Date.now() + days * 86_400_000),
      });
    const caller = { licenseeId: licensee.id, apiKeyId: 'k' };
    const later = (await call(handler(90), httpEvent('GET /v1/me', '/v1/me', { caller }))).body as Record<string, { status: string; warning?: string; daysLeft: number }>;
    expect(later['stateSystemConsent']).toMatchObject({ status: 'expiring', daysLeft: 10 });
    expect(later['stateSystemConsent']?.warning).toContain('10 day');
    const expired = (await call(handler(101), httpEvent('GET /v1/me', '/v1/me', { caller }))).body as Record<string, { status: string }>;
    expect(expired['stateSystemConsent']?.status).toBe('expired');
  });

  it('says reconnect-required, not expired, when the state system refused the refresh token inside the 100 days, until the admin approves again', async () => {
    const { licensee, apiKey, user } = await newConnectedLicensee();
    await connections.markRefreshFailed(licensee.id, 'biotrack-ny', new Date().toISOString(), 'invalid_grant');
    const me = (await api(apiKey, 'GET', '/v1/me')).body['stateSystemConsent'] as { status: string; daysLeft: number; warning: string };
    expect(me).toMatchObject({ status: 'reconnect-required', daysLeft: 100 });
    expect(me.warning).toContain('before the consent');
    expect(((await api(apiKey, 'GET', '/v1/integrations/biotrack')).body['consent'] as { status: string }).status).toBe('reconnect-required');

    await connectTenant({ apiUrl: urls.api, nyapiUrl: urls.nyapi }, apiKey, user);
    expect((await api(apiKey, 'GET', '/v1/me')).body['stateSystemConsent']).toMatchObject({ status: 'connected' });
  });

  it('refuses a callback with an unknown or reused state, and consent for a licensee without the NY-API', async () => {
    const bad = await fetch(`${urls.api}/v1/integrations/biotrack/callback?code=x&state=not-issued`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    const none = await callAs('retail dispensary', 'GET', '/v1/integrations/biotrack/connect', undefined, { accept: 'application/json' });
    expect(none.status).toBe(409);
    expect(none.body['code']).toBe('not-integrated');
    expect(demoTenant('retail dispensary').integrated).toBe(false);
  });

  it('parks submissions while consent has expired, without retrying, and sends them once consent is given again', async () => {
    const { licensee, apiKey, user, tags } = await newConnectedLicensee();
    const processor = demoTenant('processor');
    const [driver, vehicle, partner] = await Promise.all([
      api(apiKey, 'POST', '/v1/drivers', { name: 'Ana Ruiz', employeeId: 'E-1', driversLicenseNumber: '123 456 789', phone: '(518) 555-0101' }),
      api(apiKey, 'POST', '/v1/vehicles', {
        conveyance: 'van', make: 'Ford', model: 'Transit', year: 2024, color: 'White', plate: 'ABC 1234',
        attestations: { gpsFitted: true, lockedBox: true, temperatureControl: true },
      }),
      api(apiKey, 'POST', '/v1/partners', {
        legalName: processor.name, licenseNumber: processor.licenseNumber, integrated: true, phone: '(315) 555-0178',
        premisesAddress: { street: '2285 Hamilton St', city: 'Geneva', zip: '14456' },
      }),
    ]);
    expect([driver.status, vehicle.status, partner.status]).toEqual([201, 201, 201]);

    // The consent ran out (as the hub records it).
    const connection = await connections.get(licensee.id, 'biotrack-ny');
    if (!connection) throw new Error('not connected');
    await connections.put({ ...connection, consentExpiresAt: new Date(Date.now() - 1000).toISOString() });
    expect((await api(apiKey, 'GET', '/v1/me')).body['stateSystemConsent']).toMatchObject({ status: 'expired' });

    const departure = new Date(Date.now() + 3_600_000);
    const created = await api(apiKey, 'POST', '/v1/transfers', {
      type: 'transfer', receiverPartnerId: partner.body['id'], taxPayer: { taxPaid: true }, driverIds: [driver.body['id']], vehicleId: vehicle.body['id'],
      estimatedDeparture: departure.toISOString(), estimatedArrival: new Date(departure.getTime() + 3_600_000).toISOString(), plannedRoute: 'NY-5',
      lines: [{ tag: tags[0], productName: 'Rosin', category: 'concentrate', productionBatch: 'R-1', quantity: 2, unit: 'each', unitPrice: 20, labTestStatus: 'passed', finishedGoods: true, sample: false }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body['id'] as string;
    expect((await api(apiKey, 'POST', `/v1/transfers/${id}/manifest`)).status).toBe(200);

    const list = async () => (await api(apiKey, 'GET', `/v1/transfers/${id}/submissions`)).body['items'] as { status: string; attempts: number; lastError?: { code: string } }[];
    const [parked] = await eventually(async () => ((await list())[0]?.status === 'consent-expired' ? list() : undefined), 20_000, 'a parked submission');
    expect(parked?.lastError?.code).toBe('CONSENT_EXPIRED');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await list())[0]).toMatchObject({ status: 'consent-expired', attempts: 1 });

    await connectTenant({ apiUrl: urls.api, nyapiUrl: urls.nyapi }, apiKey, user);
    const [sent] = await eventually(async () => ((await list())[0]?.status === 'succeeded' ? list() : undefined), 20_000, 'the resumed submission');
    expect(sent?.attempts).toBe(2);
  });
});
