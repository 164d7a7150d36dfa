/**
 * A realistic transfer for the domain tests: a distributor ships two jars of flower to a dispensary.
 * Transfers in later states are built through the real operations, never by hand.
 */
import { expect } from 'vitest';
import { biotrackCapabilities } from '#shared/state-system/biotrack/capabilities.ts';
import { bioTrackSystem, packageTagFormatOf } from '#shared/state-system/capabilities.ts';
import {
  arrive,
  createDraft,
  defaultTransferRules,
  depart,
  manifest,
  receive,
} from '#shared/domain/transfer/index.ts';
import type {
  Actor,
  Change,
  CreateTransferBody,
  DraftContext,
  DriverSnapshot,
  FieldProblem,
  ManifestContext,
  ManifestParties,
  PartySnapshot,
  ReceiptBody,
  ReceiveContext,
  Refusal,
  Result,
  Transfer,
  TransferLine,
  TransferRules,
  VehicleSnapshot,
} from '#shared/domain/transfer/index.ts';

/** 2026-03-02 09:00 in New York. */
export const NOW = new Date('2026-03-02T14:00:00.000Z');
export const minutesAfter = (minutes: number, from: Date = NOW) => new Date(from.getTime() + minutes * 60_000);

export const shipperActor: Actor = { licenseeId: 'lic-hudson', apiKeyId: 'key-hudson' };
export const receiverActor: Actor = { licenseeId: 'lic-main-street', apiKeyId: 'key-main-street' };

export const biotrackTag = (n: number) => String(n).padStart(16, '0');
export const metrcTag = (n: number) => `1A4${String(n).padStart(21, '0')}`;

export const line = (overrides: Partial<TransferLine> = {}): TransferLine => ({
  tag: biotrackTag(1),
  productName: 'Blue Dream 3.5 g jar',
  category: 'flower',
  brand: 'Hudson Valley Farms',
  strain: 'Blue Dream',
  productionBatch: 'B-2026-014',
  quantity: 24,
  unit: 'each',
  netWeight: { value: 84, unit: 'g' },
  grossWeight: { value: 1.2, unit: 'kg' },
  unitPrice: 18.5,
  totalThc: { value: 22.4, unit: '%' },
  labTestStatus: 'passed',
  coaReference: 'COA-2026-0311',
  finishedGoods: true,
  sample: false,
  ...overrides,
});

/** A draft with everything a manifest needs. */
export const draftBody = (overrides: Partial<CreateTransferBody> = {}): CreateTransferBody => ({
  type: 'wholesale',
  receiverPartnerId: 'partner-main-street',
  invoiceNumbers: ['INV-1042'],
  taxPayer: { taxPaid: true },
  driverIds: ['driver-ana'],
  vehicleId: 'vehicle-van',
  estimatedDeparture: '2026-03-02T10:00:00-05:00',
  estimatedArrival: '2026-03-02T12:30:00-05:00',
  plannedRoute: 'I-87 S to exit 9, NY-9 to Main Street',
  lines: [line(), line({ tag: biotrackTag(2), productName: 'Sour Diesel 3.5 g jar', strain: 'Sour Diesel', quantity: 12 })],
  ...overrides,
});

const premises = (street: string, city: string, zip: string) => ({ street, city, state: 'NY', zip });

export const shipper: PartySnapshot = {
  licenseeId: shipperActor.licenseeId,
  legalName: 'Hudson Distribution LLC',
  dba: 'Hudson Dist',
  licenseNumber: 'OCM-DIST-24-000114',
  premisesAddress: premises('12 River Road', 'Kingston', '12401'),
  phone: '+1 845 555 0100',
  stateSystem: 'biotrack-ny',
  stateAccessLost: false,
};

export const receiver: PartySnapshot = {
  licenseeId: receiverActor.licenseeId,
  partnerId: 'partner-main-street',
  legalName: 'Main Street Cannabis Inc.',
  licenseNumber: 'OCM-CAURD-24-000321',
  premisesAddress: premises('200 Main Street', 'Poughkeepsie', '12601'),
  phone: '+1 845 555 0199',
  stateSystem: 'none',
  stateAccessLost: false,
};

