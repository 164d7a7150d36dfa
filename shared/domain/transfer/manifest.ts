/**
 * Manifesting: every check the domain doc asks for before a draft becomes a manifest, then the
 * content is frozen with a snapshot of the parties, drivers and vehicle. Problems are collected, not
 * stopped at the first, so the shipper can fix everything in one go. The draft has no delivery
 * address of its own: the manifest delivers to the receiver's licensed premises as snapshotted.
 */
import { draftProblems } from './content.ts';
import { payloadHash } from './events.ts';
import { checkTransition } from './lifecycle.ts';
import type { FieldProblem } from './problems.ts';
import { jsonPointer } from './problems.ts';
import { compareWeights, packageWeight } from './quantities.ts';
import { activeLink } from './receipt-link.ts';
import type { TransferRules } from './rules.ts';
import type { AmendBody, TransferContent } from './schemas.ts';
import { advance, patched, recorded, refuse } from './transfer.ts';
import type {
  Change,
  DraftContext,
  DriverSnapshot,
  Manifest,
  PartiesSnapshot,
  PartySnapshot,
  Result,
  Transfer,
  TransitionContext,
  VehicleSnapshot,
} from './transfer.ts';

/** What the draft's ids resolved to when manifesting; an id that resolved to nothing (unknown, deactivated) is left out. */
export interface ManifestParties {
  readonly shipper: PartySnapshot;
  readonly receiver?: PartySnapshot;
  readonly transporter?: PartySnapshot;
  readonly drivers: readonly DriverSnapshot[];
  readonly vehicle?: VehicleSnapshot;
}

export interface ManifestContext extends DraftContext {
  /** Allocated by the caller: unique and sequential per shipper. */
  readonly manifestNumber: string;
}

const required = (pointer: string, what: string): FieldProblem => ({
  pointer,
  code: 'required-to-manifest',
  message: `${what} is required to manifest`,
});

/** The type code of an OCM license number (`OCM-DIST-24-000114` → `DIST`). */
export const licenseTypeOf = (licenseNumber: string): string | undefined =>
  /^OCM-([A-Z]+)-/.exec(licenseNumber.trim().toUpperCase())?.[1];

/** Same tenant, or same OCM license number (site suffix included: another site is other premises). */
export const isSameLicensee = (a: PartySnapshot, b: PartySnapshot): boolean =>
  (a.licenseeId !== undefined && a.licenseeId === b.licenseeId) ||
  a.licenseNumber.trim().toUpperCase() === b.licenseNumber.trim().toUpperCase();

export function manifest(
  transfer: Transfer,
  parties: ManifestParties,
  context: ManifestContext,
): Result<Change & { readonly warnings: readonly FieldProblem[] }> {
  const allowed = checkTransition(transfer.status, 'manifest');
  if (!allowed.ok) return allowed;
  const { content } = transfer;
  const problems = [
    ...partyProblems(transfer, parties),
    ...crewProblems(content, parties, context.rules),
    ...paperworkProblems(content),
    ...timingProblems(content, context),
    ...draftProblems(content, context.rules, context.shipperTags),
    ...finishedGoodsProblems(content, parties, context),
  ];
  const { receiver, vehicle } = parties;
  // A missing receiver or vehicle is always among the problems; the test narrows their types.
  if (problems.length > 0 || !receiver || !vehicle) return refuse(problems);

  const issued = issue(
    { number: context.manifestNumber, version: 1, content, parties: { shipper: parties.shipper, receiver, transporter: parties.transporter, drivers: parties.drivers, vehicle } },
    context,
  );
  const changed = advance(
    transfer,
    { action: 'manifest', to: 'MANIFESTED', payload: issued.document, summary: `Manifest ${context.manifestNumber} issued` },
    { manifest: issued.manifest },
    context,
  );
  return { ...changed, warnings: packageWeightWarnings(content, context.rules) };
}

/** What the crew and the vehicle resolved to for an amendment: the shipper and receiver stay as issued. */
export type AmendmentParties = Pick<ManifestParties, 'transporter' | 'drivers' | 'vehicle'>;

