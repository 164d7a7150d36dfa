/**
 * The lifecycle of a transfer, exactly as the domain doc §5 draws it:
 *
 *   DRAFT --manifest--> MANIFESTED --depart--> IN_TRANSIT --arrive--> ARRIVED --receive--> ACCEPTED | PARTIALLY_ACCEPTED | REJECTED
 *   DRAFT --discard--> DISCARDED              MANIFESTED --void--> VOIDED (before departure only)
 *   DRAFT --update--> DRAFT                   MANIFESTED --amend--> MANIFESTED (a new manifest version; the old one is kept)
 *   ACCEPTED | PARTIALLY_ACCEPTED | REJECTED --return--> (same state; a new return draft is created:
 *   of the rejected packages, and of an accepted overage repackaged under new tags)
 */
export const transferStatuses = [
  'DRAFT',
  'MANIFESTED',
  'IN_TRANSIT',
  'ARRIVED',
  'ACCEPTED',
  'PARTIALLY_ACCEPTED',
  'REJECTED',
  'DISCARDED',
  'VOIDED',
] as const;
export type TransferStatus = (typeof transferStatuses)[number];

export const transferActions = ['update', 'discard', 'manifest', 'amend', 'void', 'depart', 'arrive', 'receive', 'return'] as const;
export type TransferAction = (typeof transferActions)[number];

/**
 * What the state system that records a transfer allows of its lifecycle, from its capabilities
 * (the domain never knows a system by name).
 */
export interface TransferCapabilities {
  /** The receiver may receive only once the shipment has arrived; otherwise also while it is in transit. */
  readonly receiveOnlyAfterArrival: boolean;
}

/** Without a state system, the hub's own lifecycle: arrival, then receipt. */
export const hubLifecycle: TransferCapabilities = { receiveOnlyAfterArrival: true };

const receiptOutcomes: readonly TransferStatus[] = ['ACCEPTED', 'PARTIALLY_ACCEPTED', 'REJECTED'];

/** For each state, the actions allowed in it and the states each may lead to. */
const transitions: Readonly<Record<TransferStatus, Partial<Record<TransferAction, readonly TransferStatus[]>>>> = {
  DRAFT: { update: ['DRAFT'], manifest: ['MANIFESTED'], discard: ['DISCARDED'] },
  // A correction before departure is a new manifest version, never an overwrite.
  MANIFESTED: { amend: ['MANIFESTED'], depart: ['IN_TRANSIT'], void: ['VOIDED'] },
  IN_TRANSIT: { arrive: ['ARRIVED'] },
  ARRIVED: { receive: receiptOutcomes },
  // The original stays as it is; the return is a transfer of its own (from an accepted one, only of an overage).
  ACCEPTED: { return: ['ACCEPTED'] },
  PARTIALLY_ACCEPTED: { return: ['PARTIALLY_ACCEPTED'] },
  REJECTED: { return: ['REJECTED'] },
  DISCARDED: {},
  VOIDED: {},
};

function transitionsFrom(status: TransferStatus, capabilities: TransferCapabilities): Partial<Record<TransferAction, readonly TransferStatus[]>> {
  // A state system that records a receipt without an arrival lets the receiver receive a shipment still in transit.
  if (status === 'IN_TRANSIT' && !capabilities.receiveOnlyAfterArrival) return { ...transitions.IN_TRANSIT, receive: receiptOutcomes };
  return transitions[status];
}

export const allowedActions = (status: TransferStatus, capabilities: TransferCapabilities = hubLifecycle): readonly TransferAction[] =>
  transferActions.filter((action) => transitionsFrom(status, capabilities)[action] !== undefined);

/** The states `action` may lead to from `status`; empty when it is not allowed there. */
export const nextStatuses = (status: TransferStatus, action: TransferAction, capabilities: TransferCapabilities = hubLifecycle): readonly TransferStatus[] =>
  transitionsFrom(status, capabilities)[action] ?? [];

/** Manifested and not yet received or voided: its package tags are reserved against every other transfer. */
export const reservesTags = (status: TransferStatus): boolean =>
  status === 'MANIFESTED' || status === 'IN_TRANSIT' || status === 'ARRIVED';

/** The action is not allowed in the current state; the API answers 409 naming both and what is allowed. */
export interface InvalidTransition {
  readonly kind: 'invalid-transition';
  readonly current: TransferStatus;
  readonly action: TransferAction;
  readonly allowed: readonly TransferAction[];
}

export function checkTransition(
  status: TransferStatus,
  action: TransferAction,
  capabilities: TransferCapabilities = hubLifecycle,
): { readonly ok: true } | { readonly ok: false; readonly error: InvalidTransition } {
  if (transitionsFrom(status, capabilities)[action] !== undefined) return { ok: true };
  return { ok: false, error: { kind: 'invalid-transition', current: status, action, allowed: allowedActions(status, capabilities) } };
}
