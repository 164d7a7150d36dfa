/** A small HTTP client for the Metrc emulator tests, and the seed most of them start from. */
import type { MetrcSeed } from '#infra/local/metrc/seed.ts';

export interface Reply<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

export interface Envelope<T> {
  readonly Data: T[];
  readonly Total: number;
  readonly TotalRecords: number;
  readonly PageSize: number;
  readonly RecordsOnPage: number;
  readonly Page: number;
  readonly CurrentPage: number;
  readonly TotalPages: number;
}

export interface RowErrorBody {
  readonly row: number;
  readonly message: string;
}

export interface StepAnswer {
  readonly Id: number;
  readonly ManifestNumber: string;
  readonly OriginatingTemplateId: number | null;
  readonly LastModified: string;
  readonly Deliveries: { readonly DeliveryId: number; readonly RecipientFacilityLicenseNumber: string; readonly Packages: { readonly PackageLabel: string; readonly ShipmentPackageState: string }[] }[];
}

export const DISTRIBUTOR = 'OCM-DIST-24-000101';
export const DISPENSARY = 'OCM-RETL-24-000202';
export const PROCESSOR = 'OCM-PROC-24-000303';
export const OTHER_DISPENSARY = 'OCM-RETL-24-000404';

export const KEYS = { distributor: 'user-key-distributor', dispensary: 'user-key-dispensary', both: 'user-key-both', viewer: 'user-key-viewer', processor: 'user-key-processor' } as const;

/** `1A40…0n`: 24 characters [0-9A-Z]. */
export function label(n: number): string {
  return `1A4${String(n).padStart(21, '0')}`;
}

export const STANDARD_SEED: MetrcSeed = {
  facilities: [
    { licenseNumber: DISTRIBUTOR, name: 'Hudson Valley Distribution LLC', role: 'distributor' },
    { licenseNumber: DISPENSARY, name: 'Empire Cannabis Dispensary', role: 'dispensary', facilityType: { CanOnlyReceiveFinishedGoods: false, IsRetail: true, CanTransferFromExternalFacilities: true } },
    { licenseNumber: PROCESSOR, name: 'Catskill Processing Co', role: 'processor' },
    { licenseNumber: OTHER_DISPENSARY, name: 'Finger Lakes Cannabis', role: 'dispensary', facilityType: { CanOnlyReceiveFinishedGoods: true } },
  ],
  userKeys: [
    { key: KEYS.distributor, userName: 'dana', facilities: [{ licenseNumber: DISTRIBUTOR, permissions: 'all' }] },
    { key: KEYS.dispensary, userName: 'rita', facilities: [{ licenseNumber: DISPENSARY, permissions: 'all' }] },
    { key: KEYS.both, facilities: [{ licenseNumber: DISTRIBUTOR, permissions: 'all' }, { licenseNumber: DISPENSARY, permissions: 'all' }] },
    { key: KEYS.viewer, facilities: [{ licenseNumber: DISTRIBUTOR, permissions: ['View Packages', 'View Transfers', 'View Transfer Templates'] }] },
    { key: KEYS.processor, facilities: [{ licenseNumber: PROCESSOR, permissions: 'all' }] },
  ],
  packages: [
    ...[1, 2, 3, 4, 5, 6].map((n) => ({ label: label(n), licenseNumber: DISTRIBUTOR, quantity: 100, unitOfMeasure: 'Grams', itemName: `Flower ${n}`, isFinishedGood: true, labTestingState: 'TestPassed' as const, retailIdCount: 1 })),
    { label: label(7), licenseNumber: DISTRIBUTOR, quantity: 20, unitOfMeasure: 'Each', itemName: 'Pre-roll 1g', isFinishedGood: true, retailIdCount: 20 },
    { label: label(8), licenseNumber: DISTRIBUTOR, quantity: 10, isOnHold: true },
    { label: label(9), licenseNumber: DISTRIBUTOR, quantity: 10, finished: true },
    { label: label(10), licenseNumber: DISTRIBUTOR, quantity: 10, isFinishedGood: false, labTestingState: 'SubmittedForTesting' },
    { label: label(20), licenseNumber: PROCESSOR, quantity: 50, retailIdCount: 0 },
    { label: label(30), licenseNumber: DISPENSARY, quantity: 5 },
  ],
};

