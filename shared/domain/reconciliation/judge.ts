/**
 * What an observation from the state system means for a transfer. The hub never adopts what the
 * state shows over what it recorded, and never drops it: where the two differ (other packages,
 * other quantities, a receipt that is not the hub's or the link's, a void the hub did not make),
 * the difference becomes a discrepancy for a person to settle. Pure.
 */
import { payloadHash } from '../transfer/events.ts';
import { formatQuantity } from '../transfer/quantities.ts';
import type { Unit } from '../transfer/quantities.ts';
import type { Transfer } from '../transfer/transfer.ts';
import type { ObservedLine, ObservedPackage, StateObservation } from './observation.ts';

export const discrepancyKinds = ['receipt-differs', 'shipment-differs', 'receiver-differs', 'voided-at-state', 'departure-time-differs', 'arrival-time-differs'] as const;
export type DiscrepancyKind = (typeof discrepancyKinds)[number];

/** One package on which the two sides differ; a side that does not list the package has none. */
export interface DiscrepancyLine {
  readonly tag: string;
  readonly hub?: PackageAccount;
  readonly state?: PackageAccount;
}

export interface PackageAccount {
  readonly outcome: 'shipped' | 'accepted' | 'rejected';
  readonly quantity: number;
}

export interface Discrepancy {
  /** The same difference seen again is the same discrepancy. */
  readonly key: string;
  readonly kind: DiscrepancyKind;
  /** What differs, in plain words, and what to do. */
  readonly message: string;
  readonly observedAt: string;
  readonly lines: readonly DiscrepancyLine[];
  /** For `receiver-differs`: the license each side names. */
  readonly receiver?: { readonly hub: string; readonly state: string };
  /** For the time kinds: the time each side recorded. */
  readonly times?: { readonly hub: string; readonly state: string };
}

export interface JudgeOptions {
  /** How far apart the two sides' departure or arrival times may be before they differ (minutes). */
  readonly timeToleranceMinutes: number;
}

export const defaultJudgeOptions: JudgeOptions = { timeToleranceMinutes: 15 };

export interface Judgement {
  readonly discrepancies: readonly Discrepancy[];
  /** The state shows the shipment arrived: a transfer the hub follows only from the state (imported) arrives too. */
  readonly arrived: boolean;
}

const plural = (n: number, word: string) => `${n} package${n === 1 ? '' : 's'} ${word}`;
const minutesText = (n: number) => `${n} minute${n === 1 ? '' : 's'}`;

export function judge(transfer: Transfer, observation: StateObservation, now: Date, options: JudgeOptions = defaultJudgeOptions): Judgement {
  const at = observation.at ?? now.toISOString();
  const none: Judgement = { discrepancies: [], arrived: false };
  switch (observation.kind) {
    case 'arrived':
      return { discrepancies: timeDiscrepancies('arrival', transfer.arrivedAt, observation.at, options, now), arrived: true };
    case 'departed':
      return { discrepancies: timeDiscrepancies('departure', transfer.departedAt, observation.at, options, now), arrived: false };
    case 'taken-back':
      return none;
    case 'voided':
      return transfer.status === 'VOIDED' ? none : { discrepancies: [voidedAtState(transfer, at)], arrived: false };
    case 'received':
      return { discrepancies: receiptDiscrepancies(transfer, observation.packages, at), arrived: false };
    case 'registered':
    case 'edited':
      return { discrepancies: shipmentDiscrepancies(transfer, observation, at), arrived: false };
  }
}

function discrepancy(kind: DiscrepancyKind, message: string, at: string, lines: readonly DiscrepancyLine[], receiver?: Discrepancy['receiver'], times?: Discrepancy['times']): Discrepancy {
  return { key: `${kind}:${payloadHash({ lines, receiver, times }).slice(0, 16)}`, kind, message, observedAt: at, lines, ...(receiver ? { receiver } : {}), ...(times ? { times } : {}) };
}

/**
 * The state's departure or arrival time against the hub's, once both are known: further apart than
 * the tolerance, a difference (each side's time kept). A time the hub has not recorded yet is not
 * one: the transfer's view shows the state's time beside the hub's whenever both exist.
 */
function timeDiscrepancies(which: 'departure' | 'arrival', hub: string | undefined, state: string | undefined, options: JudgeOptions, now: Date): Discrepancy[] {
  if (!hub || !state) return [];
  const minutes = Math.round(Math.abs(Date.parse(state) - Date.parse(hub)) / 60_000);
  if (minutes <= options.timeToleranceMinutes) return [];
  const verb = which === 'departure' ? 'departed' : 'arrived';
  const direction = Date.parse(state) < Date.parse(hub) ? 'earlier' : 'later';
  return [
    discrepancy(
      which === 'departure' ? 'departure-time-differs' : 'arrival-time-differs',
      `The state system shows the shipment ${verb} ${minutesText(minutes)} ${direction} than the hub recorded (more than the ${minutesText(options.timeToleranceMinutes)} allowed). Correct the ${which} time where it is wrong, so both agree.`,
      now.toISOString(),
      [],
      undefined,
      { hub, state },
    ),
  ];
}

