/**
 * Who may see and do what with a transfer. A licensee sees a transfer only as its shipper, receiver
 * or transporter; to anyone else it does not exist. The domain's refusals leave as the API's errors.
 */
import type { Refusal, Result, TransferAction } from '../domain/transfer/index.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError } from '../errors.ts';
import { requireVersion } from '../versions.ts';
import type { ExpectedVersion } from '../versions.ts';
import type { Caller } from '../http/caller.ts';
import type { TransferDeps } from './deps.ts';
import type { StoredTransfer } from './stored-transfer.ts';

type Role = 'shipper' | 'receiver' | 'transporter';

function rolesOf(transfer: StoredTransfer, caller: Caller): Role[] {
  const roles: Role[] = [];
  if (transfer.shipperId === caller.licenseeId) roles.push('shipper');
  if (transfer.receiverLicenseeId === caller.licenseeId) roles.push('receiver');
  if (transfer.transporterLicenseeId === caller.licenseeId) roles.push('transporter');
  return roles;
}

/** Who may do what, beyond seeing the transfer. */
const permitted: Readonly<Record<TransferAction, readonly Role[]>> = {
  update: ['shipper'],
  discard: ['shipper'],
  manifest: ['shipper'],
  amend: ['shipper'],
  void: ['shipper'],
  depart: ['shipper', 'transporter'],
  arrive: ['shipper', 'transporter'],
  receive: ['receiver'],
  return: ['receiver'],
};

function refusal(error: Refusal): Error {
  if (error.kind === 'rule-violation') {
    return new RuleViolationError(error.problems.map((p) => ({ pointer: p.pointer, message: p.message, code: p.code })));
  }
  return new ConflictError('invalid-transition', `A ${error.current} transfer cannot be given the action '${error.action}'`, {
    currentStatus: error.current,
    allowedActions: error.allowed,
  });
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw refusal(result.error);
  return result;
}

/** What the domain decides with: the time, who is acting, and the rules in force. */
export const contextFor = (deps: TransferDeps, caller: Caller) => ({ now: deps.now(), actor: caller, rules: deps.rules });

/** Loads a transfer the caller may see, with the roles it sees it in. */
export async function load(deps: TransferDeps, caller: Caller, id: string): Promise<{ transfer: StoredTransfer; roles: Role[] }> {
  const transfer = await deps.transfers.get(id);
  const roles = transfer ? rolesOf(transfer, caller) : [];
  if (!transfer || roles.length === 0) throw new NotFoundError('transfer');
  return { transfer, roles };
}

/** Loads a transfer for an action: visible, the caller's role allows it, and If-Match (when sent) is current. */
export async function loadFor(deps: TransferDeps, caller: Caller, id: string, action: TransferAction, expected: ExpectedVersion) {
  const { transfer, roles } = await load(deps, caller, id);
  if (!roles.some((role) => permitted[action].includes(role))) {
    throw new ForbiddenError('not-permitted', `Only the ${permitted[action].join(' or ')} may ${action} this transfer`);
  }
  requireVersion(transfer.version, expected);
  return transfer;
}

/**
 * A carrier sees what it carries, not what it is worth: to a caller that is only the transfer's
 * transporter (neither shipper nor receiver) the lines come without their unit prices. Lists never
 * carry prices; the manifest prints none.
 */
export function asSeenBy<T extends StoredTransfer>(transfer: T, caller: Caller): T {
  const roles = rolesOf(transfer, caller);
  if (!(roles.length === 1 && roles[0] === 'transporter')) return transfer;
  const lines = transfer.content.lines.map(({ unitPrice: _price, ...line }) => line);
  return { ...transfer, content: { ...transfer.content, lines } };
}
