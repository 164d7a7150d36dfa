/**
 * Receiving, and returning what was rejected. The receiver answers every shipped package exactly
 * once: accepted (with the received quantity) or rejected with a reason. A package accepted with a
 * confirmed variance counts as accepted, so the outcome is ACCEPTED when no package is rejected,
 * REJECTED when none is accepted, PARTIALLY_ACCEPTED otherwise.
 */
import { checkTransition } from './lifecycle.ts';
import type { TransferCapabilities, TransferStatus } from './lifecycle.ts';
import type { FieldProblem } from './problems.ts';
import { formatPercent, formatQuantity, quantityProblem, variance } from './quantities.ts';
import type { ReceiptBody, ReceiptLineInput, ReturnBody, TransferContent, TransferLine } from './schemas.ts';
import { actualTime, advance, newDraft, plural, recorded, refuse } from './transfer.ts';
import type { Change, LinkConfirmation, Receipt, ReceiptLine, Result, Transfer, TransitionContext } from './transfer.ts';

export interface ReceiveContext extends TransitionContext {
  /** OCM guidance: a receiver that lost access to the state system may not receive until access returns. */
  readonly receiverStateAccessLost: boolean;
  /** What the state system that records the receipt allows (whether a receipt needs an arrival first). */
  readonly stateSystem: TransferCapabilities;
  /** Set when the receiver confirmed through its receipt link rather than the API. */
  readonly confirmation?: LinkConfirmation;
}

export function receive(transfer: Transfer, body: ReceiptBody, context: ReceiveContext): Result<Change> {
  const allowed = checkTransition(transfer.status, 'receive', context.stateSystem);
  if (!allowed.ok) return allowed;
  if (context.receiverStateAccessLost) {
    return refuse([{
      pointer: '',
      code: 'state-access-lost',
      message: 'The receiver has lost access to the state tracking system and may not receive transfers until access returns',
    }]);
  }
  // Received without a recorded arrival (the state system allows it): after the departure, then.
  const time = transfer.arrivedAt
    ? actualTime(body.at, context, { time: Date.parse(transfer.arrivedAt), message: `The receipt cannot be before the arrival (${transfer.arrivedAt})` })
    : actualTime(body.at, context, {
        time: Date.parse(recorded(transfer.departedAt, transfer, 'departure time')) + 1,
        message: `The receipt must be after the departure (${transfer.departedAt ?? ''})`,
      });
  const { matched, problems } = matchAnswers(transfer.content.lines, body.lines);
  for (const [line, { answer, index }] of matched) {
    if (answer.outcome === 'accepted') problems.push(...acceptedQuantityProblems(line, answer, index, context));
  }
  if (!time.ok) return refuse([...time.error.problems, ...problems]);
  if (problems.length > 0) return refuse(problems);

  // Without problems, every shipped line has its answer.
  const lines = transfer.content.lines.flatMap((line) => {
    const match = matched.get(line);
    return match ? [recordedLine(line, match.answer)] : [];
  });
  const accepted = lines.filter((line) => line.outcome === 'accepted').length;
  const to: TransferStatus = accepted === lines.length ? 'ACCEPTED' : accepted === 0 ? 'REJECTED' : 'PARTIALLY_ACCEPTED';
  const receipt: Receipt = { at: time.at, receivedBy: body.receivedBy, lines, ...(context.confirmation ? { confirmation: context.confirmation } : {}) };
  const through = context.confirmation ? ` through the receipt link by ${body.receivedBy.name} (${body.receivedBy.title})` : '';
  return advance(
    transfer,
    { action: 'receive', to, payload: receipt, summary: `Received${through}: ${accepted} accepted, ${lines.length - accepted} rejected` },
    { receipt },
    context,
  );
}

