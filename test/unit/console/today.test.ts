/**
 * Today's sorting of what needs a person, through the API's list use-case over fake repositories,
 * and its page: the state system's own words shown (escaped), a connection that runs out named,
 * no API term on the page.
 */
import { describe, expect, it } from 'vitest';
import { todayPage } from '#shared/console/pages.ts';
import type { ConsoleDeps, Row } from '#shared/console/use-cases.ts';
import { today } from '#shared/console/use-cases.ts';
import type { StateSystemStatus } from '#shared/domain/submission/state-status.ts';
import type { CurrentSession } from '#shared/people/use-cases.ts';
import type { StoredSubmission } from '#shared/submissions/repository.ts';

const now = new Date('2026-12-02T15:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000).toISOString();
const ours = 'L-OURS';

function row(id: string, status: string, summary: Partial<Row['summary']> = {}, shipperId = ours): Row {
  return {
    id,
    shipperId,
    status,
    version: 3,
    createdAt: hoursAgo(50),
    updatedAt: hoursAgo(1),
    summary: { type: 'wholesale', lineCount: 2, ...summary },
    stateSystem: { status: 'not-required' },
  } as unknown as Row;
}

const outgoing = [
  row('T-DRAFT', 'DRAFT'),
  row('T-REFUSED', 'MANIFESTED', { manifestNumber: 'M-1', receiverName: 'Remedies' }),
  row('T-STUCK', 'IN_TRANSIT', { manifestNumber: 'M-2', departedAt: hoursAgo(2) }),
  row('T-OLD', 'ARRIVED', { manifestNumber: 'M-3', arrivedAt: hoursAgo(30) }),
  row('T-DONE', 'ACCEPTED', { manifestNumber: 'M-4', arrivedAt: hoursAgo(40) }),
];
const incoming = [row('T-IN', 'IN_TRANSIT', { manifestNumber: 'M-9', shipperName: 'Seneca Ridge', departedAt: hoursAgo(3) }, 'L-THEIRS'), row('T-IN-DONE', 'ACCEPTED', {}, 'L-THEIRS')];

const states = new Map<string, StateSystemStatus>([
  ['T-REFUSED', { status: 'refused', step: 'manifest', code: 'E<42>', message: 'Package <b>1A4</b> is on hold' }],
  ['T-STUCK', { status: 'pending', step: 'ship', detail: 'Delivery stopped after repeated failures; an operator must redrive it.' }],
]);

const awaiting = (id: string, deadline: string): StoredSubmission =>
  ({
    id: `${id}-manifest`,
    transferId: id,
    step: 'manifest',
    status: 'awaiting-person',
    awaitingPerson: { instruction: 'Register template HUB-1 in Metrc: Transfers → Templates', where: { menuPath: ['Transfers'] }, resultKey: 'HUB-1', deadline },
  }) as unknown as StoredSubmission;

function deps(consentExpiresAt: string): ConsoleDeps {
  const page = (items: readonly Row[]) => Promise.resolve({ items: items.map(({ stateSystem: _s, ...rest }) => rest) });
  return {
    transfers: {
      now: () => now,
      transfers: { listOutgoing: () => page(outgoing), listIncoming: () => page(incoming), listCarrying: () => page([]) },
      outbox: { submissions: { statuses: (ids: readonly string[]) => Promise.resolve(new Map(ids.flatMap((id) => (states.has(id) ? [[id, states.get(id)]] : [])))) } },
    },
    submissions: { awaitingPerson: () => Promise.resolve([awaiting('T-REFUSED', hoursAgo(-5)), awaiting('T-STUCK', hoursAgo(1))]) },
    consent: { consentDates: (_licensee: string, system: string) => Promise.resolve(system === 'biotrack-ny' ? { consentGrantedAt: hoursAgo(2000), consentExpiresAt } : undefined) },
  } as unknown as ConsoleDeps;
}

const session = {
  caller: { licenseeId: ours, apiKeyId: 'console', personId: 'P1' },
  licensee: { id: ours, legalName: 'Capital District Distribution LLC', stateSystem: { adapter: 'biotrack-ny' } },
  person: { id: 'P1', licenseeId: ours, name: 'Kim', email: 'kim@example.com', roles: ['shipping'] },
  session: { csrfToken: 'token' },
} as unknown as CurrentSession;

describe('Today', () => {
  it('sorts the latest transfers and the awaited steps into what needs a person', async () => {
    const view = await today(deps(hoursAgo(-24 * 5)), session);
    expect(view.toReceive.map((r) => r.id)).toEqual(['T-IN']);
    expect(view.drafts.map((r) => r.id)).toEqual(['T-DRAFT']);
    expect(view.stateSteps.map((s) => [s.submission.transferId, s.label])).toEqual([['T-REFUSED', 'Manifest M-1']]);
    expect(view.overdue.map((s) => s.submission.transferId)).toEqual(['T-STUCK']);
    expect(view.problems.map((r) => r.id)).toEqual(['T-REFUSED', 'T-STUCK']);
    expect(view.unaccepted.map((r) => r.id)).toEqual(['T-OLD']);
    expect(view.connections).toMatchObject([{ system: 'biotrack-ny', health: 'expiring' }]);
  });

  it('names no connection that is fine', async () => {
    expect((await today(deps(hoursAgo(-24 * 60)), session)).connections).toEqual([]);
  });

  it("shows the state system's words escaped, the connection's end, and no API term", async () => {
    const view = await today(deps(hoursAgo(-24 * 5)), session);
    const page = todayPage({ nonce: 'n', person: session.person, company: 'Capital District Distribution LLC', csrf: 'token' }, view, now).html;
    expect(page).toContain('“Package &lt;b&gt;1A4&lt;/b&gt; is on hold” (E&lt;42&gt;)');
    expect(page).not.toContain('<b>1A4</b>');
    expect(page).toContain('an operator must redrive it');
    expect(page).toContain('BioTrack:</strong> The connection runs out soon');
    expect(page).toContain('Register template HUB-1 in Metrc');
    expect(page).toContain('Refused by the state');
    expect(page).toMatch(/Due [^<]+ · overdue/);
    expect(page).not.toMatch(/MANIFESTED|IN_TRANSIT|awaiting-person|not-required/);
  });
});
