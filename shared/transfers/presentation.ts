/**
 * What a party sees of a transfer: the transfer and the actions its state allows next; index
 * fields stay inside.
 */
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import * as domain from '../domain/transfer/index.ts';
import { presentedArrivalReport } from '../receipt-links/arrival-report.ts';
import { receiptCapabilities } from '../state-system/capabilities.ts';
import type { ListedTransfer } from './repository.ts';
import type { StoredTransfer } from './use-cases.ts';

export function present(transfer: StoredTransfer) {
  const internal = transfer as StoredTransfer & { manifestAttempt?: string };
  const { receiverLicenseeId: _r, transporterLicenseeId: _t, manifestedAt: _m, manifestAttempt: _a, summary: _s, receipt, arrivalReport, ...visible } = internal;
  const confirmation = receipt?.confirmation;
  return {
    ...visible,
    ...(arrivalReport ? { arrivalReport: presentedArrivalReport(arrivalReport) } : {}),
    ...(receipt
      ? {
          receipt: confirmation
            ? {
                ...receipt,
                // Said plainly, so neither party mistakes it for a receipt the state system has.
                confirmation: {
                  ...confirmation,
                  reportedToStateSystemByReceiver: false,
                  note: 'Confirmed by the receiver through the receipt link. The receiver is not integrated: it did not report this receipt to the state system.',
                },
              }
            : receipt,
        }
      : {}),
    allowedActions: actionsOn(transfer),
  };
}

/** What its state allows, except a return of an accepted transfer that holds no overage to send back. */
const actionsOn = (transfer: domain.Transfer) =>
  domain.allowedActions(transfer.status, receiptCapabilities(transfer)).filter((action) => action !== 'return' || transfer.status !== 'ACCEPTED' || domain.hasOverage(transfer));

/** A list row: the summary the index holds, where it stands with the state system, and what can be done next. */
export function presentListed(row: ListedTransfer & { readonly stateSystem: StateSystemStatus }) {
  const { summary, ...meta } = row;
  // A row holds no receipt lines: an accepted one offers its return (of an overage) on the transfer only.
  const allowed = domain.allowedActions(row.status as domain.TransferStatus).filter((action) => action !== 'return' || row.status !== 'ACCEPTED');
  return { ...meta, ...summary, allowedActions: allowed };
}
