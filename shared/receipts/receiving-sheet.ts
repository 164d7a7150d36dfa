/**
 * The receiving sheet: the hub's receipt as a person enters it in the state system's own app
 * (Metrc's receiver receives there whatever the hub recorded). Per package: its tag, what was
 * shipped, accept or reject, what to enter as received, whether to confirm a variance and the
 * reason text of a rejection. The words of the place come from the state system's registry (its
 * name and menu path); nothing here names a system. Pure.
 */
import type { ReceiptLine, Transfer, Unit } from '../domain/transfer/index.ts';
import { recorded } from '../domain/transfer/index.ts';
import { formatQuantity } from '../domain/transfer/quantities.ts';
import type { ReceivingPlace } from '../state-system/receiving.ts';

/** Each rejection reason as a person types it. */
export const reasonText: Readonly<Record<string, string>> = {
  damaged: 'Damaged',
  'wrong-product': 'Wrong product',
  'quantity-mismatch': 'Quantity mismatch',
  expired: 'Expired',
  'failed-lab-test': 'Failed lab test',
  'missing-lab-test': 'Missing lab test',
  'not-ordered': 'Not ordered',
  other: 'Other',
};

export interface ReceivingSheetPackage {
  readonly tag: string;
  readonly productName: string;
  readonly shipped: { readonly quantity: number; readonly unit: Unit };
  readonly decision: 'accept' | 'reject';
  /** Accepted: the quantity to enter as received, in the shipped unit. */
  readonly receivedQuantity?: number;
  /** Accepted at another quantity than shipped: the variance must be confirmed there. */
  readonly confirmVariance?: boolean;
  /** Rejected: the reason to enter. */
  readonly reason?: string;
  /** The line in plain words. */
  readonly enter: string;
}

export interface ReceivingSheet {
  readonly transferId: string;
  readonly manifestNumber: string;
  /** The number the state system filed the transfer under, once the hub knows it: the one to look for there. */
  readonly stateManifestNumber?: string;
  readonly stateSystem: string;
  readonly menuPath: readonly string[];
  /** What to receive there: its manifest number, or the shipper and the hub's number until the hub knows it. */
  readonly receive: string;
  /** What to do, in one sentence. */
  readonly instruction: string;
  readonly receivedAt: string;
  readonly receivedBy: { readonly name: string; readonly title: string };
  readonly packages: readonly ReceivingSheetPackage[];
}

const reasonOf = (line: Extract<ReceiptLine, { outcome: 'rejected' }>) => `${reasonText[line.reason] ?? line.reason}${line.note === undefined ? '' : `: ${line.note}`}`;

function sheetPackage(line: ReceiptLine, productName: string): ReceivingSheetPackage {
  const base = { tag: line.tag, productName, shipped: { quantity: line.shippedQuantity, unit: line.unit } };
  if (line.outcome === 'rejected') {
    const reason = reasonOf(line);
    return { ...base, decision: 'reject', reason, enter: `${line.tag}: reject; reason "${reason}"` };
  }
  const confirmVariance = line.acceptedQuantity !== line.shippedQuantity;
  const received = formatQuantity(line.acceptedQuantity, line.unit);
  return {
    ...base,
    decision: 'accept',
    receivedQuantity: line.acceptedQuantity,
    confirmVariance,
    enter: `${line.tag}: accept; received ${received}${confirmVariance ? ` of ${formatQuantity(line.shippedQuantity, line.unit)} shipped, and confirm the variance` : ''}`,
  };
}

/** The sheet of a transfer the hub holds a receipt of, for the state system that must record it by hand. */
export function receivingSheet(transfer: Transfer, place: ReceivingPlace): ReceivingSheet {
  const receipt = recorded(transfer.receipt, transfer, 'receipt');
  const manifest = recorded(transfer.manifest, transfer, 'manifest');
  const products = new Map(transfer.content.lines.map((line) => [line.tag, line.productName]));
  const which = transfer.stateManifestNumber ? `manifest ${transfer.stateManifestNumber}` : `the transfer from ${manifest.parties.shipper.legalName} (hub manifest ${manifest.number})`;
  return {
    transferId: transfer.id,
    manifestNumber: manifest.number,
    ...(transfer.stateManifestNumber ? { stateManifestNumber: transfer.stateManifestNumber } : {}),
    stateSystem: place.displayName,
    menuPath: place.menuPath,
    receive: which,
    instruction: `Receive ${which} in ${place.displayName}: ${place.menuPath.join(' → ')}, and enter for each package what this sheet says`,
    receivedAt: receipt.at,
    receivedBy: receipt.receivedBy,
    packages: receipt.lines.map((line) => sheetPackage(line, products.get(line.tag) ?? '')),
  };
}

/** The closing words of a receipt recorded outside the state system: record it there too, line by line. */
export const recordInStateSystem = (sheet: ReceivingSheet): string =>
  `Now record this in ${sheet.stateSystem}: receive ${sheet.receive} under ${sheet.menuPath.join(' → ')}, entering for each package:`;