function basic(vendorKey: string, userKey: string): string {
  return `Basic ${Buffer.from(`${vendorKey}:${userKey}`).toString('base64')}`;
}

export class MetrcClient {
  readonly url: string;
  readonly vendorKey: string;
  readonly userKey: string;

  constructor(url: string, vendorKey: string, userKey: string) {
    this.url = url;
    this.vendorKey = vendorKey;
    this.userKey = userKey;
  }

  as(userKey: string, vendorKey = this.vendorKey): MetrcClient {
    return new MetrcClient(this.url, vendorKey, userKey);
  }

  async request<T = unknown>(method: string, path: string, options: { query?: Record<string, string | number>; body?: unknown; raw?: string; authorization?: string | null } = {}): Promise<Reply<T>> {
    const target = new URL(path, this.url);
    for (const [name, value] of Object.entries(options.query ?? {})) target.searchParams.set(name, String(value));
    const headers: Record<string, string> = {};
    const authorization = options.authorization === undefined ? basic(this.vendorKey, this.userKey) : options.authorization;
    if (authorization !== null) headers['authorization'] = authorization;
    let payload: string | undefined = options.raw;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(target, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    let body: unknown = text;
    if (text && response.headers.get('content-type')?.includes('json')) body = JSON.parse(text);
    return { status: response.status, body: body as T, text, headers: response.headers };
  }

  get<T = unknown>(path: string, query: Record<string, string | number> = {}): Promise<Reply<T>> {
    return this.request<T>('GET', path, { query });
  }

  send<T = unknown>(method: 'POST' | 'PUT' | 'DELETE', path: string, body: unknown, query: Record<string, string | number> = {}): Promise<Reply<T>> {
    return this.request<T>(method, path, { query, ...(body === undefined ? {} : { body }) });
  }

  control<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Reply<T>> {
    return this.request<T>(method, `/_emulator${path}`, { ...(body === undefined ? {} : { body }), authorization: null });
  }
}

/** A window wide enough for everything the tests make (NY-observed mode accepts it). */
export const WIDE = { lastModifiedStart: '2020-01-01T00:00:00.000', lastModifiedEnd: '2030-01-01T00:00:00.000' };

export interface TemplateOptions {
  readonly name?: string;
  readonly recipient?: string;
  readonly type?: string;
  readonly labels?: readonly string[];
  readonly price?: number | null;
}

/** A template body as Metrc's recorded example shapes it (top-level transporter null, one per leg). */
export function templateBody(options: TemplateOptions = {}): Record<string, unknown> {
  return {
    Name: options.name ?? 'hub-transfer-01',
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
        RecipientLicenseNumber: options.recipient ?? DISPENSARY,
        InvoiceNumber: 'INV-1001',
        TransferTypeName: options.type ?? 'Transfer',
        PlannedRoute: 'NY-9W south to Kingston, then I-87.',
        EstimatedDepartureDateTime: '2026-11-20T09:15:00.000',
        EstimatedArrivalDateTime: '2026-11-20T12:24:00.000',
        Transporters: [
          {
            TransporterFacilityLicenseNumber: DISTRIBUTOR,
            DriverOccupationalLicenseNumber: 'OL-5501',
            DriverName: 'Dana Driver',
            DriverLicenseNumber: 'D1234567',
            DriverLayoverLeg: null,
            PhoneNumberForQuestions: '5185550100',
            VehicleMake: 'Ford',
            VehicleModel: 'Transit',
            VehicleLicensePlateNumber: 'HVD-1001',
            VehicleRegistrationNumber: 'REG-77881',
            IsLayover: false,
            EstimatedDepartureDateTime: '2026-11-20T09:15:00.000',
            EstimatedArrivalDateTime: '2026-11-20T12:24:00.000',
            TransporterDetails: [],
          },
        ],
        Packages: (options.labels ?? [label(1), label(2)]).map((packageLabel) => ({
          PackageLabel: packageLabel,
          WholesalePrice: options.price === undefined ? 25 : options.price,
          GrossWeight: null,
          GrossUnitOfWeightName: null,
        })),
      },
    ],
  };
}
