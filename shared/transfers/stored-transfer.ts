/** A transfer as the hub keeps it: the domain's model, with what the indexes and lists read derived again on every write. */
import type { Transfer } from '../domain/transfer/index.ts';

/** The domain's transfer plus what the indexes and the visibility check read. */
export type StoredTransfer = Transfer & {
  readonly receiverLicenseeId?: string;
  readonly transporterLicenseeId?: string;
  readonly manifestedAt?: string;
  readonly summary: TransferSummary;
};

/** What a list shows of a transfer, kept small: it is copied into both list indexes on every write. */
export interface TransferSummary {
  readonly type: string;
  readonly lineCount: number;
  readonly receiverPartnerId?: string;
  readonly manifestNumber?: string;
  readonly shipperName?: string;
  readonly receiverName?: string;
  readonly estimatedDeparture?: string;
  readonly departedAt?: string;
  readonly arrivedAt?: string;
  readonly returnOf?: string;
}

function summaryOf(transfer: Transfer): TransferSummary {
  const parties = transfer.manifest?.parties;
  const { content } = transfer;
  return {
    type: content.type,
    lineCount: content.lines.length,
    ...(content.receiverPartnerId ? { receiverPartnerId: content.receiverPartnerId } : {}),
    ...(transfer.manifest ? { manifestNumber: transfer.manifest.number } : {}),
    ...(parties ? { shipperName: parties.shipper.legalName, receiverName: parties.receiver.legalName } : {}),
    ...(content.estimatedDeparture ? { estimatedDeparture: content.estimatedDeparture } : {}),
    ...(transfer.departedAt ? { departedAt: transfer.departedAt } : {}),
    ...(transfer.arrivedAt ? { arrivedAt: transfer.arrivedAt } : {}),
    ...(transfer.returnOf ? { returnOf: transfer.returnOf.transferId } : {}),
  };
}

export function toStored(transfer: Transfer): StoredTransfer {
  const parties = transfer.manifest?.parties;
  const { receiverLicenseeId: _r, transporterLicenseeId: _t, manifestedAt: _m, summary: _s, ...plain } = transfer as StoredTransfer;
  return {
    ...plain,
    summary: summaryOf(transfer),
    ...(parties?.receiver.licenseeId ? { receiverLicenseeId: parties.receiver.licenseeId } : {}),
    ...(parties?.transporter?.licenseeId ? { transporterLicenseeId: parties.transporter.licenseeId } : {}),
    ...(transfer.manifest ? { manifestedAt: transfer.manifest.manifestedAt } : {}),
  };
}
