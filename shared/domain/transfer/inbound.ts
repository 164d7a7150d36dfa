/**
 * Transfers that reach the hub from the state system: another licensee's software reported a
 * shipment to one of our integrated tenants. The receiver sees it in its incoming list and
 * receives it through the hub like any other. What the state system does not report (product
 * categories, batches, crew details) is marked as not reported rather than guessed.
 */
import { payloadHash, transferEvent } from './events.ts';
import type { Actor } from './events.ts';
import type { TransferStatus } from './lifecycle.ts';
import { units } from './quantities.ts';
import type { Unit } from './quantities.ts';
import type { TransferLine } from './schemas.ts';
import type { StateSystem } from './tags.ts';
import type { Change, DriverSnapshot, PartySnapshot, Transfer } from './transfer.ts';

export const NOT_REPORTED = 'Not reported by the state system';

/** Where a transfer came from when the hub did not issue it. */
export type TransferOrigin = StateOrigin | PaperManifestOrigin;

/** Another licensee's system reported it to the state system, and the inbound pull took it from there. */
export interface StateOrigin {
  /** Absent on transfers imported before paper manifests were taken in. */
  readonly kind?: 'state-system';
  readonly system: Exclude<StateSystem, 'none'>;
  /** The state's transfer, as its adapter keys it. */
  readonly stateKey: string;
  /** The state's manifest number, which the hub's copy carries as its own. */
  readonly manifestNumber: string;
  readonly importedAt: string;
}

/** A shipper without a connected system sent it with a paper manifest; the receiver recorded it in the hub. */
export interface PaperManifestOrigin {
  readonly kind: 'paper-manifest';
  /** As printed on the paper, in the shipper's own numbering. */
  readonly manifestNumber: string;
  readonly shipperLicenseNumber: string;
  readonly recordedAt: string;
}

export interface InboundInput {
  readonly id: string;
  readonly receiver: PartySnapshot;
  readonly shipper: PartySnapshot;
  readonly origin: Omit<StateOrigin, 'importedAt' | 'kind'>;
  readonly drivers: readonly string[];
  readonly estimatedDeparture?: string;
  readonly estimatedArrival?: string;
  readonly arrived: boolean;
  readonly lines: readonly { readonly tag: string; readonly productName: string; readonly quantity: number; readonly unit: string }[];
}

/** The shipper of an imported transfer is not a tenant: this id stands for it. */
export const externalShipperId = (system: string, stateLicense: string) => `state:${system}:${stateLicense}`;

/** The state system's unit of measure in the hub's terms; counts for anything it does not name. */
export function unitOf(uom: string): Unit {
  const normalized = uom.trim().toLowerCase();
  const known = units.find((unit) => unit.toLowerCase() === normalized);
  if (known) return known;
  if (['gram', 'grams'].includes(normalized)) return 'g';
  return 'each';
}

/** Package lines known only by tag, product, quantity and unit; every other field says `unknown` instead of a guess. */
export function linesKnownAs(
  lines: readonly { readonly tag: string; readonly productName: string; readonly quantity: number; readonly unit: Unit }[],
  unknown: string,
): TransferLine[] {
  return lines.map((line) => ({
    tag: line.tag,
    productName: line.productName.slice(0, 200),
    category: unknown,
    productionBatch: unknown,
    quantity: line.quantity,
    unit: line.unit,
    labTestStatus: 'not-required',
    finishedGoods: false,
    sample: false,
  }));
}

/** Drivers known only by name; `source` prefixes their ids (they are in no registry). */
export function driversNamed(names: readonly string[], unknown: string, source: string): DriverSnapshot[] {
  return names.map((name, i) => ({
    driverId: `${source}-driver-${i + 1}`,
    name,
    employeeId: unknown,
    driversLicenseNumber: unknown,
    driversLicenseState: unknown,
    phone: unknown,
  }));
}

/** Content needs a receiver partner id; a transfer the hub did not draft has none, so the shipper's license stands in. */
export const partnerIdOf = (licenseNumber: string) => licenseNumber.replace(/[^0-9A-Za-z_-]/g, '-').slice(0, 64);

export function importInbound(input: InboundInput, context: { readonly now: Date; readonly actor: Actor }): Change {
  const at = context.now.toISOString();
  const status: TransferStatus = input.arrived ? 'ARRIVED' : 'IN_TRANSIT';
  const lines = linesKnownAs(input.lines.map((line) => ({ ...line, unit: unitOf(line.unit) })), NOT_REPORTED);
  const drivers = driversNamed(input.drivers, NOT_REPORTED, 'state');
  const content = {
    type: 'transfer' as const,
    receiverPartnerId: partnerIdOf(input.shipper.licenseNumber),
    ...(input.estimatedDeparture ? { estimatedDeparture: input.estimatedDeparture } : {}),
    ...(input.estimatedArrival ? { estimatedArrival: input.estimatedArrival } : {}),
    lines,
  };
  const parties = { shipper: input.shipper, receiver: input.receiver, drivers };
  const transfer: Transfer = {
    id: input.id,
    shipperId: externalShipperId(input.origin.system, input.shipper.licenseNumber),
    status,
    version: 1,
    content,
    manifest: {
      number: input.origin.manifestNumber,
      version: 1,
      manifestedAt: at,
      contentHash: payloadHash({ number: input.origin.manifestNumber, content, parties }),
      parties,
    },
    departedAt: input.estimatedDeparture && Date.parse(input.estimatedDeparture) < context.now.getTime() ? input.estimatedDeparture : at,
    ...(input.arrived ? { arrivedAt: at } : {}),
    origin: { kind: 'state-system', ...input.origin, importedAt: at },
    returnIds: [],
    createdAt: at,
    updatedAt: at,
  };
  const event = transferEvent({
    transferId: input.id,
    sequence: 1,
    action: 'create',
    from: null,
    to: status,
    at,
    actor: context.actor,
    payload: input,
    summary: `Imported from the state system: manifest ${input.origin.manifestNumber} from ${input.shipper.legalName}, ${lines.length} package${lines.length === 1 ? '' : 's'}`,
  });
  return { transfer, event };
}
