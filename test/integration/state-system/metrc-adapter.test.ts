/**
 * The Metrc adapter's own behavior against the strict emulator, beyond the contract: pre-flight
 * refusals in Metrc's words, one template however the push's answer is lost, Metrc's 401 for a
 * missing package or permission told apart from a revoked key, lists read page by page in
 * windows, a person's edit or void seen as such, and what only a person can do said so.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_USER } from '#shared/state-system/connections.ts';
import { PersonStepRequired } from '#shared/state-system/port.ts';
import type { Observed, StateRefs } from '#shared/state-system/port.ts';
import { metrcSystem } from '#shared/state-system/metrc/capabilities.ts';
import { metrcRefs } from '#shared/state-system/metrc/refs.ts';
import { label, OTHER_RECEIVER, QUANTITY, RECEIVER, SHIPPER, useMetrcWorld } from './contract/metrc-world.ts';
import type { MetrcWorld } from './contract/metrc-world.ts';
import { failure } from '../../support/state-failure.ts';

const { world } = useMetrcWorld();

/** The template pushed, as the pipeline keeps its refs; the person's task it ends with. */
async function pushed(w: MetrcWorld, key: string, report = w.manifest(key), account = w.shipper): Promise<{ refs: StateRefs; task: PersonStepRequired['task'] }> {
  let refs: StateRefs = {};
  try {
    await w.adapter.reportManifest(account, report, refs, async (kept) => void (refs = { ...refs, ...kept }));
  } catch (error) {
    if (error instanceof PersonStepRequired) return { refs, task: error.task };
    throw error;
  }
  throw new Error('expected the registration to be left to a person');
}

/** Pushed, registered by the person, and observed: the refs the hub then keeps. */
async function registered(w: MetrcWorld, key: string, report = w.manifest(key)): Promise<StateRefs> {
  const { refs } = await pushed(w, key, report);
  await w.register(metrcRefs(refs).templateId ?? 0);
  return w.observedRefs(key, refs);
}

const watchedOf = (batch: { observed: readonly Observed[] }, transferId: string) =>
  batch.observed.flatMap((item) => (item.kind === 'watched' && item.transferId === transferId ? [item] : []));

describe('the Metrc adapter before a manifest is numbered', () => {
  it('refuses lines in Metrc’s words: a package elsewhere, on hold, in transit, in another unit, more or less than the whole package', async () => {
    const w = await world();
    await w.control('PUT', '/packages', { label: label(2), isOnHold: true });
    const other = await pushed(w, 'c-other', w.manifest('c-other', [{ tag: label(3), quantity: QUANTITY, unit: 'each', unitPrice: 1 }]));
    await w.register(metrcRefs(other.refs).templateId ?? 0);
    const checks = await w.adapter.checkLines(w.shipper, [
      { tag: label(99), quantity: 1, unit: 'each', unitPrice: 1 },
      { tag: label(2), quantity: QUANTITY, unit: 'each', unitPrice: 1 },
      { tag: label(3), quantity: QUANTITY, unit: 'each', unitPrice: 1 },
      { tag: label(4), quantity: QUANTITY, unit: 'g', unitPrice: 1 },
      { tag: label(5), quantity: QUANTITY + 1, unit: 'each', unitPrice: 1 },
      { tag: label(6), quantity: QUANTITY - 5, unit: 'each', unitPrice: 1 },
      { tag: label(1), quantity: QUANTITY, unit: 'each', unitPrice: 1 },
    ]);
    expect(checks.map(({ line, field, code }) => [line, field, code])).toEqual([
      [0, 'tag', 'not-at-state'],
      [1, 'tag', 'unavailable-at-state'],
      [2, 'tag', 'unavailable-at-state'],
      [3, 'unit', 'unit-differs'],
      [4, 'quantity', 'more-than-state-holds'],
      [5, 'quantity', 'whole-package-only'],
    ]);
    expect(checks[0]?.message).toContain(`"Package ${label(99)} does not exist in the current Facility."`);
    expect(checks[1]?.message).toContain(`Metrc shows package ${label(2)} on hold`);
    expect(checks[2]?.message).toContain('already in transit');
  });

  it('records a refused push as permanent, in Metrc’s own words', async () => {
    const w = await world();
    const report = { ...w.manifest('c-refused'), receiver: { stateLicenseNumber: 'OCM-NOPE-26-000000', name: 'Nobody' } };
    const refused = await failure(pushed(w, 'c-refused', report));
    expect([refused.kind, refused.code, refused.status]).toEqual(['permanent', 'REFUSED_ROWS', 400]);
    expect(refused.message).toContain('Recipient Facility license number OCM-NOPE-26-000000 is not valid.');
    expect(await w.templatesAtState()).toBe(0);
  });
});

