/**
 * A Metrc user key deleted in Metrc, over HTTP through the local hub and its Metrc emulator: the
 * next submission meets Metrc's refusal, waits as the revoked key's (not retried into the ground,
 * not failed), `/v1/me` says the connection is revoked, and entering a new key sends it again.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../../support/nyapi.ts';
import { connectShipper, metrcHubWorld } from './hub-world.ts';

interface Submission {
  readonly step: string;
  readonly status: string;
  readonly lastError?: { readonly code: string };
}

describe('a Metrc user key revoked in Metrc', { timeout: 120_000 }, () => {
  it('parks the submissions as the revoked key’s, says so on /v1/me, and resumes them with a new key', async () => {
    const w = await metrcHubWorld([{ n: 1 }]);
    await connectShipper(w);
    const shipperLicense = w.shipperLicense;
    const me = (await w.call('GET', '/v1/me')).body;
    const userKey = `user-key-${shipperLicense.slice(-6)}`;
    await w.control('POST', '/keys/revoke', { key: userKey });

    const id = await w.draft([{ n: 1 }]);
    // The pre-flight cannot read Metrc with the key gone: it checks nothing and the manifest is numbered.
    expect((await w.manifest(id)).status).toBe(200);
    const parked = await eventually(async () => {
      const [manifest] = (await w.call('GET', `/v1/transfers/${id}/submissions`)).body['items'] as Submission[];
      return manifest?.status === 'consent-expired' ? manifest : undefined;
    }, 30_000, 'the manifest step parked');
    expect(parked.lastError?.code).toBe('CREDENTIALS_REVOKED');
    const connections = (await w.call('GET', '/v1/me')).body['stateSystemConnections'] as { system: string; health: string }[];
    expect(connections.find((c) => c.system === 'metrc')?.health).toBe('revoked');
    expect((me['stateSystemConnections'] as { system: string; health: string }[]).find((c) => c.system === 'metrc')?.health).toBe('connected');

    // The license admin creates a new key in Metrc and enters it: what waited for it goes again.
    const fresh = `new-key-${shipperLicense.slice(-6)}`;
    await w.control('POST', '/seed', { userKeys: [{ key: fresh, facilities: [{ licenseNumber: shipperLicense, permissions: 'all' }] }] });
    const entered = await w.call('PUT', '/v1/integrations/metrc/credentials', { userKey: fresh });
    expect(entered.status, JSON.stringify(entered.body)).toBe(200);
    expect(entered.body).toMatchObject({ health: 'connected', resumed: 1 });
    await eventually(async () => {
      const [manifest] = (await w.call('GET', `/v1/transfers/${id}/submissions`)).body['items'] as Submission[];
      return manifest?.status === 'awaiting-person' ? true : undefined;
    }, 30_000, 'the template pushed with the new key');
  });
});
