/**
 * The receipt link: how a receiver without an integrated system confirms a receipt. The shipper's
 * transfer carries at most one current link; issuing another replaces it and revoking ends it.
 * Confirming through the link is the same receipt as the API's (same rules, same events); a
 * shipment still on the road is marked arrived first, as the receiver's report (never as if its
 * driver had recorded it), since the receiver has it in hand.
 */
import { advance, arrive, recorded, refuse } from './transfer.ts';
import type { ArrivalReport, Change, ReceiptLink, Result, Transfer, TransitionContext } from './transfer.ts';
import { receive } from './receipt.ts';
import type { ReceiveContext } from './receipt.ts';
import type { ReceiptBody } from './schemas.ts';
import { noStateSystem } from './tags.ts';

/** Only a receiver that does not report to the state system itself confirms through a link. */
export const takesReceiptLink = (transfer: Transfer): boolean => transfer.manifest?.parties.receiver.stateSystem === noStateSystem;

/** Between manifest and receipt the goods are on their way: a link is worth sending. */
const linkable = (transfer: Transfer) => transfer.status === 'MANIFESTED' || transfer.status === 'IN_TRANSIT' || transfer.status === 'ARRIVED';

export const activeLink = (transfer: Transfer): ReceiptLink | undefined =>
  transfer.receiptLink && transfer.receiptLink.revokedAt === undefined ? transfer.receiptLink : undefined;

const newLink = (linkId: string, context: { readonly now: Date; readonly validForMs: number }): ReceiptLink => ({
  linkId,
  issuedAt: context.now.toISOString(),
  validUntil: new Date(context.now.getTime() + context.validForMs).toISOString(),
});

/** A new link valid for `validForMs`, replacing the current one. Refused once received, voided, or for an integrated receiver. */
export function issueReceiptLink(transfer: Transfer, linkId: string, context: TransitionContext & { readonly validForMs: number }): Result<Change> {
  if (!linkable(transfer)) {
    return refuse([{ pointer: '', code: 'receipt-link-closed', message: `A ${transfer.status} transfer takes no receipt link: only a manifested transfer not yet received does` }]);
  }
  if (!takesReceiptLink(transfer)) {
    return refuse([{ pointer: '', code: 'receiver-integrated', message: 'The receiver reports to the state system itself and receives through its own system, not a link' }]);
  }
  const link = newLink(linkId, context);
  return advance(
    transfer,
    {
      action: 'issue-receipt-link',
      to: transfer.status,
      payload: link,
      summary: `Receipt link issued, valid until ${link.validUntil}${activeLink(transfer) ? '; the previous link no longer works' : ''}`,
    },
    { receiptLink: link },
    context,
  );
}

export function revokeReceiptLink(transfer: Transfer, context: TransitionContext): Result<Change> {
  const link = activeLink(transfer);
  if (!link) return refuse([{ pointer: '', code: 'no-receipt-link', message: 'This transfer has no receipt link to revoke' }]);
  const revoked: ReceiptLink = { ...link, revokedAt: context.now.toISOString() };
  return advance(
    transfer,
    { action: 'revoke-receipt-link', to: transfer.status, payload: { linkId: link.linkId }, summary: 'Receipt link revoked' },
    { receiptLink: revoked },
    context,
  );
}

/** What a link shows when opened: the form, the receipt it recorded, or why it no longer works. */
export type LinkStanding = 'open' | 'not-departed' | 'received' | 'expired' | 'revoked' | 'voided';

export function linkStanding(transfer: Transfer, link: { readonly linkId: string; readonly validUntil: string }, now: Date): LinkStanding {
  // A recorded receipt stays readable: both parties keep it.
  if (transfer.receipt) return 'received';
  if (transfer.status === 'VOIDED' || transfer.status === 'DISCARDED') return 'voided';
  if (activeLink(transfer)?.linkId !== link.linkId) return 'revoked';
  if (Date.parse(link.validUntil) <= now.getTime()) return 'expired';
  return transfer.status === 'MANIFESTED' ? 'not-departed' : 'open';
}

/**
 * The arrival a receipt through the link records for a shipment still in transit: the receiver's
 * report, at the time of the receipt, with its own words in the history for the shipper.
 */
function arrivalByLink(transfer: Transfer, context: ReceiveContext): Result<Change> {
  const arrival = arrive(transfer, {}, context);
  if (!arrival.ok) return arrival;
  const at = recorded(arrival.transfer.arrivedAt, arrival.transfer, 'arrival time');
  const linkId = context.confirmation?.linkId ?? activeLink(transfer)?.linkId ?? '';
  const arrivalReport: ArrivalReport = { by: 'receiver-through-receipt-link', linkId, at };
  return {
    ...arrival,
    transfer: { ...arrival.transfer, arrivalReport },
    event: { ...arrival.event, summary: `Arrival reported by the receiver through the receipt link, at ${at}; no driver or carrier recorded it` },
  };
}

/**
 * The receipt confirmed through the link, as one or two changes: the arrival (when the shipment
 * was still in transit) and the receipt itself. Both are checked before either is returned, so a
 * refused receipt leaves the transfer as it was.
 */
export function receiveByLink(transfer: Transfer, body: ReceiptBody, context: ReceiveContext): Result<{ readonly changes: readonly Change[] }> {
  // Only a state system that needs an arrival before a receipt gets one the receiver reports.
  const arrival = transfer.status === 'IN_TRANSIT' && context.stateSystem.receiveOnlyAfterArrival ? arrivalByLink(transfer, context) : undefined;
  if (arrival && !arrival.ok) return arrival;
  const received = receive(arrival ? arrival.transfer : transfer, body, context);
  if (!received.ok) return received;
  return { ok: true, changes: arrival ? [{ transfer: arrival.transfer, event: arrival.event }, received] : [received] };
}

/**
 * A manifest version for a receiver that is not integrated prints the current link, or a new one
 * issued with it (valid for `validForMs`). Any other transfer is returned as it is.
 */
export function withReceiptLink(transfer: Transfer, newLinkId: string, context: { readonly now: Date; readonly validForMs: number }): Transfer {
  if (!takesReceiptLink(transfer) || !transfer.manifest) return transfer;
  const link = activeLink(transfer) ?? newLink(newLinkId, context);
  return { ...transfer, receiptLink: link, manifest: { ...transfer.manifest, receiptLinkId: link.linkId } };
}