/** Pairs each shipped line with its answer; unknown, repeated and missing answers are problems. */
function matchAnswers(shipped: readonly TransferLine[], answers: readonly ReceiptLineInput[]) {
  const byTag = new Map(shipped.map((line) => [line.tag, line]));
  const matched = new Map<TransferLine, { readonly answer: ReceiptLineInput; readonly index: number }>();
  const problems: FieldProblem[] = [];
  answers.forEach((answer, index) => {
    const line = byTag.get(answer.tag);
    if (!line) {
      problems.push({ pointer: `/lines/${index}/tag`, code: 'unknown-package', message: 'This package is not on the transfer' });
    } else if (matched.has(line)) {
      problems.push({ pointer: `/lines/${index}/tag`, code: 'duplicate-tag', message: 'This package is already answered: answer each package once' });
    } else {
      matched.set(line, { answer, index });
    }
  });
  shipped.forEach((line) => {
    if (!matched.has(line)) {
      problems.push({ pointer: '/lines', code: 'unanswered-package', message: `Package ${line.tag} has no answer: accept or reject every package` });
    }
  });
  return { matched, problems };
}

function acceptedQuantityProblems(
  line: TransferLine,
  answer: Extract<ReceiptLineInput, { outcome: 'accepted' }>,
  index: number,
  context: TransitionContext,
): FieldProblem[] {
  const quantity = quantityProblem(answer.acceptedQuantity, line.unit);
  if (quantity) return [{ pointer: `/lines/${index}/acceptedQuantity`, ...quantity }];
  const rule = context.rules.receivingVariance;
  const off = variance(line.quantity, answer.acceptedQuantity, rule.threshold);
  if (!off.differs) return [];
  const received = `Received ${formatQuantity(answer.acceptedQuantity, line.unit)} of ${formatQuantity(line.quantity, line.unit)} shipped (${formatPercent(off.fraction)} off)`;
  if (rule.enabled && !off.withinThreshold) {
    return [{
      pointer: `/lines/${index}/acceptedQuantity`,
      code: 'variance-too-large',
      message: `${received}: more than ${formatPercent(rule.threshold)} cannot be accepted. Reject the package, or accept the shipped quantity and open a return for the difference`,
    }];
  }
  if (answer.confirmVariance !== true) {
    return [{
      pointer: `/lines/${index}/confirmVariance`,
      code: 'variance-unconfirmed',
      message: `${received}: send confirmVariance: true to accept a quantity other than the one shipped`,
    }];
  }
  return [];
}

function recordedLine(line: TransferLine, answer: ReceiptLineInput): ReceiptLine {
  const shipped = { tag: line.tag, unit: line.unit, shippedQuantity: line.quantity, ...(answer.note === undefined ? {} : { note: answer.note }) };
  return answer.outcome === 'accepted'
    ? // Both numbers have at most 3 decimals, so equal decimals are equal doubles.
      { ...shipped, outcome: 'accepted', acceptedQuantity: answer.acceptedQuantity, varianceConfirmed: answer.acceptedQuantity !== line.quantity }
    : { ...shipped, outcome: 'rejected', reason: answer.reason };
}

export interface ReturnContext extends TransitionContext {
  /** The id of the new return draft. */
  readonly returnId: string;
}

/**
 * A return draft from the caller (the original receiver) back to the original shipper, carrying the
 * rejected packages at their shipped quantity. A shortfall accepted with a variance never arrived, so
 * it is not returned. An unwanted overage (New York: accept it, repackage the excess under a new
 * tag, return it on a new transfer) goes back under the new tag the body names, at the excess
 * quantity. The original stays in its state and records the return.
 */