/**
 * A correction before departure (another driver or vehicle, new times, route, layover, carrier, tax
 * payer or invoice numbers): a new version of the same manifest number, checked as the first was.
 * The version it replaces is kept whole in the history. Lines and receiver never change: that is a
 * void and a new transfer.
 */
export function amend(transfer: Transfer, patch: AmendBody, parties: AmendmentParties, context: DraftContext): Result<Change> {
  const allowed = checkTransition(transfer.status, 'amend');
  if (!allowed.ok) return allowed;
  const current = recorded(transfer.manifest, transfer, 'manifest');
  const content = patched(transfer.content, patch);
  const shipper = current.parties.shipper;
  const amended: Transfer = { ...transfer, content };
  const problems = [
    ...partyProblems(amended, { shipper, receiver: current.parties.receiver, ...(parties.transporter ? { transporter: parties.transporter } : {}), drivers: parties.drivers }),
    ...crewProblems(content, { shipper, ...parties }, context.rules),
    ...paperworkProblems(content),
    ...timingProblems(content, context),
    ...draftProblems(content, context.rules, context.shipperTags),
  ];
  const { vehicle } = parties;
  if (problems.length > 0 || !vehicle) return refuse(problems);

  const issued = issue(
    {
      number: current.number,
      version: current.version + 1,
      content,
      parties: { shipper, receiver: current.parties.receiver, transporter: parties.transporter, drivers: parties.drivers, vehicle },
      // Once the state's number is printed, every later version prints it too.
      stateManifestNumber: current.stateManifestNumber,
    },
    context,
  );
  const { lines: _lines, ...terms } = transfer.content;
  return advance(
    transfer,
    {
      action: 'amend',
      to: 'MANIFESTED',
      payload: { patch, document: issued.document },
      summary: `Manifest ${current.number} amended to version ${issued.manifest.version}: ${Object.keys(patch).join(', ')}`,
    },
    { content, manifest: issued.manifest, manifestHistory: [...(transfer.manifestHistory ?? []), { manifest: current, terms }] },
    context,
  );
}

/** What a state-numbered change did: a new version prints the number, or the transfer records it without one. */
export type StateNumbering = { readonly kind: 'unchanged' } | ({ readonly kind: 'new-version' | 'recorded' } & Change);

/**
 * The state system filed the manifest under its own number (BioTrack's manifest id once the report
 * succeeds, Metrc's number once a person registers it). Before departure the hub issues version
 * N+1 with the same content and parties that prints the number, so the driver's paper and the
 * inspector's check name it; after departure the paper is on the road, so the number is only
 * recorded on the transfer. Owes the state system nothing, and is no amendment of the shipper's.
 * Unchanged when the hub already holds that number.
 */
export function recordStateManifestNumber(transfer: Transfer, stateManifestNumber: string, context: TransitionContext): Result<StateNumbering> {
  const current = transfer.manifest;
  const stateNumber = stateManifestNumber.trim();
  if (!current) return refuse([{ pointer: '', code: 'not-manifested', message: 'Only a manifested transfer has a manifest the state system can number' }]);
  if (stateNumber === '') return refuse([{ pointer: '', code: 'state-manifest-number-empty', message: "The state system's manifest number is empty" }]);
  const reissue = transfer.status === 'MANIFESTED' && !transfer.origin;
  const known = reissue ? current.stateManifestNumber : transfer.stateManifestNumber;
  if (known === stateNumber) return { ok: true, kind: 'unchanged' };
  const said = `The state system recorded manifest ${current.number} as ${stateNumber}`;
  if (!reissue) {
    const recorded = advance(
      transfer,
      { action: 'record-state-manifest-number', to: transfer.status, payload: { stateManifestNumber: stateNumber }, summary: `${said}; ${whyNoNewVersion(transfer)}` },
      { stateManifestNumber: stateNumber },
      context,
    );
    return { ...recorded, kind: 'recorded' };
  }
  const issued = issue({ number: current.number, version: current.version + 1, content: transfer.content, parties: { ...current.parties, transporter: current.parties.transporter }, stateManifestNumber: stateNumber }, context);
  // The link the receiver holds stays the one of record; this version issues none.
  const linkId = activeLink(transfer)?.linkId;
  const manifest: Manifest = { ...issued.manifest, onlyAddsStateNumber: true, ...(linkId ? { receiptLinkId: linkId } : {}) };
  const { lines: _lines, ...terms } = transfer.content;
  const numbered = advance(
    transfer,
    {
      action: 'record-state-manifest-number',
      to: 'MANIFESTED',
      payload: { stateManifestNumber: stateNumber, document: issued.document },
      summary: `${said}; version ${manifest.version} carries its number`,
    },
    { manifest, manifestHistory: [...(transfer.manifestHistory ?? []), { manifest: current, terms }], stateManifestNumber: stateNumber },
    context,
  );
  return { ...numbered, kind: 'new-version' };
}

