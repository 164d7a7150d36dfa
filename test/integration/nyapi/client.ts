/** A small HTTP client for the NY-API emulator tests: raw fetch, typed only as far as the tests read. */
import type { EmulatorLicensee, EmulatorSeed } from '#infra/local/nyapi/seed.ts';

export interface Reply<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ErrorBody {
  readonly Error: string;
  readonly ErrorCode: string;
  readonly Details?: unknown;
}

export interface InventoryView {
  readonly ID: string;
  readonly LocationLicense: string;
  readonly RemainingAmount: number;
  readonly ProductName: string;
}

export interface ManifestView {
  readonly ManifestID: string;
  readonly ExternalID: string;
  readonly Type: string;
  readonly InTransit: boolean;
  readonly Completed: boolean;
  readonly CompletionDate?: string;
  readonly Deleted: boolean;
  readonly StopCount: number;
  readonly TotalItemCount: number;
  readonly Driver: readonly { readonly ID: number; readonly Name: string }[];
  readonly Vehicle: { readonly ID: string };
  readonly Stop: readonly {
    readonly StopNumber: number;
    readonly LocationLicense: string;
    readonly InvoiceID: string;
    readonly DriverArrived: boolean;
    readonly DriverArrivedTime?: string;
    readonly Item: readonly { readonly InventoryID: string; readonly Quantity: number; readonly QuantityReceived: number }[];
  }[];
}

export interface TransferView {
  readonly ID: number;
  readonly ExternalID: string;
  readonly ManifestID: string;
  readonly ManifestStopNumber: number;
  readonly OutboundLicense: string;
  readonly InboundLicense: string;
  readonly TransferType: string;
  readonly Received: boolean;
  readonly ReceivedTime?: string;
  readonly IsRejected: boolean;
  readonly Deleted: boolean;
  readonly Item: readonly {
    readonly InventoryID: string;
    readonly Amount: number;
    readonly Received: boolean;
    readonly ReceivedAmount: number;
    readonly IsRejected: boolean;
    readonly Inventory: InventoryView;
  }[];
}

export interface WriteBody {
  readonly SessionTime: number;
  readonly TransactionID: number;
}

export interface CallView {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly license?: string;
  readonly user?: string;
  readonly externalId?: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly fault?: string;
  readonly replay?: boolean;
  readonly transactionId?: number;
}

export interface StateView {
  readonly clock: string;
  readonly licensees: readonly { readonly LocationLicense: string; readonly inventory: readonly InventoryView[] }[];
  readonly invoices: readonly { readonly InvoiceID: string; readonly Deleted: boolean }[];
  readonly manifests: readonly ManifestView[];
  readonly inventoryTransfers: readonly TransferView[];
  readonly employees: readonly unknown[];
  readonly vehicles: readonly unknown[];
  readonly created: Readonly<Record<'employee' | 'vehicle' | 'invoice' | 'manifest' | 'inventoryTransfer' | 'receipt' | 'arrival' | 'void' | 'intake', number>>;
}

export interface TokenBody {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly consent_expires_at: string;
  readonly error?: string;
  readonly ErrorCode?: string;
}

export const CLIENT = { id: 'hub-test', secret: 'hub-test-secret' };
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** 16-digit package tags. */
export const tag = (n: number) => `1${String(n).padStart(15, '0')}`;

export function licensee(license: string, ubi: string, name: string, username: string, inventory: EmulatorLicensee['inventory'] = []): EmulatorLicensee {
  return { LocationLicense: license, UBI: ubi, Name: name, City: 'Albany', State: 'NY', users: [{ Username: username, Password: `${username}-pw` }], inventory };
}

export const SHIPPER = licensee('OCM-PROC-24-000101', '601000101', 'Hudson Valley Processing', 'alice', [
  { ID: tag(1), ProductName: 'Flower 3.5g', UOM: 'each', RemainingAmount: 100, Strain: 'Blue Dream' },
  { ID: tag(2), ProductName: 'Vape 1g', UOM: 'each', RemainingAmount: 40 },
  { ID: tag(3), ProductName: 'Pre-roll 5pk', UOM: 'each', RemainingAmount: 60 },
  { ID: tag(4), ProductName: 'Gummies 10pk', UOM: 'each', RemainingAmount: 30 },
]);
export const RETAILER = licensee('OCM-RETL-24-000202', '602000202', 'Albany Dispensary', 'bob');
export const OTHER_RETAILER = licensee('OCM-RETL-24-000303', '603000303', 'Troy Cannabis', 'carol');
export const STANDARD_SEED: EmulatorSeed = { licensees: [SHIPPER, RETAILER, OTHER_RETAILER] };

