/**
 * The Metrc (New York) adapter (docs/metrc.md §2): the API pushes a transfer template and a person
 * registers it in Metrc's web app, where Metrc issues its manifest number; departure, arrival and
 * the receipt happen there too. So the adapter pushes (and amends or archives) the template, tells
 * the hub what the person must do, and reads everything else back: it polls the outgoing and
 * incoming lists in overlapping lastModified windows, matches a registration to our template by
 * `OriginatingTemplateId` (falling back to our name, then to recipient and packages), and reports
 * each step it sees once. Metrc has no idempotency key: a push whose answer was lost is found again
 * by its name in the template list, never pushed twice.
 */
import type { ObservedLine, ObservedPackage, StateObservation } from '../../domain/reconciliation/observation.ts';
import type { Unit } from '../../domain/transfer/index.ts';
import { DEFAULT_STATE_USER } from '../connections.ts';
import type { ConnectionStore } from '../connections.ts';
import { PersonStepRequired, StateSystemError } from '../port.ts';
import type {
  InboundTransfer,
  KeepStateRefs,
  LineCheck,
  LineCheckShipment,
  ManifestReport,
  ObservationBatch,
  Observed,
  PersonTask,
  ReportedLine,
  StateAccount,
  StatePackage,
  StatePackagePage,
  StatePackageQuery,
  StateTrackingSystem,
  WatchedTransfer,
} from '../port.ts';
import { metrcSystem } from './capabilities.ts';
import { defaultBudget, GetBudget, metrcConnection, requestTime, windows } from './client.ts';
import type { MetrcConnection, MetrcSettings } from './client.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import { KEY_REFUSED } from './connection.ts';
import type { RowSummary } from './checkpoint.ts';
import { deliveryKey, metrcFacts, metrcRefs } from './refs.ts';
import { DEFAULT_RECEIPT_WITHIN_HOURS, metrcReceivingMenu, metrcRejectedMenu } from './receiving.ts';
import type { MetrcRefs, RegisteredLine } from './refs.ts';
import { defaultMetrcRules, ruleProblems, rulesInForce } from './rules.ts';
import type { MetrcRule, RuledPackage, RuleRequirement } from './rules.ts';
import * as schemas from './schemas.ts';
import { metrcTransporters } from './transporters.ts';

export interface MetrcDeps {
  readonly settings: MetrcSettings;
  /** Where each licensee's user key is kept, sealed (as a state user whose password is the key). */
  readonly connections: Pick<ConnectionStore, 'stateUser' | 'markRefreshFailed'>;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  /** One per process, shared by every licensee (metrc.md §1). */
  readonly budget?: GetBudget;
}

export type MetrcAdapter = StateTrackingSystem;

/** The hub's units in Metrc's words (`GET /unitsofmeasure/v2/active`). */
const uomOf: Readonly<Record<Unit, string>> = { each: 'Each', g: 'Grams', kg: 'Kilograms', oz: 'Ounces', lb: 'Pounds', mL: 'Milliliters', L: 'Liters' };
const unitOf = (name: string | null | undefined): Unit | undefined => (Object.entries(uomOf).find(([, metrc]) => metrc === name)?.[0] as Unit | undefined) ?? undefined;
const WEIGHT_UNITS: ReadonlySet<Unit> = new Set(['g', 'kg', 'oz', 'lb']);
/** Metrc's units that are not counts (`QuantityType` WeightBased or VolumeBased). */
const WEIGHT_OR_VOLUME: ReadonlySet<string> = new Set(['Grams', 'Kilograms', 'Milligrams', 'Ounces', 'Pounds', 'Milliliters', 'Liters', 'Fluid Ounces', 'Gallons', 'Pints', 'Quarts']);

const REGISTER_MENU = ['Transfers', 'Templates', 'Register'] as const;
/** [inferred] Where a registered transfer is edited or voided in Metrc's web app. */
const OUTGOING_MENU = ['Transfers', 'Licensed', 'Outgoing'] as const;
const PATHS = {
  templates: '/transfers/v2/templates/outgoing',
  outgoing: '/transfers/v2/outgoing',
  incoming: '/transfers/v2/incoming',
  types: '/transfers/v2/types',
  inTransit: '/packages/v2/intransit',
  active: '/packages/v2/active',
} as const;
/** Package lookups in flight at once when checking lines (inside the GET budget anyway). */
const CHECK_CONCURRENCY = 5;
/** Transfers without `OriginatingTemplateId` matched by recipient and packages per call: each costs two reads. */
const FALLBACK_LOOKUPS = 10;
/** Outgoing rows no watched transfer claimed, kept for a later run's watch list (bounded). */
const UNCLAIMED_MAX = 200;
const TYPES_CACHE_MS = 10 * 60_000;
const DEFAULT_LIST_CACHE_MS = 30_000;
/** Well inside the transfers function's 15 s, with room for the manifest's own work. */
const DEFAULT_PREFLIGHT_BUDGET_MS = 8_000;
/** [inferred] No New York package is older than Metrc's New York start (credentialing from November 2025). */
const DEFAULT_LIST_SINCE = '2025-11-01T00:00:00-04:00';
/** [inferred] NY production answered windows of years (metrc.md §1): the picker reads the active list in a few calls. */
const DEFAULT_LIST_WINDOW_HOURS = 366 * 24;

const notByApi = (what: string) =>
  new StateSystemError('permanent', 'NOT_BY_API', `Metrc has no API for ${what}: it happens in Metrc's web app and the hub reads it back`);

