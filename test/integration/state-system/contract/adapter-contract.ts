/**
 * The contract every state-system adapter keeps, written against the port only: each adapter runs
 * this suite against its own emulator through a harness that plays what the port cannot (a person's
 * step in the state's app, the receiver's side at the state, faults, revoked credentials). BioTrack
 * runs it now; Metrc runs the same suite with its own harness.
 */
import { describe, expect, it } from 'vitest';
import { judge } from '#shared/domain/reconciliation/judge.ts';
import type { ObservedPackage } from '#shared/domain/reconciliation/observation.ts';
import { arrive, createDraft, depart, manifest, receive } from '#shared/domain/transfer/index.ts';
import type { Transfer } from '#shared/domain/transfer/index.ts';
import { PersonStepRequired, StateSystemError } from '#shared/state-system/port.ts';
import type { ManifestReport, StateAccount, StateRefs, StateSystemCapabilities, StateTrackingSystem } from '#shared/state-system/port.ts';
import { failure } from '../../../support/state-failure.ts';
import { context, draftBody, draftContext, expectOk, line, manifestContext, minutesAfter, parties, receiveContext } from '../../../unit/domain/fixtures.ts';

export interface ContractWorld {
  readonly adapter: StateTrackingSystem;
  readonly capabilities: StateSystemCapabilities;
  readonly shipper: StateAccount;
  readonly receiver: StateAccount;
  /** Packages the shipper holds at the state, `quantity` of each, in the system's tag format. */
  readonly tags: readonly string[];
  readonly quantity: number;
  /** A manifest the state accepts, from the shipper to the receiver, of every package in full. */
  manifest(submissionKey: string): ManifestReport;
  /** How many manifests (or templates) the state holds for the shipper. */
  manifestsAtState(): Promise<number>;
  /** The state commits the next manifest create, but its answer never reaches the adapter. */
  loseNextManifestAnswer(): Promise<void>;
  /** The state answers the adapter's next call with a server error. */
  failNextCall(): Promise<void>;
  /** The shipper's credentials stop working (consent ran out, key revoked). */
  revokeShipper(): Promise<void>;
  /** A person does a step in the state's own app (the adapter said what, where and how to recognize it). */
  person(step: 'register', refs: StateRefs, task: PersonStepRequired['task']): Promise<void>;
  /** Whatever else happens at the state until the shipment is at the receiver; the refs the hub then keeps. */
  deliver(refs: StateRefs, submissionKey: string): Promise<StateRefs>;
  /** The receiver (its person or its software) records this receipt at the state. */
  receiveAtState(refs: StateRefs, packages: readonly ObservedPackage[]): Promise<void>;
}

export interface ContractHarness {
  /** A fresh world per test (hooks for the emulator are the harness's own). */
  world(): Promise<ContractWorld>;
}

/**
 * The manifest reported as the pipeline reports it (refs kept as they come), with the person's
 * registration where the system leaves it to one: the refs the state then holds for it.
 */
async function manifestAtState(world: ContractWorld, report: ManifestReport, account: StateAccount = world.shipper): Promise<StateRefs> {
  let refs: StateRefs = {};
  const keep = async (changed: StateRefs) => void (refs = { ...refs, ...changed });
  try {
    return { ...refs, ...(await world.adapter.reportManifest(account, report, refs, keep)) };
  } catch (error) {
    if (!(error instanceof PersonStepRequired)) throw error;
    expect(world.capabilities.byPerson).toContain('register');
    expect(error.task.resultKey).not.toBe('');
    await world.person('register', refs, error.task);
    return refs;
  }
}

/** Retries as the pipeline does after an unanswered try: marked a retry, waiting out an unsettled window. */
async function retried(world: ContractWorld, report: ManifestReport, unsettledSince: string): Promise<StateRefs> {
  const account = { ...world.shipper, retry: true, unsettledSince };
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      return await manifestAtState(world, report, account);
    } catch (error) {
      if (!(error instanceof StateSystemError) || error.kind !== 'transient') throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(error.retryAfterMs ?? 200, 2_000)));
    }
  }
  throw new Error('the retried report never went through');
}

/** The hub's own record of the same shipment, received as the hub's receiver answered. */
function hubTransferReceived(world: ContractWorld, answers: readonly { tag: string; acceptedQuantity: number | 'rejected' }[]): Transfer {
  const body = draftBody({ lines: world.tags.map((tag) => line({ tag, quantity: world.quantity, unit: 'each' })) });
  const shipperTags = world.capabilities.packageTag;
  const drafted = expectOk(createDraft({ id: 'contract-1', shipperId: 'shipper', content: body }, draftContext({ shipperTags }))).transfer;
  const manifested = expectOk(manifest(drafted, parties, manifestContext({ shipperTags }))).transfer;
  const departed = expectOk(depart(manifested, {}, context(minutesAfter(60)))).transfer;
  const arrived = expectOk(arrive(departed, {}, context(minutesAfter(210)))).transfer;
  const lines = answers.map((answer) =>
    answer.acceptedQuantity === 'rejected'
      ? { tag: answer.tag, outcome: 'rejected' as const, reason: 'damaged' as const }
      : { tag: answer.tag, outcome: 'accepted' as const, acceptedQuantity: answer.acceptedQuantity, confirmVariance: true },
  );
  return expectOk(receive(arrived, { lines, receivedBy: { name: 'Sam Lee', title: 'Receiver' } }, receiveContext(minutesAfter(240)))).transfer;
}