describe('the Metrc adapter pushing a template', () => {
  it('names the template after the submission, carries our manifest number as the invoice, and leaves the registration to a person by the departure', async () => {
    const w = await world();
    const report = w.manifest('01JTESTKEY');
    const { refs, task } = await pushed(w, '01JTESTKEY', report);
    expect(task).toEqual({ action: 'Register template HUB-01JTESTKEY', where: { menuPath: ['Transfers', 'Templates', 'Register'] }, resultKey: 'HUB-01JTESTKEY', deadline: report.estimatedDeparture });
    expect(metrcRefs(refs)).toMatchObject({ templateName: 'HUB-01JTESTKEY', templateRecipient: RECEIVER });
    const facts = w.adapter.factsOf(refs);
    expect(facts).toEqual({ objectKeys: [`template:${metrcRefs(refs).templateId}`], followUp: true });
    const templates = (await w.state())['templates'] as { Name: string }[];
    expect(templates.map((t) => t.Name)).toEqual(['HUB-01JTESTKEY']);
  });

  it('never makes two templates after a lost answer: found by name on the retry, not pushed again once kept', async () => {
    const w = await world();
    await w.faults([{ route: 'POST /transfers/v2/templates/outgoing', rateCommitThenDrop: 1, times: 1 }]);
    const report = w.manifest('c-lost');
    const lost = await failure(pushed(w, 'c-lost', report));
    expect([lost.kind, lost.code]).toEqual(['transient', 'NETWORK']);
    expect(lost.unsettledSince).toBeDefined();
    const retried = await pushed(w, 'c-lost', report, { ...w.shipper, retry: true, unsettledSince: lost.unsettledSince ?? '' });
    expect(retried.task.resultKey).toBe('HUB-c-lost');
    // Again with the refs kept: the person's task once more, no call that writes.
    const before = (await w.calls()).length;
    await expect(w.adapter.reportManifest({ ...w.shipper, retry: true }, report, retried.refs, async () => undefined)).rejects.toBeInstanceOf(PersonStepRequired);
    expect((await w.calls()).slice(before).filter((call) => call.method !== 'GET')).toEqual([]);
    expect(await w.templatesAtState()).toBe(1);
    expect((await w.calls()).filter((call) => call.method === 'POST')).toHaveLength(1);
  });

  it('waits out the settle window of an unanswered push before pushing again', async () => {
    const w = await world();
    const unsettledSince = new Date().toISOString();
    const waiting = await failure(pushed(w, 'c-unsettled', w.manifest('c-unsettled'), { ...w.shipper, retry: true, unsettledSince }));
    expect([waiting.kind, waiting.code]).toEqual(['transient', 'UNSETTLED']);
    expect(waiting.retryAfterMs).toBeGreaterThan(0);
    expect(await w.templatesAtState()).toBe(0);
  });

  it('amends the template before registration; after it, editing and voiding are a person’s steps', async () => {
    const w = await world();
    const { refs } = await pushed(w, 'c-amend');
    await w.adapter.amendManifest(w.shipper, refs, { ...w.manifest('c-amend-2'), route: 'Taconic Parkway' });
    expect(await w.templatesAtState()).toBe(1);
    const seen = await w.observedRefs('c-amend', refs);
    expect(seen).toEqual(refs);
    await w.register(metrcRefs(refs).templateId ?? 0);
    const kept = await w.observedRefs('c-amend', refs);
    const manifestNumber = w.adapter.factsOf(kept).manifestNumber ?? '';
    expect(manifestNumber).toMatch(/^\d{10}$/);
    const edit = await w.adapter.amendManifest(w.shipper, kept, w.manifest('c-amend-3')).catch((error: unknown) => error);
    expect(edit).toBeInstanceOf(PersonStepRequired);
    expect((edit as PersonStepRequired).task).toMatchObject({ action: `Edit transfer ${manifestNumber}`, resultKey: manifestNumber });
    // Registered but not yet observed: the adapter looks before archiving a template Metrc has turned into a transfer.
    const voiding = await w.adapter.reportVoid(w.shipper, refs, 'c-void').catch((error: unknown) => error);
    expect((voiding as PersonStepRequired).task.action).toBe(`Void transfer ${manifestNumber}`);
  });

  it('archives a template voided before registration, and a repeated void is done already', async () => {
    const w = await world();
    const { refs } = await pushed(w, 'c-void');
    await w.adapter.reportVoid(w.shipper, refs, 'c-void-1');
    expect(await w.templatesAtState()).toBe(0);
    await w.adapter.reportVoid(w.shipper, refs, 'c-void-1');
  });

  it('refuses the steps Metrc has no API for, instead of pretending; a receipt waits for the receiver to receive in Metrc', async () => {
    const w = await world();
    for (const step of [w.adapter.reportShipment(w.shipper, {}, 'k'), w.adapter.reportArrival(w.shipper, {}, 'k')]) {
      const refused = await failure(step);
      expect([refused.kind, refused.code]).toEqual(['permanent', 'NOT_BY_API']);
    }
    const receipt = await w.adapter.reportReceipt(w.shipper, { manifestNumber: '0000000042' }, { submissionKey: 'k', lines: [] }).catch((error: unknown) => error);
    expect(receipt).toBeInstanceOf(PersonStepRequired);
    const { task } = receipt as PersonStepRequired;
    expect(task).toMatchObject({ action: "Receive manifest 0000000042 (enter what the hub's receiving sheet says)", where: { menuPath: ['Transfers', 'Licensed', 'Incoming'] }, resultKey: '0000000042' });
    // Due a day after the hub's receipt.
    expect(Math.abs(Date.parse(task.deadline) - Date.now() - 24 * 3_600_000)).toBeLessThan(60_000);
    // Once the reconciler has seen Metrc's receipt, the step owes nothing (it may be tried after the receipt is seen).
    await expect(w.adapter.reportReceipt(w.shipper, { manifestNumber: '0000000042', receiptSeen: true }, { submissionKey: 'k', lines: [] })).resolves.toBeUndefined();
  });
});