function whyNoNewVersion(transfer: Transfer): string {
  if (transfer.origin) return "the manifest is the shipper's own paper, so the hub issues no version of it";
  if (transfer.status === 'VOIDED') return 'the manifest is void, so no new version was issued';
  return `the shipment had left (${transfer.status.toLowerCase().replace(/_/g, ' ')}), so no new version was issued: the paper on the road names the hub's number only`;
}

/** Freezes a manifest version: the snapshot of who is involved, and the hash of what it says. */
function issue(
  input: {
    readonly number: string;
    readonly version: number;
    readonly content: TransferContent;
    readonly parties: Omit<PartiesSnapshot, 'transporter'> & { readonly transporter: PartySnapshot | undefined };
    readonly stateManifestNumber?: string | undefined;
  },
  context: TransitionContext,
): { readonly manifest: Manifest; readonly document: object } {
  const { content, parties, stateManifestNumber } = input;
  const snapshot: PartiesSnapshot = {
    shipper: parties.shipper,
    receiver: parties.receiver,
    ...(content.transporterPartnerId !== undefined && parties.transporter ? { transporter: parties.transporter } : {}),
    // In the order the draft lists them.
    drivers: (content.driverIds ?? []).flatMap((id) => parties.drivers.find((driver) => driver.driverId === id) ?? []),
    vehicle: parties.vehicle,
  };
  const manifestedAt = context.now.toISOString();
  // The state's number is printed, so the hash vouches for it; absent, the hash is as it always was.
  const stateNumber = stateManifestNumber ? { stateManifestNumber } : {};
  const document = { number: input.number, version: input.version, manifestedAt, content, parties: snapshot, ...stateNumber };
  return {
    manifest: { number: input.number, version: input.version, manifestedAt, contentHash: payloadHash(document), parties: snapshot, ...stateNumber },
    document,
  };
}

function partyProblems(transfer: Transfer, parties: ManifestParties): FieldProblem[] {
  const { shipper, receiver, transporter } = parties;
  const problems: FieldProblem[] = [];
  if (shipper.stateAccessLost) {
    problems.push({
      pointer: '',
      code: 'state-access-lost',
      message: 'The shipper has lost access to the state tracking system and may not send transfers until access returns',
    });
  }
  if (!receiver) {
    problems.push({ pointer: '/receiverPartnerId', code: 'unknown-partner', message: 'No active partner with this id is on file' });
  } else {
    if (receiver.stateAccessLost) {
      problems.push({
        pointer: '/receiverPartnerId',
        code: 'state-access-lost',
        message: 'The receiver has lost access to the state tracking system and may not receive transfers until access returns',
      });
    }
    if (isSameLicensee(shipper, receiver)) {
      problems.push({ pointer: '/receiverPartnerId', code: 'shipper-is-receiver', message: 'The receiver must be another licensee than the shipper' });
    }
    const returnTo = transfer.returnOf?.shipperLicenseNumber;
    if (returnTo !== undefined && receiver.licenseNumber.trim().toUpperCase() !== returnTo.trim().toUpperCase()) {
      problems.push({
        pointer: '/receiverPartnerId',
        code: 'return-to-original-shipper',
        message: `A return goes back to the original shipper (${returnTo})`,
      });
    }
  }
  if (transfer.content.transporterPartnerId !== undefined && !transporter) {
    problems.push({ pointer: '/transporterPartnerId', code: 'unknown-partner', message: 'No active partner with this id is on file' });
  }
  return problems;
}