export function createMetrcAdapter(deps: MetrcDeps): MetrcAdapter {
  const { settings } = deps;
  const settleMs = settings.settleMs ?? 2 * settings.timeoutMs;
  const overlapMs = settings.overlapMinutes * 60_000;
  const budget = deps.budget ?? new GetBudget(defaultBudget);
  const typesOf = new Map<string, { readonly types: schemas.TransferTypeBody[]; readonly until: number }>();

  async function connect(account: StateAccount): Promise<MetrcConnection> {
    const stored =
      (account.actingApiKeyId ? await deps.connections.stateUser(account.licenseeId, metrcSystem, account.actingApiKeyId) : undefined) ??
      (await deps.connections.stateUser(account.licenseeId, metrcSystem, DEFAULT_STATE_USER));
    if (!stored) throw new StateSystemError('consent-expired', 'NOT_CONNECTED', 'No Metrc user key is stored for this license: the license admin must create one in Metrc and enter it in the hub');
    const onRevoked = () => deps.connections.markRefreshFailed(account.licenseeId, metrcSystem, deps.now().toISOString(), KEY_REFUSED);
    return metrcConnection({ settings, fetch: deps.fetch, budget, userKey: stored.password, license: account.stateLicenseNumber, now: deps.now, onRevoked });
  }

  const at = (account: StateAccount) => ({ licenseNumber: account.stateLicenseNumber });

  async function transferType(metrc: MetrcConnection, account: StateAccount): Promise<schemas.TransferTypeBody> {
    const cached = typesOf.get(account.stateLicenseNumber);
    const types = cached && cached.until > Date.now() ? cached.types : await metrc.all(PATHS.types, at(account), schemas.transferType);
    typesOf.set(account.stateLicenseNumber, { types, until: cached && cached.until > Date.now() ? cached.until : Date.now() + TYPES_CACHE_MS });
    const licensed = types.filter((type) => type.ForLicensedShipments);
    const chosen = licensed.find((type) => type.Name === settings.transferTypeName) ?? licensed[0];
    if (!chosen) throw new StateSystemError('permanent', 'NO_TRANSFER_TYPE', `Facility ${account.stateLicenseNumber} has no Metrc transfer type for licensed shipments`);
    return chosen;
  }

  /** The template body (metrc.md §3): one destination, one transporter leg carrying the first driver, the others as details. */
  async function templateBody(metrc: MetrcConnection, account: StateAccount, report: ManifestReport, name: string) {
    const type = await transferType(metrc, account);
    const [driver, ...others] = report.drivers;
    if (!driver) throw new StateSystemError('permanent', 'NO_DRIVER', 'Metrc requires a driver on every transporter leg');
    const departure = requestTime(report.estimatedDeparture, settings.timeZone);
    const arrival = requestTime(report.estimatedArrival, settings.timeZone);
    const vehicle = { VehicleMake: report.vehicle.make, VehicleModel: report.vehicle.model, VehicleLicensePlateNumber: report.vehicle.plate ?? null };
    return {
      Name: name,
      // As Metrc's own example: the header's transporter fields null, each leg carries its own.
      TransporterFacilityLicenseNumber: null,
      DriverOccupationalLicenseNumber: null,
      DriverName: null,
      DriverLicenseNumber: null,
      PhoneNumberForQuestions: null,
      VehicleMake: null,
      VehicleModel: null,
      VehicleLicensePlateNumber: null,
      Destinations: [
        {
          RecipientLicenseNumber: report.receiver.stateLicenseNumber,
          InvoiceNumber: report.manifestNumber,
          TransferTypeName: type.Name,
          PlannedRoute: report.route,
          EstimatedDepartureDateTime: departure,
          EstimatedArrivalDateTime: arrival,
          Transporters: [
            {
              TransporterFacilityLicenseNumber: report.transporter?.stateLicenseNumber ?? account.stateLicenseNumber,
              DriverOccupationalLicenseNumber: null,
              DriverName: driver.name,
              DriverLicenseNumber: driver.driversLicenseNumber,
              DriverLayoverLeg: null,
              PhoneNumberForQuestions: null,
              ...vehicle,
              // [placement inferred] only when the type requires it; the plate is what identifies a NY registration.
              ...(type.RequiresVehicleRegistrationNumber ? { VehicleRegistrationNumber: report.vehicle.plate ?? report.vehicle.vin ?? null } : {}),
              IsLayover: false,
              EstimatedDepartureDateTime: departure,
              EstimatedArrivalDateTime: arrival,
              TransporterDetails: others.map((extra) => ({ DriverOccupationalLicenseNumber: null, DriverName: extra.name, DriverLicenseNumber: extra.driversLicenseNumber, DriverLayoverLeg: null, ...vehicle })),
            },
          ],
          Packages: report.lines.map((line) => ({
            PackageLabel: line.tag,
            // [inferred] Metrc's wholesale price is the package's, not the unit's.
            WholesalePrice: Math.round(line.unitPrice * line.quantity * 100) / 100,
            ...grossWeight(type, line),
          })),
        },
      ],
    };
  }

  /** [inferred] The hub knows net quantities only: a weight-based package's gross weight is at least its net weight. */
  function grossWeight(type: schemas.TransferTypeBody, line: ReportedLine) {
    if (!type.RequiresPackagesGrossWeight) return { GrossWeight: null, GrossUnitOfWeightName: null };
    if (!WEIGHT_UNITS.has(line.unit)) {
      throw new StateSystemError('permanent', 'GROSS_WEIGHT_UNKNOWN', `Transfer type ${type.Name} requires a gross weight for package ${line.tag}, which the hub tracks by count`);
    }
    return { GrossWeight: line.quantity, GrossUnitOfWeightName: uomOf[line.unit] };
  }

  /** Our templates (active ones: Metrc lists no archived template) changed since `from`, by name. */
  async function templateNamed(metrc: MetrcConnection, account: StateAccount, name: string, from: number): Promise<number | undefined> {
    const rows = await metrc.windowed(PATHS.templates, at(account), schemas.transferRow, from - overlapMs, deps.now().getTime() + overlapMs);
    return rows.find((row) => row.Name === name)?.Id;
  }

  /** Before pushing again what an unanswered try may still be committing: find it, or wait out its settle window. */
  async function earlierPush(metrc: MetrcConnection, account: StateAccount, name: string): Promise<number | undefined> {
    if (!account.retry && !account.unsettledSince) return undefined;
    const now = deps.now().getTime();
    const from = account.unsettledSince ? Date.parse(account.unsettledSince) : now - settings.lookbackHours * 3_600_000;
    const found = await templateNamed(metrc, account, name, from);
    if (found !== undefined || !account.unsettledSince) return found;
    const left = Date.parse(account.unsettledSince) + settleMs - now;
    if (left > 0) {
      throw new StateSystemError('transient', 'UNSETTLED', `An unanswered earlier push may still be recorded by Metrc: looking again in ${Math.ceil(left / 1000)} s`, {
        retryAfterMs: left,
        unsettledSince: account.unsettledSince,
      });
    }
    return undefined;
  }

  const registerTask = (account: StateAccount, templateId: number, name: string, deadline: string): PersonTask => ({
    action: `Register template ${name}`,
    where: settings.registerLink
      ? { link: settings.registerLink.replace('{license}', encodeURIComponent(account.stateLicenseNumber)).replace('{templateId}', String(templateId)) }
      : { menuPath: REGISTER_MENU },
    resultKey: name,
    deadline,
  });

  /** A registered transfer changes only in Metrc's web app: the person's step, named by Metrc's manifest number. */
  const registeredStep = (what: 'Edit' | 'Void', manifestNumber: string, deadline: string) =>
    new PersonStepRequired({ action: `${what} transfer ${manifestNumber}`, where: { menuPath: OUTGOING_MENU }, resultKey: manifestNumber, deadline });

  /** The registered transfer made from our template, if a person has registered it (looked up from the template's day on). */
  async function registrationOf(metrc: MetrcConnection, account: StateAccount, refs: MetrcRefs): Promise<schemas.TransferRowBody | undefined> {
    if (refs.templateId === undefined) return undefined;
    const from = refs.templateCreatedAt ? Date.parse(refs.templateCreatedAt) : deps.now().getTime() - settings.lookbackHours * 3_600_000;
    const rows = await metrc.windowed(PATHS.outgoing, at(account), schemas.transferRow, from - overlapMs, deps.now().getTime() + overlapMs);
    return rows.find((row) => row.OriginatingTemplateId === refs.templateId || (refs.templateName !== undefined && row.Name === refs.templateName));
  }

  async function registered(metrc: MetrcConnection, account: StateAccount, refs: MetrcRefs): Promise<string | undefined> {
    if (refs.manifestNumber) return refs.manifestNumber;
    const row = await registrationOf(metrc, account, refs);
    return row ? (row.ManifestNumber ?? String(row.Id)) : undefined;
  }

  // ---- pre-flight ----

  async function packagesInTransit(metrc: MetrcConnection, account: StateAccount): Promise<Set<string>> {
    const now = deps.now().getTime();
    const rows = await metrc.windowed(PATHS.inTransit, at(account), schemas.packageOne, now - settings.lookbackHours * 3_600_000, now + overlapMs);
    return new Set(rows.map((row) => row.Label.toUpperCase()));
  }

  async function heldPackage(metrc: MetrcConnection, account: StateAccount, tag: string): Promise<schemas.PackageBody | undefined> {
    try {
      return await metrc.call({ method: 'GET', path: `/packages/v2/${encodeURIComponent(tag)}`, query: at(account) }, schemas.packageOne);
    } catch (error) {
      // With a working key, Metrc's 401 on a label is "not at this facility".
      if (error instanceof StateSystemError && error.code === 'UNAUTHORIZED') return undefined;
      throw error;
    }
  }

  /** Why Metrc will not let the package move at all, in plain words; none when it may. */
  function unavailability(tag: string, pkg: schemas.PackageBody, inTransit: ReadonlySet<string>): string | undefined {
    if (pkg.IsFinished || pkg.ArchivedDate) return `Metrc shows package ${tag} as not active (finished or archived): it cannot be transferred. Take it off this transfer.`;
    if (pkg.IsOnRecall || pkg.IsOnRecallCombined || pkg.IsOnInvestigationRecall) return `Metrc shows package ${tag} on recall: it cannot be transferred until the recall is lifted in Metrc. Take it off this transfer.`;
    if (pkg.IsOnHold || pkg.IsOnHoldCombined || pkg.IsOnInvestigationHold) return `Metrc shows package ${tag} on hold: it cannot be transferred until the hold is released in Metrc. Take it off this transfer, or release the hold first.`;
    if (inTransit.has(pkg.Label.toUpperCase())) return `Metrc shows package ${tag} already in transit on another transfer: it can travel on one at a time. Take it off this transfer.`;
    return undefined;
  }

  const ruled = (pkg: schemas.PackageBody): RuledPackage => ({
    label: pkg.Label.toUpperCase(),
    isFinishedGood: pkg.IsFinishedGood === true,
    labTestingState: pkg.LabTestingState ?? 'NotSubmitted',
    retailIdCount: pkg.ProductLabel?.QrCount ?? 0,
    quantity: pkg.Quantity,
    countBased: !WEIGHT_OR_VOLUME.has(pkg.UnitOfMeasureName),
  });

  const shipmentWords = (shipment: LineCheckShipment) => `a shipment from ${shipment.shipperLicenseType ?? 'this license'} to ${shipment.receiverLicenseType ?? 'this receiver'}`;

  const RULE_FIELDS: Readonly<Record<RuleRequirement, { readonly field: LineCheck['field']; readonly code: LineCheck['code'] }>> = {
    'finished-good': { field: 'finishedGoods', code: 'not-finished-at-state' },
    'lab-passed': { field: 'labTestStatus', code: 'lab-test-not-passed-at-state' },
    'retail-ids': { field: 'tag', code: 'retail-ids-missing-at-state' },
  };

  function lineProblems(
    index: number,
    line: ReportedLine,
    held: schemas.PackageBody | undefined,
    inTransit: ReadonlySet<string>,
    rules: readonly MetrcRule[],
    shipment: LineCheckShipment,
  ): LineCheck[] {
    const problem = (field: LineCheck['field'], code: LineCheck['code'], message: string): LineCheck => ({ line: index, field, code, message });
    if (!held) {
      return [problem('tag', 'not-at-state', `Metrc: "Package ${line.tag} does not exist in the current Facility." No package with this tag is at this license's facility in Metrc: check the tag, or pick the package from the license's packages.`)];
    }
    const unavailable = unavailability(line.tag, held, inTransit);
    if (unavailable) return [problem('tag', 'unavailable-at-state', unavailable)];
    const problems: LineCheck[] = [];
    const unit = uomOf[line.unit];
    const held$ = `${held.Quantity} ${held.UnitOfMeasureName}`;
    if (held.UnitOfMeasureName !== unit) {
      problems.push(problem('unit', 'unit-differs', `Metrc tracks package ${line.tag} in ${held.UnitOfMeasureName}, not in ${unit}: draft it in ${unitOf(held.UnitOfMeasureName) ?? held.UnitOfMeasureName} (it holds ${held$}).`));
    } else if (line.quantity > held.Quantity) {
      problems.push(problem('quantity', 'more-than-state-holds', `Metrc shows package ${line.tag} holding only ${held$}: draft at most that much, or correct the package in Metrc first.`));
    } else if (line.quantity < held.Quantity) {
      problems.push(problem('quantity', 'whole-package-only', `Metrc transfers whole packages: package ${line.tag} holds ${held$}; ship all of it, or split it into a new package in Metrc first.`));
    }
    for (const found of ruleProblems(rules, ruled(held), shipmentWords(shipment))) {
      const { field, code } = RULE_FIELDS[found.requires];
      problems.push(problem(field, code, found.message));
    }
    return problems;
  }

  /** What the transfer type templates use asks for that the hub cannot give for this shipment (metrc.md §3: `Requires*`). */
  function typeProblems(type: schemas.TransferTypeBody, lines: readonly ReportedLine[], shipment: LineCheckShipment): LineCheck[] {
    const problems: LineCheck[] = [];
    if (type.RequiresPackagesGrossWeight) {
      lines.forEach((line, index) => {
        if (WEIGHT_UNITS.has(line.unit)) return;
        problems.push({
          line: index,
          field: 'unit',
          code: 'required-by-state',
          message: `Metrc's transfer type ${type.Name} requires a gross weight for every package, and the hub knows weights only of packages tracked by weight: package ${line.tag} is counted in ${uomOf[line.unit]}. Ask the hub's operator for another transfer type, or ship it on a transfer of its own.`,
        });
      });
    }
    // The template carries neither a destination's gross weight nor a document: a type that asks for one cannot be met.
    const unmet = [type.RequiresDestinationGrossWeight ? 'a gross weight for the whole destination' : undefined, type.RequiresPDFDocument ? 'a PDF document' : undefined].filter(Boolean);
    if (unmet.length > 0) {
      problems.push({
        field: '',
        code: 'required-by-state',
        message: `Metrc's transfer type ${type.Name} requires ${unmet.join(' and ')}, which the hub does not send: ask the hub's operator to use another transfer type (METRC_TRANSFER_TYPE), or register this transfer in Metrc by hand.`,
      });
    }
    if (type.RequiresVehicleRegistrationNumber && shipment.vehicle && !shipment.vehicle.plate && !shipment.vehicle.vin) {
      problems.push({
        field: 'vehicleId',
        code: 'required-by-state',
        message: `Metrc's transfer type ${type.Name} requires the vehicle's registration number: give the vehicle a plate or a VIN in the registry, or choose another vehicle.`,
      });
    }
    return problems;
  }

  async function checkLines(account: StateAccount, lines: readonly ReportedLine[], shipment: LineCheckShipment = {}): Promise<LineCheck[]> {
    try {
      const metrc = await connect(account);
      // Lines not looked up within the budget are not refused: the manifest must answer within its function's time,
      // and what Metrc would refuse of them the submission meets (a large transfer against a slow Metrc).
      const until = Date.now() + (settings.preflightBudgetMs ?? DEFAULT_PREFLIGHT_BUDGET_MS);
      const held: (schemas.PackageBody | undefined)[] = [];
      for (let start = 0; start < lines.length && Date.now() < until; start += CHECK_CONCURRENCY) {
        held.push(...(await Promise.all(lines.slice(start, start + CHECK_CONCURRENCY).map((line) => heldPackage(metrc, account, line.tag)))));
      }
      const checked = lines.slice(0, held.length);
      const inTransit = held.some(Boolean) ? await packagesInTransit(metrc, account) : new Set<string>();
      const rules = rulesInForce(settings.rules ?? defaultMetrcRules, deps.now(), settings.timeZone, shipment);
      const type = await transferType(metrc, account);
      return [
        ...checked.flatMap((line, index) => lineProblems(index, line, held[index], inTransit, rules, shipment)),
        ...typeProblems(type, lines, shipment),
      ];
    } catch (error) {
      // Not reachable or not connected now: the manifest goes ahead; its submission meets what is wrong.
      if (error instanceof StateSystemError) return [];
      throw error;
    }
  }

  // ---- the package picker ----

  const listCacheMs = settings.packageListCacheMs ?? DEFAULT_LIST_CACHE_MS;
  const activeOf = new Map<string, { readonly rows: Promise<schemas.PackageBody[]>; readonly until: number }>();

  /** Every active package of the facility, read to the end in windows; reused briefly so a picker's typing costs no GETs. */
  function activePackages(metrc: MetrcConnection, account: StateAccount): Promise<schemas.PackageBody[]> {
    const cached = activeOf.get(account.stateLicenseNumber);
    if (cached && cached.until > Date.now()) return cached.rows;
    const now = deps.now().getTime();
    const rows = (async () => {
      const read = await metrc.windowed(PATHS.active, at(account), schemas.packageOne, Date.parse(settings.packageListSince ?? DEFAULT_LIST_SINCE), now + overlapMs, settings.packageListWindowHours ?? DEFAULT_LIST_WINDOW_HOURS);
      // A package changed during the read may come twice: the later row wins.
      return [...new Map(read.map((row) => [row.Label.toUpperCase(), row])).values()].sort((a, b) => a.Label.toUpperCase().localeCompare(b.Label.toUpperCase()));
    })();
    activeOf.set(account.stateLicenseNumber, { rows, until: Date.now() + listCacheMs });
    // A failed read is not kept: the next call tries again.
    rows.catch(() => activeOf.delete(account.stateLicenseNumber));
    return rows;
  }

  const LAB_TESTS: Readonly<Record<string, StatePackage['labTest']>> = {
    TestPassed: 'passed',
    RetestPassed: 'passed',
    TestFailed: 'failed',
    RetestFailed: 'failed',
    SubmittedForTesting: 'pending',
    NotSubmitted: 'not-submitted',
  };

  function pickerRow(pkg: schemas.PackageBody, dispensaryRules: readonly MetrcRule[], shipment: LineCheckShipment): StatePackage {
    const tag = pkg.Label.toUpperCase();
    const unavailable = unavailability(tag, pkg, new Set());
    const reasons = [...(unavailable ? [unavailable] : []), ...ruleProblems(dispensaryRules, ruled(pkg), shipmentWords(shipment)).map((found) => found.message)];
    return {
      tag,
      productName: pkg.Item?.Name ?? tag,
      ...(pkg.Item?.ProductCategoryName ? { category: pkg.Item.ProductCategoryName } : {}),
      quantity: pkg.Quantity,
      unit: unitOf(pkg.UnitOfMeasureName) ?? pkg.UnitOfMeasureName,
      labTest: LAB_TESTS[pkg.LabTestingState ?? 'NotSubmitted'] ?? 'other',
      ...(pkg.LabTestingState ? { labTestState: pkg.LabTestingState } : {}),
      finishedGood: pkg.IsFinishedGood === true,
      toDispensary: { allowed: reasons.length === 0, reasons },
    };
  }

  async function listPackages(account: StateAccount, query: StatePackageQuery): Promise<StatePackagePage> {
    const metrc = await connect(account);
    const rows = await activePackages(metrc, account);
    const search = query.search?.trim().toUpperCase();
    const matching = rows.filter(
      (pkg) => (query.afterTag === undefined || pkg.Label.toUpperCase() > query.afterTag) && (!search || pkg.Label.toUpperCase().includes(search) || (pkg.Item?.Name ?? '').toUpperCase().includes(search)),
    );
    const shipment = query.dispensaryShipment ?? {};
    const rules = rulesInForce(settings.rules ?? defaultMetrcRules, deps.now(), settings.timeZone, shipment);
    return { items: matching.slice(0, query.limit).map((pkg) => pickerRow(pkg, rules, shipment)), more: matching.length > query.limit };
  }

  // ---- observation ----

  /** A transfer's destinations and their packages, as Metrc shows them now. */
  async function contentsOf(metrc: MetrcConnection, transferId: number) {
    const deliveries = await metrc.all(`/transfers/v2/${transferId}/deliveries`, {}, schemas.delivery);
    const packages = new Map<number, schemas.DeliveryPackageBody[]>();
    for (const delivery of deliveries) packages.set(delivery.Id, await metrc.all(`/transfers/v2/deliveries/${delivery.Id}/packages`, {}, schemas.deliveryPackage));
    return { deliveries, packages };
  }

  const shippedLines = (packages: Iterable<schemas.DeliveryPackageBody[]>): RegisteredLine[] =>
    [...packages].flat().map((pkg) => ({ tag: pkg.PackageLabel.toUpperCase(), quantity: pkg.ShippedQuantity }));

  const observedLines = (packages: Iterable<schemas.DeliveryPackageBody[]>): ObservedLine[] =>
    [...packages].flat().map((pkg) => {
      const unit = unitOf(pkg.ShippedUnitOfMeasureName);
      return { tag: pkg.PackageLabel.toUpperCase(), quantity: pkg.ShippedQuantity, ...(unit ? { unit } : {}) };
    });

  const sameLines = (a: readonly RegisteredLine[], b: readonly RegisteredLine[]) =>
    a.length === b.length && [...a].sort((x, y) => x.tag.localeCompare(y.tag)).every((line, i) => {
      const other = [...b].sort((x, y) => x.tag.localeCompare(y.tag))[i];
      return other?.tag === line.tag && other.quantity === line.quantity;
    });

  /** Metrc's times carry their offset (`…+00:00`); the hub keeps instants as ISO UTC, so the same time compares and shows the same. */
  const instant = (value: string) => (Number.isNaN(Date.parse(value)) ? value : new Date(value).toISOString());
  const when = (value: string | null | undefined) => (value ? { at: instant(value) } : {});

  /** What one outgoing row shows about a watched transfer that the refs have not seen yet, each step once. */
  async function stepsOf(metrc: MetrcConnection, watched: WatchedTransfer, row: RowSummary): Promise<Observed[]> {
    const known = metrcRefs(watched.refs);
    if (known.transferId === row.id && known.lastModified === row.lastModified) return [];
    const { deliveries, packages } = await contentsOf(metrc, row.id);
    const lines = shippedLines(packages.values());
    const receiver = deliveries[0]?.RecipientFacilityLicenseNumber;
    const observations: StateObservation[] = [];
    const refs: MetrcRefs = {
      transferId: row.id,
      deliveryIds: deliveries.map((d) => d.Id),
      ...(row.manifestNumber ? { manifestNumber: row.manifestNumber } : {}),
      lastModified: row.lastModified,
      registeredLines: lines,
      ...(receiver ? { registeredReceiver: receiver } : {}),
    };
    if (known.transferId === undefined) {
      observations.push({
        kind: 'registered',
        ...when(row.created),
        manifestNumber: row.manifestNumber ?? String(row.id),
        ...(receiver ? { receiverLicenseNumber: receiver } : {}),
        lines: observedLines(packages.values()),
      });
    } else if ((known.registeredLines && !sameLines(known.registeredLines, lines)) || (known.registeredReceiver && receiver && known.registeredReceiver !== receiver)) {
      observations.push({ kind: 'edited', ...when(row.lastModified), ...(receiver ? { receiverLicenseNumber: receiver } : {}), lines: observedLines(packages.values()) });
    }
    const first = deliveries[0];
    if (first?.ActualDepartureDateTime && !known.departedSeen) {
      observations.push({ kind: 'departed', at: instant(first.ActualDepartureDateTime) });
      refs.departedSeen = true;
    }
    if (first?.ActualArrivalDateTime && !known.arrivedSeen) {
      observations.push({ kind: 'arrived', at: instant(first.ActualArrivalDateTime) });
      refs.arrivedSeen = true;
    }
    if (deliveries.length > 0 && deliveries.every((d) => d.ReceivedDateTime) && !known.receiptSeen) {
      const received = [...packages.values()].flat().map(receivedPackage);
      observations.push({ kind: 'received', ...when(first?.ReceivedDateTime), packages: received });
      refs.receiptSeen = true;
      if (received.some((pkg) => !pkg.accepted)) refs.rejectedSeen = true;
    }
    // Every delivery with a rejection taken back: the shipper accepted the rejected packages back in Metrc.
    const withRejection = deliveries.filter((d) => (packages.get(d.Id) ?? []).some((pkg) => pkg.ShipmentPackageState === 'Rejected' || pkg.ShipmentPackageState === 'Returned'));
    if (withRejection.length > 0 && withRejection.every((d) => d.RejectedPackagesReturned) && !known.returnSeen) {
      observations.push({ kind: 'taken-back', ...when(row.lastModified) });
      refs.returnSeen = true;
    }
    if (row.voided && !known.voidSeen) {
      observations.push({ kind: 'voided', ...when(row.lastModified) });
      refs.voidSeen = true;
    }
    // Nothing new (the row changed in a way the hub does not follow): it is read again only when it changes again.
    if (observations.length === 0) return [];
    return observations.map((observation) => ({ kind: 'watched', transferId: watched.transferId, refs, observation }));
  }

  function receivedPackage(pkg: schemas.DeliveryPackageBody): ObservedPackage {
    const accepted = pkg.ShipmentPackageState === 'Accepted';
    const unit = unitOf(pkg.ReceivedUnitOfMeasureName ?? pkg.ShippedUnitOfMeasureName);
    return { tag: pkg.PackageLabel.toUpperCase(), accepted, receivedQuantity: accepted ? (pkg.ReceivedQuantity ?? 0) : 0, ...(unit ? { unit } : {}) };
  }

  /** The outgoing row of a watched transfer: by transfer id once known, else by originating template, our name, then recipient and packages. */
  async function matchRow(metrc: MetrcConnection, refs: MetrcRefs, rows: readonly RowSummary[], claimed: ReadonlySet<number>, fallback: { left: number }): Promise<RowSummary | undefined> {
    if (refs.transferId !== undefined) return rows.find((row) => row.id === refs.transferId);
    if (refs.templateId === undefined) return undefined;
    const open = rows.filter((row) => !claimed.has(row.id));
    const direct = open.find((row) => row.templateId === refs.templateId) ?? open.find((row) => refs.templateName !== undefined && row.name === refs.templateName);
    if (direct || !refs.templateRecipient || !refs.templateLabels) return direct;
    const labels = [...refs.templateLabels].sort().join(',');
    for (const row of open.filter((candidate) => candidate.templateId === undefined && !candidate.voided)) {
      if (fallback.left <= 0) return undefined;
      fallback.left -= 1;
      const { deliveries, packages } = await contentsOf(metrc, row.id);
      const tags = shippedLines(packages.values()).map((line) => line.tag).sort().join(',');
      if (deliveries[0]?.RecipientFacilityLicenseNumber === refs.templateRecipient && tags === labels) return row;
    }
    return undefined;
  }

  const summary = (row: schemas.TransferRowBody): RowSummary => ({
    id: row.Id,
    lastModified: row.LastModified,
    ...(row.ManifestNumber ? { manifestNumber: row.ManifestNumber } : {}),
    ...(row.OriginatingTemplateId ? { templateId: row.OriginatingTemplateId } : {}),
    ...(row.Name ? { name: row.Name } : {}),
    ...(row.CreatedDateTime ? { created: row.CreatedDateTime } : {}),
    ...(row.IsVoided ? { voided: true } : {}),
  });

  async function inboundOf(metrc: MetrcConnection, row: schemas.TransferRowBody): Promise<InboundTransfer | undefined> {
    const deliveryId = row.DeliveryId;
    if (!deliveryId || !row.ManifestNumber || !row.ShipperFacilityLicenseNumber) return undefined;
    const packages = await metrc.all(`/transfers/v2/deliveries/${deliveryId}/packages`, {}, schemas.deliveryPackage);
    const crew = await metrc.all(`/transfers/v2/deliveries/${deliveryId}/transporters/details`, {}, schemas.transporterDetail);
    const vehicle = crew.find((leg) => leg.VehicleMake || leg.VehicleLicensePlateNumber);
    return {
      stateKey: deliveryKey(deliveryId),
      refs: { transferId: row.Id, deliveryIds: [deliveryId], manifestNumber: row.ManifestNumber, lastModified: row.LastModified },
      manifestNumber: row.ManifestNumber,
      shipper: { stateLicenseNumber: row.ShipperFacilityLicenseNumber, name: row.ShipperFacilityName ?? row.ShipperFacilityLicenseNumber },
      arrived: Boolean(row.ActualArrivalDateTime),
      received: Boolean(row.ReceivedDateTime),
      ...(row.EstimatedDepartureDateTime ? { estimatedDeparture: row.EstimatedDepartureDateTime } : {}),
      ...(row.EstimatedArrivalDateTime ? { estimatedArrival: row.EstimatedArrivalDateTime } : {}),
      drivers: [...new Set(crew.flatMap((leg) => (leg.DriverName ? [leg.DriverName] : [])))],
      ...(vehicle ? { vehicle: [vehicle.VehicleMake, vehicle.VehicleModel, vehicle.VehicleLicensePlateNumber].filter(Boolean).join(' ') } : {}),
      lines: packages.map((pkg) => ({
        tag: pkg.PackageLabel.toUpperCase(),
        productName: pkg.ItemName ?? pkg.PackageLabel,
        quantity: pkg.ShippedQuantity,
        unit: unitOf(pkg.ShippedUnitOfMeasureName) ?? pkg.ShippedUnitOfMeasureName,
      })),
    };
  }

  /** An incoming row kept in the checkpoint, read back as Metrc listed it. */
  function rowOf(kept: unknown): schemas.TransferRowBody[] {
    const parsed = schemas.transferRow.safeParse(kept);
    return parsed.success ? [parsed.data] : [];
  }

  /** Skips what cannot be read this time; access problems concern everything and stop the run. */
  function skippable(error: unknown): boolean {
    return error instanceof StateSystemError && error.kind !== 'consent-expired';
  }

  async function observe(account: StateAccount, checkpoint: string | undefined, watched: readonly WatchedTransfer[]): Promise<ObservationBatch> {
    const metrc = await connect(account);
    const now = deps.now().getTime();
    const since = decodeCheckpoint(checkpoint);
    const from = since.through === undefined ? now - settings.lookbackHours * 3_600_000 : Date.parse(since.through) - overlapMs;
    // The window's end reaches a little past now: Metrc's clock may run ahead of ours.
    const spans = windows(from, now + overlapMs, settings.windowHours, settings.maxWindowsPerCall);
    const through = new Date(Math.min(spans.at(-1)?.end ?? now, now)).toISOString();
    const outgoing: schemas.TransferRowBody[] = [];
    const incoming: schemas.TransferRowBody[] = [];
    for (const { start, end } of spans) {
      const window = { ...at(account), lastModifiedStart: requestTime(start, settings.timeZone), lastModifiedEnd: requestTime(end, settings.timeZone) };
      outgoing.push(...(await metrc.all(PATHS.outgoing, window, schemas.transferRow)));
      incoming.push(...(await metrc.all(PATHS.incoming, window, schemas.transferRow)));
    }

    // Rows changed now, and those an earlier run saw that no watched transfer claimed yet; the newest of each transfer wins.
    const rows = new Map<number, RowSummary>();
    for (const row of [...since.unclaimed, ...outgoing.map(summary)]) {
      const seen = rows.get(row.id);
      if (!seen || Date.parse(row.lastModified) >= Date.parse(seen.lastModified)) rows.set(row.id, row);
    }
    const candidates = [...rows.values()];
    const observed: Observed[] = [];
    const claimed = new Set<number>();
    const fallback = { left: FALLBACK_LOOKUPS };
    let skipped = 0;
    for (const transfer of watched) {
      try {
        const refs = metrcRefs(transfer.refs);
        const row = await matchRow(metrc, refs, candidates, claimed, fallback);
        if (!row) continue;
        claimed.add(row.id);
        observed.push(...(await stepsOf(metrc, transfer, row)));
      } catch (error) {
        if (!skippable(error)) throw error;
        skipped += 1;
      }
    }
    const keepAfter = now - settings.lookbackHours * 3_600_000;
    const unclaimed = candidates
      .filter((row) => !claimed.has(row.id) && Date.parse(row.lastModified) >= keepAfter)
      .sort((a, b) => Date.parse(b.lastModified) - Date.parse(a.lastModified))
      .slice(0, UNCLAIMED_MAX);

    const inbound = new Map<number, schemas.TransferRowBody>();
    for (const row of [...since.retryInbound.flatMap((kept) => rowOf(kept)), ...incoming]) if (row.DeliveryId) inbound.set(row.DeliveryId, row);
    const retryInbound: schemas.TransferRowBody[] = [];
    for (const row of inbound.values()) {
      if (row.IsVoided || row.ReceivedDateTime) continue;
      try {
        const transfer = await inboundOf(metrc, row);
        if (transfer) observed.push({ kind: 'inbound', transfer });
      } catch (error) {
        if (!skippable(error)) throw error;
        skipped += 1;
        retryInbound.push(row);
      }
    }
    return { observed, checkpoint: encodeCheckpoint({ through, unclaimed, retryInbound: retryInbound.slice(0, UNCLAIMED_MAX) }), skipped };
  }

  return {
    factsOf: metrcFacts,

    checkLines,
    listPackages,

    async reportManifest(account, report, knownRefs, keep: KeepStateRefs) {
      const known = metrcRefs(knownRefs);
      const name = known.templateName ?? `HUB-${report.submissionKey}`;
      let templateId = known.templateId;
      if (templateId === undefined) {
        const metrc = await connect(account);
        const body = await templateBody(metrc, account, report, name);
        templateId =
          (await earlierPush(metrc, account, name)) ??
          (await metrc.call({ method: 'POST', path: PATHS.templates, query: at(account), body: [body] }, schemas.created)).Ids[0];
        if (templateId === undefined) throw new StateSystemError('transient', 'UNEXPECTED_RESPONSE', 'Metrc answered the template push without an id');
        await keep({
          templateId,
          templateName: name,
          templateCreatedAt: deps.now().toISOString(),
          templateRecipient: report.receiver.stateLicenseNumber,
          templateLabels: report.lines.map((line) => line.tag.toUpperCase()),
        });
      }
      throw new PersonStepRequired(registerTask(account, templateId, name, report.estimatedDeparture));
    },

    async amendManifest(account, refs, report) {
      const known = metrcRefs(refs);
      if (known.templateId === undefined || !known.templateName) throw new StateSystemError('permanent', 'NO_TEMPLATE', 'Metrc holds no template of this transfer');
      const metrc = await connect(account);
      const manifestNumber = await registered(metrc, account, known);
      if (manifestNumber) throw registeredStep('Edit', manifestNumber, report.estimatedDeparture);
      const [destination] = await metrc.all(`${PATHS.templates}/${known.templateId}/deliveries`, {}, schemas.delivery);
      const body = await templateBody(metrc, account, report, known.templateName);
      await metrc.call(
        {
          method: 'PUT',
          path: PATHS.templates,
          query: at(account),
          body: [{ TransferTemplateId: known.templateId, ...body, Destinations: body.Destinations.map((d) => ({ TransferDestinationId: destination?.Id ?? null, ...d })) }],
        },
        schemas.empty,
      );
      return { templateRecipient: report.receiver.stateLicenseNumber, templateLabels: report.lines.map((line) => line.tag.toUpperCase()) };
    },

    reportShipment: async () => Promise.reject(notByApi('a departure')),
    reportArrival: async () => Promise.reject(notByApi('an arrival')),
    // No API receives a licensed transfer (metrc.md §2): the receiver enters the hub's receipt in Metrc, as the receiving sheet lists it.
    reportReceipt: async (_account, refs) => {
      const known = metrcRefs(refs);
      // The reconciler saw Metrc's receipt before this step was first tried: nothing is owed.
      if (known.receiptSeen) return;
      const manifest = known.manifestNumber ?? known.templateName ?? 'of this transfer';
      const within = (settings.receiptWithinHours ?? DEFAULT_RECEIPT_WITHIN_HOURS) * 3_600_000;
      return Promise.reject(
        new PersonStepRequired({
          action: `Receive manifest ${manifest} (enter what the hub's receiving sheet says)`,
          where: { menuPath: metrcReceivingMenu },
          resultKey: manifest,
          deadline: new Date(deps.now().getTime() + within).toISOString(),
        }),
      );
    },
    // Taking rejected packages back is web-only too (metrc.md §2): the shipper does it under Rejected.
    reportTakeBack: async (_account, refs, report) => {
      const known = metrcRefs(refs);
      if (known.returnSeen) return;
      const manifest = known.manifestNumber ?? known.templateName ?? 'of this transfer';
      const within = (settings.receiptWithinHours ?? DEFAULT_RECEIPT_WITHIN_HOURS) * 3_600_000;
      const count = report.tags.length === 1 ? `rejected package ${report.tags[0] ?? ''}` : `${report.tags.length} rejected packages`;
      return Promise.reject(
        new PersonStepRequired({
          action: `Accept back the ${count} of manifest ${manifest}`,
          where: { menuPath: metrcRejectedMenu },
          resultKey: manifest,
          deadline: new Date(deps.now().getTime() + within).toISOString(),
        }),
      );
    },
    reportIntake: async () => Promise.reject(notByApi('a shipment taken in on paper (an external incoming transfer is the licensee’s to record)')),

    async reportVoid(account, refs) {
      const known = metrcRefs(refs);
      if (known.templateId === undefined) return;
      const metrc = await connect(account);
      const manifestNumber = await registered(metrc, account, known);
      if (manifestNumber) throw registeredStep('Void', manifestNumber, deps.now().toISOString());
      try {
        await metrc.call({ method: 'DELETE', path: `${PATHS.templates}/${known.templateId}`, query: at(account) }, schemas.empty);
      } catch (error) {
        if (!(error instanceof StateSystemError) || error.code !== 'UNAUTHORIZED') throw error;
        // Archived already (an earlier try whose answer was lost) when Metrc no longer lists it.
        const from = known.templateCreatedAt ? Date.parse(known.templateCreatedAt) : deps.now().getTime() - settings.lookbackHours * 3_600_000;
        if ((await templateNamed(metrc, account, known.templateName ?? '', from)) !== undefined) throw error;
      }
    },

    observe,
    transporters: metrcTransporters(connect),

    async stateManifestDocument(account, refs) {
      const { transferId, manifestNumber } = metrcRefs(refs);
      // Metrc prints its manifest once a person registered the template.
      if (transferId === undefined || !manifestNumber) return undefined;
      const file = await (await connect(account)).call({ method: 'GET', path: `/transfers/v2/manifest/${transferId}/pdf`, query: at(account) }, schemas.fileAnswer);
      const bytes = new Uint8Array(Buffer.from(file.FileContents, 'base64'));
      if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') {
        throw new StateSystemError('transient', 'UNEXPECTED_RESPONSE', `Metrc's manifest of transfer ${manifestNumber} is not a PDF (${file.FileDownloadName ?? 'unnamed'})`);
      }
      return bytes;
    },

    async checkConsent(account) {
      try {
        const facilities = await (await connect(account)).facilities();
        return { connected: facilities.some((facility) => facility.License.Number === account.stateLicenseNumber) };
      } catch (error) {
        if (error instanceof StateSystemError && error.kind === 'consent-expired') return { connected: false };
        throw error;
      }
    },
  };
}