describe('the Metrc adapter and Metrc’s 401', () => {
  it('takes a 401 on a package for “not here” while the key works, and for a revoked key once the key itself is refused', async () => {
    const w = await world();
    expect((await w.adapter.checkLines(w.shipper, [{ tag: label(98), quantity: 1, unit: 'each', unitPrice: 1 }]))[0]?.code).toBe('not-at-state');
    expect(await w.adapter.checkConsent(w.shipper)).toEqual({ connected: true });
    await w.revokeShipper();
    const revoked = await failure(pushed(w, 'c-revoked'));
    expect([revoked.kind, revoked.code]).toEqual(['consent-expired', 'CREDENTIALS_REVOKED']);
    expect(await w.adapter.checkConsent(w.shipper)).toEqual({ connected: false });
  });

  it('says a missing permission is permanent, not a revoked key', async () => {
    const w = await world();
    await w.control('POST', '/seed', { userKeys: [{ key: 'key-viewer', facilities: [{ licenseNumber: SHIPPER, permissions: ['View Packages', 'View Transfers', 'View Transfer Templates'] }] }] });
    await w.store.putStateUser('tenant-3', metrcSystem, DEFAULT_STATE_USER, { username: 'viewer', password: 'key-viewer' }, new Date().toISOString());
    const refused = await failure(pushed(w, 'c-viewer', w.manifest('c-viewer'), { ...w.shipper, licenseeId: 'tenant-3' }));
    expect([refused.kind, refused.code]).toEqual(['permanent', 'UNAUTHORIZED']);
  });

  it('waits for the license admin when no user key is stored', async () => {
    const w = await world();
    const missing = await failure(pushed(w, 'c-none', w.manifest('c-none'), { ...w.shipper, licenseeId: 'tenant-9' }));
    expect([missing.kind, missing.code]).toEqual(['consent-expired', 'NOT_CONNECTED']);
  });
});

