/**
 * An arrival the receiver reported through its receipt link, said plainly on the transfer for the
 * shipper: who reported it, when, that no driver did, and who told the state system.
 */
import type { ArrivalReport } from '../domain/transfer/index.ts';
import { formatNewYorkTime } from '../manifests/new-york-time.ts';

const toState: Readonly<Record<NonNullable<ArrivalReport['stateSystemReportedBy']>, string>> = {
  shipper: "The hub reported it to the state system as the shipper's arrival, because the shipper reports the trip.",
  nobody: 'It was not reported to the state system: the shipper does not report to it through the hub.',
};

export function arrivalReportNote(report: ArrivalReport): string {
  return [
    `Reported by the receiver through the receipt link, at ${formatNewYorkTime(report.at)}.`,
    'No driver or carrier recorded this arrival.',
    toState[report.stateSystemReportedBy ?? 'nobody'],
  ].join(' ');
}

export const presentedArrivalReport = (report: ArrivalReport) => ({ ...report, note: arrivalReportNote(report) });
