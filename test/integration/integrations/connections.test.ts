/**
 * Each licensee's connection to each state system in neutral terms: on GET /v1/me
 * (`stateSystemConnections`) and on GET /v1/integrations/{system}, whose biotrack form keeps the
 * consent and state users it always answered with.
 */
import { randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { describe, expect, inject, it } from 'vitest';
import { createHandler as meHandler } from '#functions/me/handler.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { createLocalTokenCipher } from '#shared/adapters/token-cipher.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { bioTrackSystem, metrcSystem } from '#shared/state-system/capabilities.ts';
import { createConnectionStore, createConsentReader } from '#shared/state-system/connections.ts';
import { createDiscrepancyStore } from '#shared/reconciliation/discrepancies.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import { registerLicensee } from '#shared/tenants/use-cases.ts';
import { demoTenant, request } from '../../support/hub-api.ts';
import { call, httpEvent } from '../../support/http-events.ts';

const config = readConfig();
const aws = createAwsClients(config);
const licensees = createLicenseeRepository(aws.dynamodb, hubTable.name);
const connections = createConnectionStore(aws.dynamodb, hubTable.name, createLocalTokenCipher(Buffer.from(config.tokenCipher.localKey ?? '', 'base64')));
const tenants = inject('tenants');
const DAY = 86_400_000;

interface Connection {
  readonly system: string;
  readonly displayName: string;
  readonly health: string;
  readonly expiresAt?: string;
  readonly since?: string;
}

/** A BioTrack licensee whose consent the hub records as granted now, for 100 days (no state system involved: health reads the dates). */
async function licenseeWithConsent() {
  const n = randomInt(100_000, 999_999);
  const { licensee } = await registerLicensee(
    { licensees, now: () => new Date(), newId: monotonicFactory() },
    {
      licenseNumber: `OCM-PROC-26-${n}-C1`,
      legalName: `Connection Test Processing ${n} LLC`,
      premisesAddress: { street: '1 Test Way', city: 'Albany', state: 'NY', zip: '12205' },
      phone: '(518) 555-0100',
      stateSystem: { adapter: bioTrackSystem, stateLicenseNumber: `LocLicC${n}`, ubi: `60${n}2` },
    },
  );
  const granted = new Date();
  const expires = new Date(granted.getTime() + 100 * DAY);
  await connections.put({
    licenseeId: licensee.id,
    system: bioTrackSystem,
    accessToken: 'access',
    refreshToken: 'refresh',
    accessExpiresAt: new Date(granted.getTime() + 3_600_000).toISOString(),
    consentGrantedAt: granted.toISOString(),
    consentExpiresAt: expires.toISOString(),
    updatedAt: granted.toISOString(),
  });
  return { licensee, granted: granted.toISOString(), expires: expires.toISOString() };
}

/** GET /v1/me's connections as the handler answers them on a given day after now. */
async function connectionsOn(licenseeId: string, days: number): Promise<Connection[]> {
  const handler = meHandler({
    licensees,
    consent: createConsentReader(aws.dynamodb, hubTable.name),
    submissions: createSubmissionRepository(aws.dynamodb, hubTable.name),
    discrepancies: createDiscrepancyStore(aws.dynamodb, hubTable.name),
    now: () => new Date(Date.now() + days * DAY),
  });
  const reply = await call(handler, httpEvent('GET /v1/me', '/v1/me', { caller: { licenseeId, apiKeyId: 'k' } }));
  expect(reply.status).toBe(200);
  return (reply.body as { stateSystemConnections: Connection[] }).stateSystemConnections;
}

describe('state-system connections in neutral terms', () => {
  it.each(tenants)('GET /v1/me lists every system for the $role, its own first, beside the fields it had', async (tenant) => {
    const me = await request('GET', '/v1/me', { apiKey: tenant.apiKey });
    expect(me.status).toBe(200);
    const listed = me.body['stateSystemConnections'] as Connection[];

    expect(listed.map((c) => [c.system, c.displayName])).toEqual([
      [bioTrackSystem, 'BioTrack'],
      [metrcSystem, 'Metrc'],
    ]);
    // The demo's integrated tenants are connected to BioTrack at start; nobody has a Metrc user key yet.
    expect(listed[0]?.health).toBe(tenant.integrated ? 'connected' : 'missing');
    expect(listed[1]).toEqual({ system: metrcSystem, displayName: 'Metrc', health: 'missing' });
    if (tenant.integrated) {
      expect(listed[0]).toMatchObject({ expiresAt: expect.any(String) as string, since: expect.any(String) as string });
      expect(me.body['stateSystemConsent']).toMatchObject({ status: 'connected' });
    } else {
      expect(me.body['stateSystemConsent']).toBeUndefined();
    }
    expect(me.body['stateSystemAttention']).toMatchObject({ refused: expect.any(Number) as number });
  });

  it("follows BioTrack's consent: connected since it was granted, expiring in its last 14 days, reconnect-required once run out", async () => {
    const { licensee, granted, expires } = await licenseeWithConsent();
    const bioTrack = async (days: number) => (await connectionsOn(licensee.id, days))[0];

    expect(await bioTrack(0)).toEqual({ system: bioTrackSystem, displayName: 'BioTrack', health: 'connected', expiresAt: expires, since: granted });
    expect(await bioTrack(90)).toEqual({
      system: bioTrackSystem,
      displayName: 'BioTrack',
      health: 'expiring',
      expiresAt: expires,
      since: new Date(Date.parse(expires) - 14 * DAY).toISOString(),
    });
    expect(await bioTrack(101)).toMatchObject({ health: 'reconnect-required', expiresAt: expires, since: expires });
  });

  it('says reconnect-required from the moment the state system refused the refresh token', async () => {
    const { licensee, expires } = await licenseeWithConsent();
    const refusedAt = new Date().toISOString();
    await connections.markRefreshFailed(licensee.id, bioTrackSystem, refusedAt, 'invalid_grant');

    expect((await connectionsOn(licensee.id, 1))[0]).toEqual({ system: bioTrackSystem, displayName: 'BioTrack', health: 'reconnect-required', expiresAt: expires, since: refusedAt });
  });
});

describe('GET /v1/integrations/{system}', () => {
  const distributor = demoTenant('distributor');

  it('answers biotrack as before (consent, state users), with the neutral fields beside them', async () => {
    const status = await request('GET', '/v1/integrations/biotrack', { apiKey: distributor.apiKey });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      system: bioTrackSystem,
      displayName: 'BioTrack',
      health: 'connected',
      consent: { status: 'connected' },
      stateUsers: [expect.objectContaining({ apiKeyId: 'default' })],
    });
  });

  it('answers metrc in neutral terms', async () => {
    const status = await request('GET', '/v1/integrations/metrc', { apiKey: distributor.apiKey });
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ system: metrcSystem, displayName: 'Metrc', health: 'missing' });
  });

  it('answers 404 for a system the hub does not know, saying which it knows', async () => {
    const unknown = await request('GET', '/v1/integrations/leaf-data', { apiKey: distributor.apiKey });
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toBe('application/problem+json');
    expect(unknown.body).toMatchObject({ code: 'not-found', title: 'No such state system' });
    expect(unknown.body['detail']).toBe('The hub reports to no state system called "leaf-data". Known: biotrack, metrc.');
  });
});
