/**
 * The transportation manifest as a document: every field of the domain doc §2 for one issued
 * version, in the words a partner's software reads. It is the JSON twin
 * (`GET /v1/transfers/{id}/manifest.json`) and what the PDF prints, field for field (free text
 * wraps in the PDF; only a package's detail rows are cut, with an ellipsis, at extreme lengths).
 * Pure: built from the stored transfer alone, so any version can be rebuilt at any time.
 */
import type {
  Address,
  DriverSnapshot,
  Manifest,
  ManifestTerms,
  PartySnapshot,
  Transfer,
  TransferLine,
  TransferType,
  VehicleSnapshot,
} from '../domain/transfer/index.ts';

export const MANIFEST_FORMAT = 'ny-transfer-hub.manifest/1';

/** Characters of the content hash printed in the footer and carried by the verification URL (64 bits). */
export const SHORT_HASH_LENGTH = 16;

export interface ManifestParty {
  readonly legalName: string;
  readonly dba?: string;
  readonly licenseNumber: string;
  readonly premisesAddress: Address;
  readonly phone: string;
  /** Whether it reports to the state tracking system itself. */
  readonly integrated: boolean;
}

export type ManifestDriver = Omit<DriverSnapshot, 'driverId'>;
export type ManifestVehicle = Omit<VehicleSnapshot, 'vehicleId'>;

export type TaxPayer =
  | { readonly taxPaid: true }
  | { readonly taxPaid: false; readonly name: string; readonly address: Address };

export interface ManifestLine extends TransferLine {
  /** 1-based, in the order of the transfer. */
  readonly lineNumber: number;
}

export interface ManifestDocument {
  readonly format: typeof MANIFEST_FORMAT;
  readonly manifestNumber: string;
  /** 1 when issued; one more with every amendment before departure. */
  readonly version: number;
  /** The version this one replaces, when it is an amendment. */
  readonly supersedes?: { readonly version: number; readonly contentHash: string };
  readonly transferId: string;
  readonly transferType: TransferType;
  readonly invoiceNumbers: readonly string[];
  /** When this version was issued (UTC); the PDF prints it in New York time as its generated-at. */
  readonly issuedAt: string;
  /** When the manifest was created: the issue time of its first version (UTC). */
  readonly createdAt: string;
  /**
   * The state tracking system's number of the manifest, on a version issued once the state gave
   * it one (the hub issues such a version before departure as soon as it learns the number).
   */
  readonly stateManifestId?: string;
  /** SHA-256 of the issued content (see the domain's `Manifest.contentHash`). */
  readonly contentHash: string;
  /** The first `SHORT_HASH_LENGTH` characters of the content hash: printed in the footer. */
  readonly shortHash: string;
  /** The public verification page; the PDF's QR code encodes it. */
  readonly verificationUrl: string;
  /** A return names the manifest whose rejected packages it carries. */
  readonly returnOf?: { readonly manifestNumber: string };
  readonly shipper: ManifestParty;
  readonly receiver: ManifestParty;
  /** `null`: the shipper carries the goods itself. */
  readonly transporter: ManifestParty | null;
  readonly taxPayer: TaxPayer;
  readonly drivers: readonly ManifestDriver[];
  readonly vehicle: ManifestVehicle;
  readonly timing: {
    readonly estimatedDeparture: string;
    readonly estimatedArrival: string;
    readonly plannedRoute: string;
    readonly layover?: { readonly location: string; readonly at: string };
  };
  readonly lines: readonly ManifestLine[];
}

