/**
 * What the state system refused never looks fine: a manifest the NY-API refuses says so in the
 * manifest answer, on the transfer (to shipper and receiver), in the list rows and on /v1/me; the
 * shipment cannot depart; and the public verification page says the shipment is not on record.
 */
import { describe, expect, it } from 'vitest';
import { call, draftTo, step } from '../../support/lifecycle.ts';
import { eventually, freshInventory, onAnotherOpenManifest } from '../../support/nyapi.ts';
import { directoryOf, draftBody, licensee, registryFor, transfersApi, worldRules } from '../../support/transfer-world.ts';

interface StateSystemView {
  readonly status: string;
  readonly step?: string;
  readonly code?: string;
  readonly message?: string;
  readonly licenseeId?: string;
  readonly stateManifestId?: string;
}

describe('a manifest the state system refused', { timeout: 120_000 }, () => {
  it('is refused before it is numbered when the state’s inventory already shows why (pre-flight)', async () => {
    const [held = '', other = ''] = await freshInventory('distributor', 2, 1);
    const unknown = `7${String(Date.now()).padStart(15, '0').slice(-15)}`;
    const id = await draftTo('processor', [held, unknown, other], 'distributor', 1);
    const { version } = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body;
    // More than the state holds of one package, one it does not hold, one in another unit.
    const patched = await call(
      'distributor',
      'PATCH',
      `/v1/transfers/${id}`,
      {
        lines: [
          { tag: held, productName: 'Pre-roll pack 1', category: 'pre-roll', productionBatch: 'B-77', quantity: 5, unit: 'each', unitPrice: 4.5, labTestStatus: 'passed', finishedGoods: true, sample: false },
          { tag: unknown, productName: 'Pre-roll pack 2', category: 'pre-roll', productionBatch: 'B-77', quantity: 1, unit: 'each', unitPrice: 4.5, labTestStatus: 'passed', finishedGoods: true, sample: false },
          { tag: other, productName: 'Flower', category: 'flower', productionBatch: 'B-78', quantity: 1, unit: 'g', unitPrice: 4.5, labTestStatus: 'passed', finishedGoods: true, sample: false },
        ],
      },
      { 'if-match': `"${String(version)}"` },
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const refused = await call('distributor', 'POST', `/v1/transfers/${id}/manifest`);
    expect(refused.status).toBe(422);
    const errors = refused.body['errors'] as { pointer: string; code: string; message: string }[];
    expect(errors.map((e) => [e.pointer, e.code])).toEqual([
      ['/lines/0/quantity', 'more-than-state-holds'],
      ['/lines/1/tag', 'not-at-state'],
      ['/lines/2/unit', 'unit-differs'],
    ]);
    expect(errors[0]?.message).toContain('holds only 1 each');
    // No number was taken, nothing was reported.
    const after = (await call('distributor', 'GET', `/v1/transfers/${id}`)).body;
    expect(after['status']).toBe('DRAFT');
    expect(after['manifest']).toBeUndefined();
    expect(after['stateSystem']).toEqual({ status: 'not-required' });
  });

  it('is refused on the transfer, its list row, /v1/me and the verification page, and cannot depart', async () => {
    // The distributor's other software put the package on a manifest of its own at the state.
    const [tag = ''] = await freshInventory('distributor', 1);
    await onAnotherOpenManifest('distributor', [tag]);
    const id = await draftTo('processor', [tag], 'distributor', 5);
    const attentionBefore = ((await call('distributor', 'GET', '/v1/me')).body['stateSystemAttention'] as { refused: number }).refused;

    // The manifest answer waits for the state's verdict, and says it.
    const manifested = await step('distributor', id, 'manifest');
    const verdict = manifested['stateSystem'] as StateSystemView;
    expect(verdict).toMatchObject({ status: 'refused', step: 'manifest', code: 'ALREADY_ON_OPEN_MANIFEST' });
    expect(verdict.message).toContain(tag);

    // Both parties see it on the transfer.
    for (const role of ['distributor', 'processor'] as const) {
      const seen = (await call(role, 'GET', `/v1/transfers/${id}`)).body['stateSystem'] as StateSystemView;
      expect(seen).toMatchObject({ status: 'refused', code: 'ALREADY_ON_OPEN_MANIFEST' });
    }
    // And in the lists.
    const row = async (role: 'distributor' | 'processor', direction: string) =>
      ((await call(role, 'GET', `/v1/transfers?direction=${direction}&limit=100`)).body['items'] as { id: string; stateSystem: StateSystemView }[]).find((t) => t.id === id);
    expect((await row('distributor', 'outgoing'))?.stateSystem).toMatchObject({ status: 'refused', code: 'ALREADY_ON_OPEN_MANIFEST' });
    expect((await row('processor', 'incoming'))?.stateSystem.status).toBe('refused');
    // The shipper must act: /v1/me counts it.
    const attention = (await call('distributor', 'GET', '/v1/me')).body['stateSystemAttention'] as { refused: number; overdue: number };
    expect(attention.refused).toBe(attentionBefore + 1);

    // It cannot depart while the state refuses it, and the answer says why in the state's words.
    const depart = await call('distributor', 'POST', `/v1/transfers/${id}/depart`);
    expect(depart.status).toBe(409);
    expect(depart.headers.get('content-type')).toBe('application/problem+json');
    expect(depart.body).toMatchObject({ code: 'state-refused' });
    expect(String(depart.body['title'])).toContain('ALREADY_ON_OPEN_MANIFEST');
    expect(depart.body['stateSystem']).toMatchObject({ status: 'refused', code: 'ALREADY_ON_OPEN_MANIFEST' });
    expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('MANIFESTED');

    // The verification page does not call it genuine.
    const twin = (await call('distributor', 'GET', `/v1/transfers/${id}/manifest.json`)).body as { verificationUrl?: string };
    const verifyUrl = twin.verificationUrl;
    expect(verifyUrl).toBeDefined();
    const page = await (await fetch(verifyUrl ?? '', { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Not recorded by the state system');
    expect(page).not.toContain('Genuine');
    const json = (await (await fetch(verifyUrl ?? '', { headers: { accept: 'application/json' } })).json()) as { stateSystem: StateSystemView };
    expect(json.stateSystem).toMatchObject({ status: 'refused', step: 'manifest' });
  });

  it('says recorded, with the state manifest id, once the state has it', async () => {
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('processor', tags);
    const manifested = await step('distributor', id, 'manifest');
    const recorded = manifested['stateSystem'] as StateSystemView;
    expect(recorded.status).toBe('recorded');
    expect(recorded.stateManifestId).toMatch(/^\d{16}$/);
    const row = async () =>
      ((await call('distributor', 'GET', '/v1/transfers?direction=outgoing&limit=100')).body['items'] as { id: string; stateSystem: StateSystemView }[]).find((t) => t.id === id);
    await eventually(async () => ((await row())?.stateSystem.status === 'recorded' ? true : undefined), 20_000, 'the recorded row');
    const departed = await step('distributor', id, 'depart');
    // Departing owes a new report: on its way until the state has it.
    expect(['pending', 'recorded']).toContain((departed['stateSystem'] as StateSystemView).status);
  });

  it('with the rule off, departs anyway and warns in the state’s words', async () => {
    // Not a tenant of the hub: the hub has no link to report for it, and says so as a refusal.
    const shipper = licensee('DIST', 'Unlinked Distribution LLC');
    const receiver = licensee('PROC', 'Unlinked Processing LLC');
    const api = transfersApi(directoryOf(shipper, receiver), { ...worldRules, noDepartureWhileStateRefuses: { enabled: false } });
    const id = (await api.create(shipper.caller, draftBody(await registryFor(shipper, receiver), 1))).body['id'] as string;
    expect((await api.action(shipper.caller, id, 'manifest')).body['stateSystem']).toMatchObject({ status: 'refused', code: 'NOT_INTEGRATED' });
    const departed = await api.action(shipper.caller, id, 'depart');
    expect(departed.status).toBe(200);
    const warnings = departed.body['warnings'] as { code: string; message: string }[];
    expect(warnings.map((w) => w.code)).toEqual(['state-refused']);
    expect(warnings[0]?.message).toContain('NOT_INTEGRATED');
    expect(departed.body['stateSystem']).toMatchObject({ status: 'refused' });
  });
});