export class EmulatorClient {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  async request<T>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal; form?: Record<string, string> } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body, redirect: 'manual', ...(options.signal ? { signal: options.signal } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // A text answer (the OAuth error page) stays text.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  async reset(seed: EmulatorSeed = STANDARD_SEED): Promise<void> {
    await this.request('POST', '/_emulator/reset');
    const seeded = await this.request('POST', '/_emulator/seed', { body: seed });
    if (seeded.status !== 200) throw new Error(`seed failed: ${JSON.stringify(seeded.body)}`);
  }

  async state(): Promise<StateView> {
    return (await this.request<StateView>('GET', '/_emulator/state')).body;
  }

  async calls(since = 0): Promise<CallView[]> {
    return (await this.request<{ calls: CallView[] }>('GET', `/_emulator/calls?since=${since}`)).body.calls;
  }

  async advance(seconds: number): Promise<void> {
    await this.request('PUT', '/_emulator/clock', { body: { advanceSeconds: seconds } });
  }

  async faults(rules: readonly Record<string, unknown>[], seed?: number): Promise<void> {
    const reply = await this.request('PUT', '/_emulator/faults', { body: { rules, ...(seed === undefined ? {} : { seed }) } });
    if (reply.status !== 200) throw new Error(`faults refused: ${JSON.stringify(reply.body)}`);
  }

  /** The admin's consent: `GET /oauth` redirects back with a code. */
  async authorizationCode(license: string, state = 'xyz'): Promise<string> {
    const query = new URLSearchParams({ response_type: 'code', client_id: CLIENT.id, redirect_uri: REDIRECT_URI, state, license: license });
    const reply = await this.request('GET', `/oauth?${query.toString()}`);
    const location = new URL(reply.headers.get('location') ?? 'http://invalid/');
    if (reply.status !== 302 || location.searchParams.get('state') !== state) throw new Error(`no consent redirect: ${reply.status}`);
    return location.searchParams.get('code') ?? '';
  }

  async token(form: Record<string, string>): Promise<Reply<TokenBody>> {
    return this.request<TokenBody>('POST', '/oauth/token', { form: { client_id: CLIENT.id, client_secret: CLIENT.secret, ...form } });
  }

  async consent(license: string): Promise<TokenBody> {
    const code = await this.authorizationCode(license);
    const reply = await this.token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    if (reply.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  async login(of: EmulatorLicensee, accessToken: string): Promise<Reply<{ Session: string; SessionTime: number } & ErrorBody>> {
    const user = of.users?.[0];
    return this.request('POST', '/v1/user/login', {
      headers: { authorization: `Bearer ${accessToken}`, 'x-ubi': of.UBI, 'x-license': of.LocationLicense },
      body: { Username: user?.Username, Password: user?.Password },
    });
  }

  /** A user session opened with this access token: the headers every `/v1` call sends. */
  async sessionHeaders(of: EmulatorLicensee, accessToken: string): Promise<Record<string, string>> {
    const login = await this.login(of, accessToken);
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    return { authorization: `Bearer ${accessToken}`, 'x-session-token': login.body.Session };
  }

  /** Consent, token and a user session: the headers of every call of this license. */
  async actor(of: EmulatorLicensee): Promise<Actor> {
    const tokens = await this.consent(of.LocationLicense);
    return new Actor(this, of, tokens, await this.sessionHeaders(of, tokens.access_token));
  }
}

export class Actor {
  readonly client: EmulatorClient;
  readonly licensee: EmulatorLicensee;
  readonly tokens: TokenBody;
  readonly headers: Record<string, string>;

  constructor(client: EmulatorClient, of: EmulatorLicensee, tokens: TokenBody, headers: Record<string, string>) {
    this.client = client;
    this.licensee = of;
    this.tokens = tokens;
    this.headers = headers;
  }

  get license(): string {
    return this.licensee.LocationLicense;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<Reply<T>> {
    return this.client.request<T>('GET', path, { headers: this.headers, ...(signal ? { signal } : {}) });
  }

  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<Reply<T>> {
    return this.client.request<T>(method, path, { headers: this.headers, body, ...(signal ? { signal } : {}) });
  }

  /** A driver and a vehicle of this license. */
  async crew(): Promise<{ driverId: number; vehicleId: number }> {
    const driver = await this.send<{ Employee: { ID: number } }>('POST', '/v1/employee', { Name: 'Dana Driver', DriverLicense: 'D1234567', StateIssue: 'NY' });
    const vehicle = await this.send<{ Vehicle: { ID: number } }>('POST', '/v1/vehicle', { Name: 'Van 1', Make: 'Ford', Model: 'Transit', Year: '2023', Plate: 'ABC1234' });
    return { driverId: driver.body.Employee.ID, vehicleId: vehicle.body.Vehicle.ID };
  }

  async invoice(buyer: string, lines: readonly { InventoryID: string; Amount: number; Price?: number }[], externalId?: string): Promise<string> {
    const reply = await this.send<{ Invoice: { InvoiceID: string }[] } & ErrorBody>('POST', '/v1/invoice', {
      LocationLicense: this.license,
      BuyerLocationLicense: buyer,
      ...(externalId ? { ExternalID: externalId } : {}),
      Inventory: lines.map((line) => ({ Price: 5, ...line })),
    });
    const invoiceId = reply.body.Invoice[0]?.InvoiceID;
    if (reply.status !== 200 || !invoiceId) throw new Error(`invoice refused: ${JSON.stringify(reply.body)}`);
    return invoiceId;
  }
}

export interface StopPlan {
  readonly license: string;
  readonly invoiceId: string;
  readonly items: readonly { InventoryID: string; Quantity: number }[];
  readonly departure?: string;
  readonly arrival?: string;
}

export function manifestBody(
  shipper: string,
  crew: { driverId: number; vehicleId: number },
  stops: readonly StopPlan[],
  externalId?: string,
): Record<string, unknown> {
  return {
    LocationLicense: shipper,
    Type: 'Transfer',
    ...(externalId ? { ExternalID: externalId } : {}),
    Driver: [{ ID: crew.driverId }],
    // As recorded: Driver[].ID is the employee's integer ID, Vehicle.ID a string holding the vehicle's.
    Vehicle: { ID: String(crew.vehicleId) },
    Stop: stops.map((stop, i) => ({
      StopNumber: i + 1,
      LocationLicense: stop.license,
      InvoiceID: stop.invoiceId,
      ApproximateDeparture: stop.departure ?? '2026-12-01T14:00:00Z',
      ApproximateArrival: stop.arrival ?? '2026-12-01T16:30:00Z',
      ApproximateRoute: 'I-87 S to exit 23',
      Item: stop.items,
    })),
  };
}