/** `https://hub.example/verify/OCM-DIST-24-000114-DX1-M000042?h=0123456789abcdef` */
export function verificationUrl(publicBaseUrl: string, manifestNumber: string, contentHash: string): string {
  const url = new URL(`verify/${encodeURIComponent(manifestNumber)}`, publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`);
  url.searchParams.set('h', contentHash.slice(0, SHORT_HASH_LENGTH));
  return url.toString();
}

/** An issued version as the transfer keeps it: the current one, or one an amendment superseded. */
export interface IssuedVersion {
  readonly manifest: Manifest;
  readonly terms: ManifestTerms;
}

/** Every version the transfer has issued, oldest first. */
export function issuedVersions(transfer: Transfer): IssuedVersion[] {
  if (!transfer.manifest) return [];
  const { lines: _lines, ...terms } = transfer.content;
  return [...(transfer.manifestHistory ?? []), { manifest: transfer.manifest, terms }];
}

export function issuedVersion(transfer: Transfer, version?: number): IssuedVersion | undefined {
  const versions = issuedVersions(transfer);
  return version === undefined ? versions.at(-1) : versions.find((v) => v.manifest.version === version);
}

const party = (snapshot: PartySnapshot): ManifestParty => ({
  legalName: snapshot.legalName,
  ...(snapshot.dba ? { dba: snapshot.dba } : {}),
  licenseNumber: snapshot.licenseNumber,
  premisesAddress: snapshot.premisesAddress,
  phone: snapshot.phone,
  integrated: snapshot.stateSystem !== 'none',
});

/** A transfer's terms are complete once manifested; a gap here is a corrupt record, not a bad request. */
function present<T>(value: T | undefined, what: string, manifestNumber: string): T {
  if (value === undefined) throw new Error(`Manifest ${manifestNumber} has no ${what}`);
  return value;
}

export function manifestDocument(transfer: Transfer, issued: IssuedVersion, publicBaseUrl: string): ManifestDocument {
  const { manifest, terms } = issued;
  const { parties } = manifest;
  const previous = issuedVersions(transfer).find((v) => v.manifest.version === manifest.version - 1);
  const { driverId: _d, ...firstDriver } = present(parties.drivers[0], 'driver', manifest.number);
  const { vehicleId: _v, ...vehicle } = present(parties.vehicle, 'vehicle', manifest.number);
  const taxPayer = present(terms.taxPayer, 'tax payer', manifest.number);
  return {
    format: MANIFEST_FORMAT,
    manifestNumber: manifest.number,
    version: manifest.version,
    ...(previous ? { supersedes: { version: previous.manifest.version, contentHash: previous.manifest.contentHash } } : {}),
    transferId: transfer.id,
    transferType: terms.type,
    invoiceNumbers: terms.invoiceNumbers ?? [],
    issuedAt: manifest.manifestedAt,
    createdAt: issuedVersions(transfer)[0]?.manifest.manifestedAt ?? manifest.manifestedAt,
    ...(manifest.stateManifestNumber ? { stateManifestId: manifest.stateManifestNumber } : {}),
    contentHash: manifest.contentHash,
    shortHash: manifest.contentHash.slice(0, SHORT_HASH_LENGTH),
    verificationUrl: verificationUrl(publicBaseUrl, manifest.number, manifest.contentHash),
    ...(transfer.returnOf ? { returnOf: { manifestNumber: transfer.returnOf.manifestNumber } } : {}),
    shipper: party(parties.shipper),
    receiver: party(parties.receiver),
    transporter: parties.transporter ? party(parties.transporter) : null,
    taxPayer: taxPayer.taxPaid === true ? { taxPaid: true } : { taxPaid: false, name: taxPayer.name, address: taxPayer.address },
    drivers: [firstDriver, ...parties.drivers.slice(1).map(({ driverId: _id, ...driver }) => driver)],
    vehicle,
    timing: {
      estimatedDeparture: present(terms.estimatedDeparture, 'estimated departure', manifest.number),
      estimatedArrival: present(terms.estimatedArrival, 'estimated arrival', manifest.number),
      plannedRoute: present(terms.plannedRoute, 'planned route', manifest.number),
      ...(terms.layover ? { layover: terms.layover } : {}),
    },
    lines: transfer.content.lines.map((line, index) => ({ lineNumber: index + 1, ...line })),
  };
}

/** What the package table adds up to: packages, quantity per unit (in the order units first appear), and value. */
export interface ManifestTotals {
  readonly packages: number;
  readonly quantities: readonly { readonly unit: string; readonly quantity: number }[];
  /** US dollars, of the lines that carry a unit price. */
  readonly value: number;
  readonly unpricedPackages: number;
}

export function manifestTotals(lines: readonly Pick<ManifestLine, 'quantity' | 'unit' | 'unitPrice'>[]): ManifestTotals {
  const thousandths = new Map<string, number>();
  let cents = 0;
  let unpricedPackages = 0;
  for (const line of lines) {
    // Integer arithmetic: quantities have at most 3 decimals, prices 2, so sums are exact.
    thousandths.set(line.unit, (thousandths.get(line.unit) ?? 0) + Math.round(line.quantity * 1000));
    if (line.unitPrice === undefined) unpricedPackages += 1;
    else cents += Math.round(line.quantity * line.unitPrice * 100);
  }
  return {
    packages: lines.length,
    quantities: [...thousandths].map(([unit, total]) => ({ unit, quantity: total / 1000 })),
    value: cents / 100,
    unpricedPackages,
  };
}
