/**
 * The lifecycle of a transfer, exactly as the domain doc §5 draws it:
 *
 *   DRAFT --manifest--> MANIFESTED --depart--> IN_TRANSIT --arrive--> ARRIVED --receive--> ACCEPTED | PARTIALLY_ACCEPTED | REJECTED
 *   DRAFT --discard--> DISCARDED              MANIFESTED --void--> VOIDED (before departure only)
 *   DRAFT --update--> DRAFT                   MANIFESTED --amend--> MANIFESTED (a new manifest version; the old one is kept)
 *   PARTIALLY_ACCEPTED | REJECTED --return--> (same state; a new return draft is created)
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

/** For each state, the actions allowed in it and the states each may lead to. */
const transitions: Readonly<Record<TransferStatus, Partial<Record<TransferAction, readonly TransferStatus[]>>>> = {
  DRAFT: { update: ['DRAFT'], manifest: ['MANIFESTED'], discard: ['DISCARDED'] },
  // A correction before departure is a new manifest version, never an overwrite.
  MANIFESTED: { amend: ['MANIFESTED'], depart: ['IN_TRANSIT'], void: ['VOIDED'] },
  IN_TRANSIT: { arrive: ['ARRIVED'] },
  // Only after arrival may the receiver accept (BioTrack rule).
  ARRIVED: { receive: ['ACCEPTED', 'PARTIALLY_ACCEPTED', 'REJECTED'] },
  ACCEPTED: {},
  // The original stays as it is; the return is a transfer of its own.
  PARTIALLY_ACCEPTED: { return: ['PARTIALLY_ACCEPTED'] },
  REJECTED: { return: ['REJECTED'] },
  DISCARDED: {},
  VOIDED: {},
};

export const allowedActions = (status: TransferStatus): readonly TransferAction[] =>
  transferActions.filter((action) => transitions[status][action] !== undefined);

/** The states `action` may lead to from `status`; empty when it is not allowed there. */
export const nextStatuses = (status: TransferStatus, action: TransferAction): readonly TransferStatus[] =>
  transitions[status][action] ?? [];

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
): { readonly ok: true } | { readonly ok: false; readonly error: InvalidTransition } {
  if (transitions[status][action] !== undefined) return { ok: true };
  return { ok: false, error: { kind: 'invalid-transition', current: status, action, allowed: allowedActions(status) } };
}