export const driver: DriverSnapshot = {
  driverId: 'driver-ana',
  name: 'Ana Ruiz',
  employeeId: 'E-0042',
  driversLicenseNumber: '123 456 789',
  driversLicenseState: 'NY',
  phone: '+1 845 555 0142',
};

export const vehicle: VehicleSnapshot = {
  vehicleId: 'vehicle-van',
  conveyance: 'van',
  make: 'Ford',
  model: 'Transit',
  year: 2024,
  color: 'White',
  plate: 'HUD 1234',
  plateState: 'NY',
  vin: '1FTBR1C82MKA12345',
  attestations: { gpsFitted: true, lockedBox: true, temperatureControl: false },
};

export const parties: ManifestParties = { shipper, receiver, drivers: [driver], vehicle };

/** A transition's context; it carries the shipper's tag format too, which drafts and amendments check. */
export const context = (now: Date = NOW, overrides: Partial<DraftContext> = {}): DraftContext => ({
  now,
  actor: shipperActor,
  rules: defaultTransferRules,
  shipperTags: packageTagFormatOf(bioTrackSystem),
  ...overrides,
});

export const draftContext = (overrides: Partial<DraftContext> = {}): DraftContext => ({
  ...context(),
  ...overrides,
});

export const manifestContext = (overrides: Partial<ManifestContext> = {}): ManifestContext => ({
  ...context(),
  manifestNumber: '000042',
  ...overrides,
});

export const receiveContext = (now: Date, overrides: Partial<ReceiveContext> = {}): ReceiveContext => ({
  ...context(now, { actor: receiverActor }),
  receiverStateAccessLost: false,
  stateSystem: biotrackCapabilities,
  ...overrides,
});

/** Rules with some fields replaced, e.g. `withRules({ clockSkewMs: 0 })`. */
export const withRules = (overrides: Partial<TransferRules>): TransferRules => ({ ...defaultTransferRules, ...overrides });

export function expectOk<T extends { readonly ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) expect.fail(`Expected success, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

export function expectRefused(result: Result<unknown>): Refusal {
  if (result.ok) expect.fail('Expected a refusal');
  return result.error;
}

/** The problems of a rule violation (fails on an invalid transition). */
export function problemsOf(result: Result<unknown>): readonly FieldProblem[] {
  const error = expectRefused(result);
  if (error.kind !== 'rule-violation') expect.fail(`Expected a rule violation, got ${JSON.stringify(error)}`);
  return error.problems;
}

export const pointersOf = (result: Result<unknown>): string[] => problemsOf(result).map((p) => p.pointer);

export const draft = (body: CreateTransferBody = draftBody()): Transfer =>
  expectOk(createDraft({ id: 'tr-1', shipperId: shipperActor.licenseeId, content: body }, draftContext())).transfer;

export const manifested = (body?: CreateTransferBody): Transfer => expectOk(manifest(draft(body), parties, manifestContext())).transfer;

/** Departed an hour after NOW, as estimated. */
export const inTransit = (body?: CreateTransferBody): Transfer =>
  expectOk(depart(manifested(body), {}, context(minutesAfter(60)))).transfer;

/** Arrived two and a half hours after departure. */
export const arrived = (body?: CreateTransferBody): Transfer =>
  expectOk(arrive(inTransit(body), {}, context(minutesAfter(210)))).transfer;

export const RECEIVED_AT = minutesAfter(240);

/** Every line accepted as shipped, unless an answer for its tag is given. */
export const receiptFor = (transfer: Transfer, answers: Partial<Record<string, ReceiptBody['lines'][number]>> = {}): ReceiptBody => ({
  lines: transfer.content.lines.map(
    (shipped) => answers[shipped.tag] ?? { tag: shipped.tag, outcome: 'accepted', acceptedQuantity: shipped.quantity },
  ),
  receivedBy: { name: 'Sam Lee', title: 'Inventory manager' },
});

export const received = (answers: Partial<Record<string, ReceiptBody['lines'][number]>> = {}): Change => {
  const transfer = arrived();
  return expectOk(receive(transfer, receiptFor(transfer, answers), receiveContext(RECEIVED_AT)));
};
