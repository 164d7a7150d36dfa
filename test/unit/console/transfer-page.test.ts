/**
 * A transfer's page and the actions it offers: by the transfer's state, the company's part in it
 * and the person's role; the state system's words, differences and the packages escaped.
 */
import { describe, expect, it } from 'vitest';
import { transferPage } from '#shared/console/pages.ts';
import { actionsFor, formServed, formsFor } from '#shared/console/use-cases.ts';
import type { TransferView } from '#shared/console/use-cases.ts';
import type { Role } from '#shared/people/person.ts';
import type { CurrentSession } from '#shared/people/use-cases.ts';
import type { StoredTransfer } from '#shared/transfers/use-cases.ts';

const now = new Date('2026-12-02T15:00:00Z');
const party = (licenseeId: string, legalName: string) => ({
  licenseeId,
  legalName,
  licenseNumber: `OCM-${licenseeId}`,
  premisesAddress: { street: '1 Main St', city: 'Albany', state: 'NY', zip: '12205' },
  phone: '(518) 555-0100',
  stateSystem: 'biotrack-ny',
  stateAccessLost: false,
});

function transfer(status: string, extra: Record<string, unknown> = {}): StoredTransfer {
  return {
    id: '01TRANSFER',
    shipperId: 'SHIP',
    receiverLicenseeId: 'RECV',
    status,
    version: 4,
    content: {
      type: 'wholesale',
      lines: [{ tag: '1234567890123456', productName: '<img src=x onerror=alert(1)>', category: 'flower', productionBatch: 'B-1', quantity: 2, unit: 'each', labTestStatus: 'passed', finishedGoods: true, sample: false }],
    },
    manifest: { number: 'M-7', version: 1, manifestedAt: now.toISOString(), contentHash: 'h', parties: { shipper: party('SHIP', 'Ship & Co'), receiver: party('RECV', 'Remedies'), drivers: [{ driverId: 'D1', name: 'Alex', employeeId: 'E', driversLicenseNumber: 'X', driversLicenseState: 'NY', phone: '1' }] } },
    returnIds: [],
    summary: { type: 'wholesale', lineCount: 1, manifestNumber: 'M-7' },
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...extra,
  } as unknown as StoredTransfer;
}

const as = (licenseeId: string, roles: readonly Role[]) =>
  ({ caller: { licenseeId, apiKeyId: 'console', personId: 'P' }, person: { id: 'P', licenseeId, name: 'Kim', roles }, session: { csrfToken: 't' } }) as unknown as CurrentSession;

describe('the actions a transfer page offers', () => {
  it('follows the state, the company’s part and the role', () => {
    const manifested = transfer('MANIFESTED', { receiptLink: { linkId: 'L', issuedAt: now.toISOString(), validUntil: now.toISOString() } });
    expect(actionsFor(manifested, as('SHIP', ['shipping']))).toEqual(['depart', 'void', 'receipt-link']);
    expect(actionsFor(manifested, as('SHIP', ['driver']))).toEqual(['depart']);
    expect(actionsFor(manifested, as('SHIP', ['viewer']))).toEqual([]);
    expect(actionsFor(manifested, as('SHIP', ['receiving']))).toEqual([]);
    // The receiver's people may not depart or cancel the shipper's transfer, whatever their role.
    expect(actionsFor(manifested, as('RECV', ['admin']))).toEqual([]);
    expect(actionsFor(transfer('DRAFT', { manifest: undefined }), as('SHIP', ['shipping']))).toEqual(['manifest', 'discard']);
    expect(actionsFor(transfer('IN_TRANSIT'), as('SHIP', ['driver']))).toEqual(['arrive']);
    expect(actionsFor(transfer('ACCEPTED'), as('SHIP', ['admin']))).toEqual([]);
  });

  it('links the receiving form for the receiver’s receiving people, and the draft form for the shipper’s clerks, where the hub serves them', () => {
    const arrived = transfer('ARRIVED');
    const expected = (page: 'edit' | 'receive') => (formServed(page) ? [page] : []);
    expect(formsFor(arrived, as('RECV', ['receiving']))).toEqual(expected('receive'));
    expect(formsFor(arrived, as('RECV', ['viewer']))).toEqual([]);
    expect(formsFor(arrived, as('SHIP', ['admin']))).toEqual([]);
    expect(formsFor(transfer('DRAFT', { manifest: undefined }), as('SHIP', ['shipping']))).toEqual(expected('edit'));
    expect(formsFor(transfer('DRAFT', { manifest: undefined }), as('SHIP', ['driver']))).toEqual([]);
  });
});

describe('the transfer page', () => {
  it("shows the state system's words, the differences and the packages escaped, with no API term", () => {
    const view: TransferView = {
      transfer: transfer('IN_TRANSIT'),
      state: { status: 'refused', step: 'ship', code: 'E42', message: 'Vehicle <unknown>' },
      differences: [{ key: 'k', kind: 'quantity-differs', message: 'The state shows 1 <each>', observedAt: now.toISOString(), lines: [{ tag: '1234567890123456' }], transferId: '01TRANSFER', licenseeId: 'SHIP', status: 'open' }],
      events: [{ transferId: '01TRANSFER', sequence: 2, action: 'manifest', from: 'DRAFT', to: 'MANIFESTED', at: now.toISOString(), actor: { licenseeId: 'SHIP', apiKeyId: 'console', personId: 'P' }, payloadHash: 'x', summary: 'Manifest M-7 issued' }],
      submissions: [{ id: 's', transferId: '01TRANSFER', sequence: 3, step: 'ship', licenseeId: 'SHIP', system: 'biotrack-ny', status: 'failed', attempts: 1, createdAt: now.toISOString(), updatedAt: now.toISOString(), lastError: { code: 'E42', message: 'Vehicle <unknown>', at: now.toISOString() }, version: 2 }],
      actions: ['arrive'],
      forms: [],
      actors: new Map([['P', 'Kim <b>']]),
      parties: ['shipper'],
    } as unknown as TransferView;
    const page = transferPage({ nonce: 'n', person: as('SHIP', ['driver']).person, company: 'Ship & Co', csrf: 't' }, view, now).html;
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img');
    expect(page).toContain('The state system said: “Vehicle &lt;unknown&gt;” (E42)');
    expect(page).toContain('The state shows 1 &lt;each&gt;');
    expect(page).toContain('Kim &lt;b&gt;');
    expect(page).toContain('It arrived now');
    expect(page).toContain('action="/console/transfers/01TRANSFER/arrive"');
    expect(page).toContain('Ship &amp; Co');
    expect(page).not.toMatch(/IN_TRANSIT|MANIFESTED|"refused"|dead-lettered/);
  });
});