describe('the Metrc adapter observing', () => {
  it('reads every page of 20 in windows of at most 24 h, always windowed, and starts the next poll before the last one ended', async () => {
    const w = await world();
    const labels = Array.from({ length: 23 }, (_, i) => label(200 + i));
    await w.control('POST', '/seed', { packages: labels.map((l) => ({ label: l, licenseNumber: SHIPPER, quantity: 5, unitOfMeasure: 'Each', isFinishedGood: true, retailIdCount: 5 })) });
    const watched: { transferId: string; refs: StateRefs }[] = [];
    for (const [i, tag] of labels.entries()) {
      const { refs } = await pushed(w, `c-page-${i}`, w.manifest(`c-page-${i}`, [{ tag, quantity: 5, unit: 'each', unitPrice: 2 }]));
      await w.register(metrcRefs(refs).templateId ?? 0);
      watched.push({ transferId: `c-page-${i}`, refs });
    }
    const since = (await w.calls()).length;
    const batch = await w.adapter.observe(w.shipper, undefined, watched);
    const registrations = batch.observed.filter((item) => item.kind === 'watched' && item.observation.kind === 'registered');
    expect(registrations).toHaveLength(23);
    const lists = (await w.calls()).slice(since).filter((call) => call.path === '/transfers/v2/outgoing');
    const queries = lists.map((call) => new URLSearchParams(call.query));
    for (const query of queries) {
      expect(query.get('pageSize')).toBe('20');
      expect(query.get('lastModifiedStart')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
      expect(query.get('lastModifiedEnd')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
    }
    // The window holding today's rows took two pages.
    expect(queries.filter((query) => query.get('pageNumber') === '2')).toHaveLength(1);
    // 72 h back, in four windows (the last one reaches past now by the overlap).
    expect(new Set(queries.map((query) => query.get('lastModifiedStart'))).size).toBe(4);

    const next = (await w.calls()).length;
    await w.adapter.observe(w.shipper, batch.checkpoint, []);
    const again = (await w.calls()).slice(next).filter((call) => call.path === '/transfers/v2/outgoing').map((call) => new URLSearchParams(call.query));
    const start = Date.parse(`${again[0]?.get('lastModifiedStart') ?? ''}Z`);
    const end = Date.parse(`${queries.at(-1)?.get('lastModifiedEnd') ?? ''}Z`);
    // One window (its rows, changed within the overlap, fill two pages again), opening before the last one closed.
    expect(new Set(again.map((query) => query.get('lastModifiedStart'))).size).toBe(1);
    expect(start).toBeLessThan(end);
  });

  it('finds a registration a later run watches, after the window it changed in has passed', async () => {
    const w = await world();
    const { refs } = await pushed(w, 'c-late');
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await w.control('PUT', '/clock', { now: hourAgo });
    try {
      await w.register(metrcRefs(refs).templateId ?? 0);
    } finally {
      await w.control('PUT', '/clock', { now: new Date().toISOString() });
    }
    const first = await w.adapter.observe(w.shipper, undefined, []);
    expect(first.observed).toEqual([]);
    const later = await w.adapter.observe(w.shipper, first.checkpoint, [{ transferId: 'c-late', refs }]);
    expect(watchedOf(later, 'c-late').map((item) => item.observation.kind)).toEqual(['registered']);
  });

  it('matches by recipient and packages when Metrc names neither the originating template nor our name', async () => {
    const w = await world();
    await w.control('PUT', '/config', { registration: { fillOriginatingTemplateId: false, keepTemplateName: false } });
    try {
      const { refs } = await pushed(w, 'c-fallback');
      await w.register(metrcRefs(refs).templateId ?? 0);
      const batch = await w.adapter.observe(w.shipper, undefined, [{ transferId: 'c-fallback', refs }]);
      const [seen] = watchedOf(batch, 'c-fallback');
      expect(seen?.observation).toMatchObject({ kind: 'registered', receiverLicenseNumber: RECEIVER });
    } finally {
      await w.control('PUT', '/config', { registration: { fillOriginatingTemplateId: true, keepTemplateName: true } });
    }
  });

  it('reports a person’s edit of the registered transfer as drift, once, and a void at the state', async () => {
    const w = await world();
    const refs = await registered(w, 'c-drift');
    const { transferId } = metrcRefs(refs);
    await w.ui('/ui/edit', { transferId, recipientLicenseNumber: OTHER_RECEIVER, packages: [{ label: label(1) }] });
    const batch = await w.adapter.observe(w.shipper, undefined, [{ transferId: 'c-drift', refs }]);
    const [edit] = watchedOf(batch, 'c-drift');
    expect(edit?.observation).toEqual({ kind: 'edited', at: expect.any(String) as string, receiverLicenseNumber: OTHER_RECEIVER, lines: [{ tag: label(1), quantity: QUANTITY, unit: 'each' }] });
    const kept = { ...refs, ...edit?.refs };
    expect(watchedOf(await w.adapter.observe(w.shipper, undefined, [{ transferId: 'c-drift', refs: kept }]), 'c-drift')).toEqual([]);

    await w.ui('/ui/void', { transferId });
    const voided = watchedOf(await w.adapter.observe(w.shipper, undefined, [{ transferId: 'c-drift', refs: kept }]), 'c-drift');
    expect(voided.map((item) => item.observation.kind)).toEqual(['voided']);
    expect(w.adapter.factsOf({ ...kept, ...voided[0]?.refs }).followUp).toBe(false);
  });

  it('shows the receiver what is addressed to it, with its drivers and vehicle, until it is received', async () => {
    const w = await world();
    const refs = await registered(w, 'c-inbound');
    const batch = await w.adapter.observe(w.receiver, undefined, []);
    const [inbound] = batch.observed.flatMap((item) => (item.kind === 'inbound' ? [item.transfer] : []));
    expect(inbound).toMatchObject({
      manifestNumber: w.adapter.factsOf(refs).manifestNumber,
      shipper: { stateLicenseNumber: SHIPPER, name: 'Hudson Valley Distribution LLC' },
      arrived: false,
      drivers: ['Zoë Peña', 'Sam Lee'],
      vehicle: 'Ford Transit KXT 4410',
    });
    expect(inbound?.stateKey).toBe(`delivery:${metrcRefs(refs).deliveryIds?.[0]}`);
    expect(w.adapter.factsOf(inbound?.refs ?? {}).objectKeys).toContain(inbound?.stateKey);
  });
});