export function adapterContract(name: string, harness: ContractHarness): void {
  describe(`the ${name} adapter keeps the state-system contract`, { timeout: 60_000 }, () => {
    it('reports a manifest the state then holds once, and says in neutral facts what it is', async () => {
      const world = await harness.world();
      const refs = await manifestAtState(world, world.manifest('c-report'));
      const facts = world.adapter.factsOf(refs);
      if (!world.capabilities.issuesManifestNumber) expect(facts.manifestNumber).toMatch(/\S/);
      expect(await world.manifestsAtState()).toBe(1);
    });

    it('loses an answer and, retried, makes no second manifest', async () => {
      const world = await harness.world();
      await world.loseNextManifestAnswer();
      const report = world.manifest('c-lost');
      const lost = await failure(manifestAtState(world, report));
      expect(lost.kind).toBe('transient');
      expect(lost.unsettledSince).toBeDefined();
      const refs = await retried(world, report, lost.unsettledSince ?? '');
      expect(world.adapter.factsOf(refs)).toBeDefined();
      expect(await world.manifestsAtState()).toBe(1);
    });

    it('classifies a server error as transient and a refusal of the report as permanent, in the state’s code', async () => {
      const world = await harness.world();
      await world.failNextCall();
      expect((await failure(manifestAtState(world, world.manifest('c-5xx')))).kind).toBe('transient');
      const unknown = { ...world.manifest('c-refused'), lines: [{ tag: world.tags[0]?.replace(/.$/, (c) => (c === '9' ? '8' : '9')) ?? '', quantity: 1, unit: 'each' as const, unitPrice: 1 }] };
      const refused = await failure(manifestAtState(world, unknown));
      expect(refused.kind).toBe('permanent');
      expect(refused.code).toMatch(/\S/);
    });

    it('says credentials that stopped working are for the license admin to renew, not a failure to retry', async () => {
      const world = await harness.world();
      await world.revokeShipper();
      expect((await failure(manifestAtState(world, world.manifest('c-revoked')))).kind).toBe('consent-expired');
    });

    it('shows the receiver the shipment, and the shipper each step it observes and the receipt package by package', async () => {
      const world = await harness.world();
      const refs = await world.deliver(await manifestAtState(world, world.manifest('c-life')), 'c-life');

      // The receiver's reconciler sees the shipment addressed to it.
      const inbound = await world.adapter.observe(world.receiver, undefined, []);
      const shipment = inbound.observed.flatMap((item) => (item.kind === 'inbound' ? [item.transfer] : []));
      expect(shipment).toHaveLength(1);
      expect(shipment[0]?.manifestNumber).toBe(world.adapter.factsOf(refs).manifestNumber);
      expect(shipment[0]?.lines.map((l) => l.tag).sort()).toEqual([...world.tags].sort());

      // Received at the state with a variance on one package and another rejected.
      const [first, second] = world.tags;
      const packages = [
        { tag: first ?? '', accepted: true, receivedQuantity: world.quantity - 1 },
        { tag: second ?? '', accepted: false, receivedQuantity: 0, rejectReason: 'damaged' },
      ];
      await world.receiveAtState(refs, packages);
      const batch = await world.adapter.observe(world.shipper, undefined, [{ transferId: 'c-life', refs }]);
      const seen = batch.observed.flatMap((item) => (item.kind === 'watched' && item.transferId === 'c-life' ? [item.observation] : []));
      const receipt = seen.find((o) => o.kind === 'received');
      expect(receipt?.kind === 'received' && receipt.packages.map(({ tag, accepted, receivedQuantity }) => ({ tag, accepted, receivedQuantity }))).toEqual(
        packages.map(({ tag, accepted, receivedQuantity }) => ({ tag, accepted, receivedQuantity })),
      );
      // Every step the system leaves to be observed was observed.
      const kinds = new Set(seen.map((o) => o.kind));
      for (const step of world.capabilities.observed) expect(kinds).toContain({ depart: 'departed', arrive: 'arrived', receive: 'received' }[step as string]);
      // Once the receipt is seen, the adapter stops asking the hub to follow the transfer; where a person takes
      // rejected packages back (Metrc), only once that is seen too.
      const after = batch.observed.find((item) => item.kind === 'watched' && item.transferId === 'c-life');
      const kept = { ...refs, ...(after?.kind === 'watched' ? after.refs : {}) };
      expect(world.adapter.factsOf(kept).followUp).toBe(world.capabilities.byPerson.includes('accept-returned'));

      // Judged against a hub receipt that took every package in full, the state's is a discrepancy.
      const hub = hubTransferReceived(world, world.tags.map((tag) => ({ tag, acceptedQuantity: world.quantity })));
      const judged = judge(hub, receipt ?? { kind: 'voided' }, new Date());
      expect(judged.discrepancies.map((d) => d.kind)).toEqual(['receipt-differs']);
      expect(judged.discrepancies[0]?.lines.map((l) => l.tag).sort()).toEqual([...world.tags].sort());
      // Judged against the same receipt, there is nothing to settle.
      const same = hubTransferReceived(world, [
        { tag: first ?? '', acceptedQuantity: world.quantity - 1 },
        { tag: second ?? '', acceptedQuantity: 'rejected' },
      ]);
      expect(judge(same, receipt ?? { kind: 'voided' }, new Date()).discrepancies).toEqual([]);
    });
  });
}