export function returnDraftFrom(
  original: Transfer,
  body: ReturnBody,
  context: ReturnContext,
): Result<{ readonly original: Change; readonly draft: Change }> {
  const allowed = checkTransition(original.status, 'return');
  if (!allowed.ok) return allowed;
  const issued = recorded(original.manifest, original, 'manifest');
  const receipt = recorded(original.receipt, original, 'receipt');
  const rejected = new Map(receipt.lines.flatMap((line) => (line.outcome === 'rejected' ? [[line.tag, line] as const] : [])));
  const returned = original.content.lines.flatMap((line) => {
    const answer = rejected.get(line.tag);
    return answer ? [{ ...line, notes: `Returned: ${answer.reason}${answer.note === undefined ? '' : ` (${answer.note})`}`.slice(0, 1000) }] : [];
  });
  const overage = overageLines(original, receipt, body.overages ?? []);
  if (!overage.ok) return overage;
  const lines = [...returned, ...overage.lines];
  if (lines.length === 0) {
    return refuse([{ pointer: '/overages', code: 'nothing-to-return', message: 'No package was rejected: name the overage to return, with the new package tag it was repackaged under' }]);
  }
  const content: TransferContent = {
    type: 'return',
    receiverPartnerId: body.receiverPartnerId,
    ...(body.estimatedDeparture === undefined ? {} : { estimatedDeparture: body.estimatedDeparture }),
    ...(body.estimatedArrival === undefined ? {} : { estimatedArrival: body.estimatedArrival }),
    lines,
  };
  const draft = newDraft(
    {
      id: context.returnId,
      shipperId: context.actor.licenseeId,
      content,
      returnOf: { transferId: original.id, manifestNumber: issued.number, shipperLicenseNumber: issued.parties.shipper.licenseNumber },
    },
    `Return of manifest ${issued.number} drafted with ${[returned.length > 0 ? plural(returned.length, 'rejected package') : '', overage.lines.length > 0 ? plural(overage.lines.length, 'overage') : ''].filter(Boolean).join(' and ')}`,
    context,
  );
  const updated = advance(
    original,
    { action: 'return', to: original.status, payload: { returnId: context.returnId, ...body }, summary: `Return ${context.returnId} drafted` },
    { returnIds: [...original.returnIds, context.returnId] },
    context,
  );
  return { ok: true, original: updated, draft };
}

/** The excess of each named package the receipt accepted above what was shipped, as a line under its new tag. */
function overageLines(original: Transfer, receipt: Receipt, overages: NonNullable<ReturnBody['overages']>): { readonly ok: true; readonly lines: TransferLine[] } | ReturnType<typeof refuse> {
  const problems: FieldProblem[] = [];
  const shipped = new Map(original.content.lines.map((line) => [line.tag, line]));
  const answers = new Map(receipt.lines.map((line) => [line.tag, line]));
  const taken = new Set(original.content.lines.map((line) => line.tag));
  const lines: TransferLine[] = [];
  overages.forEach(({ tag, newTag }, i) => {
    const line = shipped.get(tag);
    const answer = answers.get(tag);
    if (!line || answer?.outcome !== 'accepted' || answer.acceptedQuantity <= line.quantity) {
      problems.push({ pointer: `/overages/${i}/tag`, code: 'no-overage', message: `Package ${tag} was not accepted with more than was shipped` });
      return;
    }
    if (taken.has(newTag)) {
      problems.push({ pointer: `/overages/${i}/newTag`, code: 'duplicate-tag', message: `Package ${newTag} is already on this transfer or this return: the excess goes back under a new package` });
      return;
    }
    taken.add(newTag);
    // Quantities carry at most four decimals; the difference must not carry float noise.
    const excess = Math.round((answer.acceptedQuantity - line.quantity) * 10_000) / 10_000;
    lines.push({
      ...line,
      tag: newTag,
      quantity: excess,
      notes: `Overage of package ${tag}: ${formatQuantity(answer.acceptedQuantity, line.unit)} received of ${formatQuantity(line.quantity, line.unit)} shipped, the excess repackaged as ${newTag} and returned`.slice(0, 1000),
    });
  });
  return problems.length > 0 ? refuse(problems) : { ok: true, lines };
}

/** A package the receipt accepted above what was shipped: an overage the receiver may return under a new package. */
export const hasOverage = (transfer: Pick<Transfer, 'content' | 'receipt'>): boolean => {
  const shipped = new Map(transfer.content.lines.map((line) => [line.tag, line.quantity]));
  return (transfer.receipt?.lines ?? []).some((line) => line.outcome === 'accepted' && line.acceptedQuantity > (shipped.get(line.tag) ?? Infinity));
};