function voidedAtState(transfer: Transfer, at: string): Discrepancy {
  return discrepancy(
    'voided-at-state',
    `The state system shows this transfer voided; the hub has it ${transfer.status.toLowerCase().replace(/_/g, ' ')}. Check with the shipper which is right and void or correct it.`,
    at,
    [],
  );
}

/** The hub's account of each package: the receipt it recorded (API or link), else what was shipped. */
function hubPackages(transfer: Transfer): Map<string, PackageAccount> {
  if (transfer.receipt) {
    return new Map(
      transfer.receipt.lines.map((line) => [
        line.tag,
        line.outcome === 'accepted' ? { outcome: 'accepted', quantity: line.acceptedQuantity } : { outcome: 'rejected', quantity: 0 },
      ]),
    );
  }
  return new Map(transfer.content.lines.map((line) => [line.tag, { outcome: 'shipped', quantity: line.quantity }]));
}

const stateAccount = (pkg: ObservedPackage): PackageAccount => (pkg.accepted ? { outcome: 'accepted', quantity: pkg.receivedQuantity } : { outcome: 'rejected', quantity: 0 });

function receiptDiscrepancies(transfer: Transfer, packages: readonly ObservedPackage[], at: string): Discrepancy[] {
  const hub = hubPackages(transfer);
  const state = new Map(packages.map((pkg) => [pkg.tag, stateAccount(pkg)]));
  const lines = differing(hub, state, (h, s) => (transfer.receipt ? h.outcome !== s.outcome || h.quantity !== s.quantity : false));
  if (lines.length === 0) return [];
  const units = new Map(transfer.content.lines.map((line) => [line.tag, line.unit]));
  const first = lines[0];
  const unit = first && units.get(first.tag);
  const example = first?.hub && first.state && unit ? ` (package ${first.tag}: the hub has ${describe(first.hub, unit)}, the state system ${describe(first.state, unit)})` : '';
  const whose = transfer.receipt ? 'the receipt the hub recorded' : 'what the hub shipped';
  return [
    discrepancy(
      transfer.receipt ? 'receipt-differs' : 'shipment-differs',
      `The state system's receipt differs from ${whose}: ${plural(lines.length, 'differ')}${example}. The receiver must correct the receipt at the state system, or the hub's record, so both agree.`,
      at,
      lines,
    ),
  ];
}

function describe(account: PackageAccount, unit: Unit): string {
  return account.outcome === 'rejected' ? 'it rejected' : `${formatQuantity(account.quantity, unit)} ${account.outcome}`;
}

function shipmentDiscrepancies(transfer: Transfer, observation: { readonly receiverLicenseNumber?: string; readonly lines?: readonly ObservedLine[] }, at: string): Discrepancy[] {
  const found: Discrepancy[] = [];
  const receiver = transfer.manifest?.parties.receiver.licenseNumber;
  if (observation.receiverLicenseNumber && receiver && observation.receiverLicenseNumber !== receiver) {
    found.push(
      discrepancy(
        'receiver-differs',
        `The state system names another receiver (${observation.receiverLicenseNumber}) than the hub's manifest (${receiver}). Correct the transfer at the state system, or void and manifest it again.`,
        at,
        [],
        { hub: receiver, state: observation.receiverLicenseNumber },
      ),
    );
  }
  if (observation.lines) {
    const hub = new Map(transfer.content.lines.map((line) => [line.tag, { outcome: 'shipped' as const, quantity: line.quantity }]));
    const state = new Map(observation.lines.map((line) => [line.tag, { outcome: 'shipped' as const, quantity: line.quantity }]));
    const lines = differing(hub, state, (h, s) => h.quantity !== s.quantity);
    if (lines.length > 0) {
      found.push(
        discrepancy(
          'shipment-differs',
          `The state system shows other packages or quantities than the hub's manifest: ${plural(lines.length, 'differ')}. Correct the transfer at the state system, or amend the hub's, so both agree.`,
          at,
          lines,
        ),
      );
    }
  }
  return found;
}

/** Packages on one side only, and those both list but `differ` on. */
function differing(hub: ReadonlyMap<string, PackageAccount>, state: ReadonlyMap<string, PackageAccount>, differ: (hub: PackageAccount, state: PackageAccount) => boolean): DiscrepancyLine[] {
  const tags = [...new Set([...hub.keys(), ...state.keys()])].sort();
  return tags.flatMap((tag): DiscrepancyLine[] => {
    const h = hub.get(tag);
    const s = state.get(tag);
    if (h && s && !differ(h, s)) return [];
    return [{ tag, ...(h ? { hub: h } : {}), ...(s ? { state: s } : {}) }];
  });
}