function crewProblems(content: TransferContent, parties: ManifestParties, rules: TransferRules): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (content.driverIds === undefined) problems.push(required('/driverIds', 'At least one driver'));
  content.driverIds?.forEach((id, index) => {
    if (!parties.drivers.some((driver) => driver.driverId === id)) {
      problems.push({ pointer: `/driverIds/${index}`, code: 'unknown-driver', message: 'No active driver with this id is on file' });
    }
  });
  if (content.vehicleId === undefined) {
    problems.push(required('/vehicleId', 'A vehicle'));
  } else if (!parties.vehicle) {
    problems.push({ pointer: '/vehicleId', code: 'unknown-vehicle', message: 'No active vehicle with this id is on file' });
  } else if (rules.plateUnlessBicycle.enabled && parties.vehicle.conveyance !== 'bicycle' && !parties.vehicle.plate) {
    problems.push({ pointer: '/vehicleId', code: 'plate-required', message: 'This vehicle has no plate on file: only a bicycle may travel without one' });
  }
  return problems;
}

function paperworkProblems(content: TransferContent): FieldProblem[] {
  return [
    ...(content.taxPayer === undefined ? [required('/taxPayer', 'Who pays the cannabis tax (or taxPaid: true)')] : []),
    ...(content.plannedRoute === undefined ? [required('/plannedRoute', 'The planned route')] : []),
  ];
}

function timingProblems(content: TransferContent, context: TransitionContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (content.estimatedDeparture === undefined) {
    problems.push(required('/estimatedDeparture', 'The estimated departure'));
  } else if (
    context.rules.departureNotInPast.enabled &&
    Date.parse(content.estimatedDeparture) < context.now.getTime() - context.rules.clockSkewMs
  ) {
    problems.push({
      pointer: '/estimatedDeparture',
      code: 'departure-in-past',
      message: 'The estimated departure has passed: set the time the shipment will actually leave',
    });
  }
  if (content.estimatedArrival === undefined) problems.push(required('/estimatedArrival', 'The estimated arrival'));
  return problems;
}

/** Metrc NY, 2026: distributor → dispensary packages must be finished goods with a passed lab test. */
function finishedGoodsProblems(content: TransferContent, parties: ManifestParties, context: ManifestContext): FieldProblem[] {
  const rule = context.rules.finishedGoodsToDispensary;
  const shipperType = licenseTypeOf(parties.shipper.licenseNumber);
  const receiverType = parties.receiver && licenseTypeOf(parties.receiver.licenseNumber);
  const applies =
    rule.enabled &&
    context.now.getTime() >= Date.parse(rule.effectiveFrom) &&
    shipperType !== undefined &&
    rule.shipperLicenseTypes.includes(shipperType) &&
    receiverType !== undefined &&
    rule.receiverLicenseTypes.includes(receiverType);
  if (!applies) return [];
  return content.lines.flatMap((line, index) => [
    ...(line.finishedGoods
      ? []
      : [{ pointer: `/lines/${index}/finishedGoods`, code: 'finished-goods-required', message: 'A distributor may send a dispensary finished goods only' }]),
    ...(line.labTestStatus === 'passed'
      ? []
      : [{ pointer: `/lines/${index}/labTestStatus`, code: 'passed-lab-test-required', message: 'A distributor may send a dispensary only packages that passed their lab test' }]),
  ]);
}

/** Practice: one package tag covers one container of about 100 lb at most. Warned, never refused. */
export function packageWeightWarnings(content: TransferContent, rules: TransferRules): FieldProblem[] {
  const rule = rules.packageWeightWarning;
  if (!rule.enabled) return [];
  const limit = { value: rule.maxPounds, unit: 'lb' } as const;
  return content.lines.flatMap((line, index) => {
    const measured = packageWeight(line);
    return measured && compareWeights(measured.weight, limit) > 0
      ? [{
          pointer: jsonPointer(['lines', index, measured.field]),
          code: 'package-over-weight',
          message: `Over ${rule.maxPounds} lb in one package: one tag usually covers one container of at most about ${rule.maxPounds} lb`,
        }]
      : [];
  });
}
