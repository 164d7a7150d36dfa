/**
 * The receipt as the state system shows it, in neutral terms, and what the hub records from it
 * when it has no receipt of its own (the receiver is not on the hub, or received only in the
 * state system's app): the same receipt transition as the hub's, by an actor that says the state
 * system recorded it. The state's receipt is a fact the hub takes as it is: no variance
 * confirmation is asked of it. A receipt that does not answer the transfer's packages one by one
 * is not recorded (the judge shows the difference). Pure.
 */
import type { Actor } from '../transfer/events.ts';
import type { ReceiptBody, Transfer, TransferRules, Unit } from '../transfer/index.ts';
import type { ObservedPackage, StateObservation } from './observation.ts';

/** One package as the state system shows it received. */
export interface StateReceiptPackage {
  readonly tag: string;
  readonly outcome: 'accepted' | 'rejected';
  /** What the receiver took in; 0 when rejected. */
  readonly quantity: number;
  readonly unit?: Unit;
}

/** The state system's receipt of a transfer, as the reconciler saw it. */
export interface StateReceipt {
  /** When the state system says it was received (else when the hub saw it). */
  readonly at: string;
  readonly seenAt: string;
  readonly packages: readonly StateReceiptPackage[];
}

type Received = Extract<StateObservation, { kind: 'received' }>;

export function stateReceiptOf(observation: Received, now: Date): StateReceipt {
  const seenAt = now.toISOString();
  return {
    at: observation.at === undefined || Number.isNaN(Date.parse(observation.at)) ? seenAt : new Date(Date.parse(observation.at)).toISOString(),
    seenAt,
    packages: observation.packages.map((pkg: ObservedPackage) => ({
      tag: pkg.tag,
      outcome: pkg.accepted ? 'accepted' : 'rejected',
      quantity: pkg.accepted ? pkg.receivedQuantity : 0,
      ...(pkg.unit ? { unit: pkg.unit } : {}),
    })),
  };
}

/** Who records a receipt the state system shows: the receiver (when it is a tenant), through the state system. */
export function stateSystemActor(transfer: Transfer, system: string): Actor {
  const receiver = transfer.manifest?.parties.receiver;
  return { licenseeId: receiver?.licenseeId ?? `state-system:${receiver?.licenseNumber ?? 'unknown'}`, apiKeyId: `state-system:${system}` };
}

/** Whether a change was recorded from what the state system shows (it owes the state system nothing). */
export const isStateSystemActor = (actor: Actor): boolean => actor.apiKeyId.startsWith('state-system:');

/** The rules a receipt from the state follows: the state already decided on its variance. */
export const stateReceiptRules = (rules: TransferRules): TransferRules => ({ ...rules, receivingVariance: { ...rules.receivingVariance, enabled: false } });

/**
 * The receipt body the hub records from the state's receipt, or none when the state does not
 * answer exactly the transfer's packages. Its time stays between the departure (or arrival) and now.
 */
export function receiptFromState(transfer: Transfer, receipt: StateReceipt, displayName: string, now: Date): ReceiptBody | undefined {
  const shipped = new Map(transfer.content.lines.map((line) => [line.tag, line]));
  const answered = new Set(receipt.packages.map((pkg) => pkg.tag));
  if (answered.size !== receipt.packages.length || answered.size !== shipped.size || ![...answered].every((tag) => shipped.has(tag))) return undefined;
  const lines = receipt.packages.map((pkg): ReceiptBody['lines'][number] => {
    const line = shipped.get(pkg.tag);
    return pkg.outcome === 'accepted'
      ? { tag: pkg.tag, outcome: 'accepted', acceptedQuantity: pkg.quantity, ...(line && line.quantity !== pkg.quantity ? { confirmVariance: true } : {}) }
      : { tag: pkg.tag, outcome: 'rejected', reason: 'other', note: `Rejected in ${displayName}; the state system gives the hub no reason` };
  });
  const after = transfer.arrivedAt ? Date.parse(transfer.arrivedAt) : transfer.departedAt ? Date.parse(transfer.departedAt) + 1 : Number.NEGATIVE_INFINITY;
  const time = Math.min(Math.max(Date.parse(receipt.at), after), now.getTime());
  return {
    lines,
    receivedBy: { name: `Recorded in ${displayName}`, title: 'Receipt as the state system shows it' },
    at: new Date(time).toISOString(),
  };
}
