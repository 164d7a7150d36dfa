/**
 * HTTP to Metrc (docs/metrc.md §1): HTTP Basic with the vendor (integrator) key and a licensee's
 * user key on every call, `licenseNumber` where a route takes it, lists read page by page
 * (pageSize ≤ 20, up to TotalPages) and always in lastModified windows, GETs inside the shared
 * budget, answers validated with zod and every failure turned into a `StateSystemError`. A 401 is
 * not taken for a revoked key until `GET /facilities/v2/` refuses the key too.
 */
import { retryAfterMs } from '../../http/retry-after.ts';
import type * as z from 'zod';
import { StateSystemError } from '../port.ts';
import type { MetrcRules } from './rules.ts';
import * as schemas from './schemas.ts';

export interface MetrcBudgetLimits {
  readonly perFacilityPerSecond: number;
  readonly perIntegratorPerSecond: number;
  readonly concurrentPerFacility: number;
  readonly concurrentPerIntegrator: number;
}

export interface MetrcSettings {
  readonly baseUrl: string;
  readonly vendorKey: string;
  readonly timeoutMs: number;
  /** How long an unanswered template push may still be committing. Default: twice the timeout. */
  readonly settleMs?: number;
  /** At most 20 (Metrc's limit). */
  readonly pageSize: number;
  /** [inferred] The longest lastModified window one list call asks for: Metrc documents 24 h; NY production took more. */
  readonly windowHours: number;
  /** Each poll starts this far before the last one ended, so a row written at a window's edge is not lost. */
  readonly overlapMinutes: number;
  /** How far back the first poll of a license (no checkpoint) and the lookups of a template's fate reach. */
  readonly lookbackHours: number;
  /** Windows one `observe` reads at most; the checkpoint moves only as far as they reach. */
  readonly maxWindowsPerCall: number;
  /** [inferred] Request times are sent without an offset, as the facility's local time. */
  readonly timeZone: string;
  /** The transfer type templates use when the license has it for licensed shipments (types are loaded per license). */
  readonly transferTypeName: string;
  /** [inferred] A deep link to a template in Metrc's web app (`{license}`, `{templateId}`); none: the menu path. */
  readonly registerLink?: string;
  readonly budget: MetrcBudgetLimits;
  /** How long after the hub's receipt the receipt in Metrc (and a take-back) is due; default 24 h. */
  readonly receiptWithinHours?: number;
  /** New York's rules by effective date (`rules.ts`); none: metrc.md's defaults. */
  readonly rules?: MetrcRules;
  /** How long the pre-flight may spend looking packages up one by one; lines left then are not checked. */
  readonly preflightBudgetMs?: number;
  /** How long the package picker reuses a facility's active packages before reading them again. */
  readonly packageListCacheMs?: number;
  /** [inferred] The picker's lastModified windows over the active packages (NY production took years; 24 where Metrc holds to a day). */
  readonly packageListWindowHours?: number;
  /** How far back the picker's windows reach (an ISO instant): packages unchanged since before it are not listed. */
  readonly packageListSince?: string;
}

export const defaultBudget: MetrcBudgetLimits = { perFacilityPerSecond: 50, perIntegratorPerSecond: 150, concurrentPerFacility: 10, concurrentPerIntegrator: 30 };

/** A Metrc list row's page size: Metrc refuses more than 20. */
export const MAX_PAGE_SIZE = 20;

/**
 * Where the GET budget's counts live, so that every function instance spends one budget: per-window
 * token counts per scope (a facility, the integrator key) and leases naming the instances that use a
 * scope. In memory for one process (`memoryBudgetStore`); in DynamoDB for every Lambda instance
 * (`shared/adapters/get-budget-store.ts`).
 */
export interface BudgetStore {
  /** Takes up to `want` of window `window`'s `cap` tokens in `scope`; answers how many it got (0: the window is spent). */
  take(scope: string, window: number, want: number, cap: number, windowEndsAt: number): Promise<number>;
  /** Spends windows `from`…`to` of `scope` whole, so that no instance sends there (a 429's Retry-After). */
  spend(scope: string, from: number, to: number, cap: number, windowMs: number): Promise<void>;
  /** The instances' leases on `scope`'s GETs in flight, with the version a `putLeases` must name. */
  leases(scope: string): Promise<{ readonly version: number; readonly leases: Leases }>;
  /** Writes the leases if nobody did since `version` was read; false if somebody did. */
  putLeases(scope: string, version: number, leases: Leases, expiresAt: number): Promise<boolean>;
}

/** Per instance: how many GETs in flight it may have in the scope, until when. */
export type Leases = Readonly<Record<string, { readonly share: number; readonly until: number }>>;

export function memoryBudgetStore(): BudgetStore {
  const taken = new Map<string, number>();
  const leases = new Map<string, { version: number; leases: Leases }>();
  return {
    async take(scope, window, want, cap) {
      const key = `${scope}@${window}`;
      const got = Math.max(0, Math.min(want, cap - (taken.get(key) ?? 0)));
      taken.set(key, (taken.get(key) ?? 0) + got);
      return got;
    },
    async spend(scope, from, to, cap) {
      for (let window = from; window <= to; window += 1) taken.set(`${scope}@${window}`, cap);
    },
    async leases(scope) {
      return leases.get(scope) ?? { version: 0, leases: {} };
    },
    async putLeases(scope, version, next) {
      if ((leases.get(scope)?.version ?? 0) !== version) return false;
      leases.set(scope, { version: version + 1, leases: next });
      return true;
    },
  };
}

export interface GetBudgetOptions {
  /** Shared counts; default: this process alone. */
  readonly store?: BudgetStore;
  readonly instanceId?: string;
  /** The token windows' width: a second of sends touches at most 1000 / windowMs + 1 windows. */
  readonly windowMs?: number;
  /** Tokens taken per store write: fewer writes per GET, more tokens left unused when a window ends. */
  readonly batch?: number;
  /** How long an instance's lease on a scope's GETs in flight lasts; it is renewed after a third of that. */
  readonly leaseMs?: number;
  readonly now?: () => number;
}

export interface GetBudgetStats {
  readonly gets: number;
  readonly rateLimited: number;
  readonly tokenWrites: number;
  readonly leaseWrites: number;
}

interface Scope {
  readonly name: string;
  /** Tokens per window: the per-second limit spread so that any second of sends stays within it. */
  readonly cap: number;
  readonly concurrent: number;
  window: number;
  left: number;
  spent: boolean;
  taking: Promise<void> | undefined;
  inFlight: number;
  share: number;
  leaseRenewAt: number;
  leasing: Promise<void> | undefined;
  pausedUntil: number;
}

const DEFAULT_WINDOW_MS = 500;
const DEFAULT_BATCH = 5;
const DEFAULT_LEASE_MS = 3_000;
/** The longest Retry-After spent in the store (longer ones still pause this instance). */
const MAX_PAUSE_WINDOWS = 40;

const budgetUnavailable = (error: unknown) =>
  new StateSystemError('transient', 'BUDGET_UNAVAILABLE', `The shared Metrc GET budget could not be read: ${error instanceof Error ? error.message : String(error)}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)));

/**
 * Metrc's GET limits (metrc.md §1: per facility and per integrator key, per second and in flight),
 * one budget for every licensee and, with a shared store, every function instance: a GET waits for
 * room rather than earn a 429.
 *
 * Per second: time is cut into windows (500 ms); each window of a scope has `limit / (1000 /
 * windowMs + 1)` tokens (16 of the facility's 50, 50 of the integrator's 150), so any sliding second
 * of sends, which touches at most three windows, stays within the limit Metrc (and our emulator)
 * counts over a sliding second; the price is a sustained rate of two thirds of it. An instance
 * takes tokens in batches (one conditional write per batch and scope: with batches of 5, 0.4 write
 * units per GET at full speed); a token is good only in its window, so a crashed or idle instance
 * holds nothing. In flight: the scope's leases record each instance's share; an instance takes
 * its fair share (the limit over the live leases) only where the others' recorded shares leave
 * room, and never records less than it has in flight, so the recorded shares, and with them the
 * GETs in flight, never sum past the limit. Leases last 3 s and are renewed every second while the
 * instance sends (a read and a write), every window while it waits for room. A 429 is counted
 * and its Retry-After spends the facility's windows until then, so every instance waits it out.
 */
export class GetBudget {
  readonly #limits: MetrcBudgetLimits;
  readonly #store: BudgetStore;
  readonly #instanceId: string;
  readonly #windowMs: number;
  readonly #batch: number;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #scopes = new Map<string, Scope>();
  readonly #waiting = new Set<() => void>();
  readonly #stats = { gets: 0, rateLimited: 0, tokenWrites: 0, leaseWrites: 0 };
  /** How long a take from the store lasts (a moving average): tokens are taken for the window they will arrive in. */
  #takeMs = 0;

  constructor(limits: MetrcBudgetLimits, options: GetBudgetOptions = {}) {
    this.#limits = limits;
    this.#store = options.store ?? memoryBudgetStore();
    this.#instanceId = options.instanceId ?? crypto.randomUUID();
    this.#windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.#batch = options.batch ?? DEFAULT_BATCH;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#now = options.now ?? Date.now;
  }

  stats(): GetBudgetStats {
    return { ...this.#stats };
  }

  #scope(name: string, perSecond: number, concurrent: number): Scope {
    let scope = this.#scopes.get(name);
    if (!scope) {
      const cap = Math.max(1, Math.floor(perSecond / (Math.ceil(1000 / this.#windowMs) + 1)));
      scope = { name, cap, concurrent, window: -1, left: 0, spent: false, taking: undefined, inFlight: 0, share: 1, leaseRenewAt: 0, leasing: undefined, pausedUntil: 0 };
      this.#scopes.set(name, scope);
    }
    return scope;
  }

  #scopesOf(facility: string): [Scope, Scope] {
    return [
      this.#scope(`facility#${facility}`, this.#limits.perFacilityPerSecond, this.#limits.concurrentPerFacility),
      this.#scope('integrator', this.#limits.perIntegratorPerSecond, this.#limits.concurrentPerIntegrator),
    ];
  }

  async #lease(scope: Scope, now: number): Promise<void> {
    if (now < scope.leaseRenewAt) return;
    scope.leasing ??= (async () => {
      try {
        for (;;) {
          const { version, leases } = await this.#store.leases(scope.name);
          const others = Object.entries(leases).filter(([id, lease]) => id !== this.#instanceId && lease.until > now);
          const fair = Math.max(1, Math.floor(scope.concurrent / (others.length + 1)));
          const room = scope.concurrent - others.reduce((sum, [, lease]) => sum + lease.share, 0);
          const share = Math.max(0, Math.min(fair, room));
          const until = now + this.#leaseMs;
          const next = { ...Object.fromEntries(others), [this.#instanceId]: { share: Math.max(share, scope.inFlight), until } };
          this.#stats.leaseWrites += 1;
          if (!(await this.#store.putLeases(scope.name, version, next, until))) continue;
          scope.share = share;
          // Short of a fair share, look again soon: the others give theirs back at their next renewal.
          scope.leaseRenewAt = now + (share < fair ? this.#windowMs : this.#leaseMs / 3);
          return;
        }
      } catch (error) {
        throw budgetUnavailable(error);
      } finally {
        scope.leasing = undefined;
      }
    })();
    await scope.leasing;
  }

  /** Whether `scope` has a token of `window` (taking a batch from the store when it has none). */
  async #tokens(scope: Scope, window: number): Promise<boolean> {
    for (;;) {
      if (scope.window === window && scope.left > 0) return true;
      if (scope.window === window && scope.spent) return false;
      if (scope.window > window) return false;
      if (!scope.taking) {
        const want = Math.min(this.#batch, scope.cap);
        scope.taking = (async () => {
          try {
            const started = this.#now();
            const got = await this.#store.take(scope.name, window, want, scope.cap, (window + 1) * this.#windowMs);
            this.#stats.tokenWrites += 1;
            this.#takeMs = 0.7 * this.#takeMs + 0.3 * (this.#now() - started);
            if (scope.window !== window) scope.left = 0;
            scope.window = window;
            scope.left += got;
            scope.spent = got < want;
          } catch (error) {
            throw budgetUnavailable(error);
          } finally {
            scope.taking = undefined;
          }
        })();
      }
      await scope.taking;
    }
  }

  /** Sleeps `ms`, or less if a GET of this instance ends meanwhile. */
  async #wait(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.#waiting.add(done);
    });
  }

  async run<T>(facility: string, call: () => Promise<T>): Promise<T> {
    const scopes = this.#scopesOf(facility);
    const [facilityScope, integratorScope] = scopes;
    for (;;) {
      const now = this.#now();
      const pausedUntil = Math.max(...scopes.map((scope) => scope.pausedUntil));
      if (pausedUntil > now) {
        await sleep(pausedUntil - now);
        continue;
      }
      await Promise.all(scopes.map((scope) => this.#lease(scope, now)));
      if (scopes.some((scope) => scope.inFlight >= scope.share)) {
        await this.#wait(this.#windowMs);
        continue;
      }
      const window = Math.floor((now + this.#takeMs) / this.#windowMs);
      const room = (await Promise.all([this.#tokens(facilityScope, window), this.#tokens(integratorScope, window)])).every(Boolean);
      if (!room) {
        await sleep((window + 1) * this.#windowMs - this.#now());
        continue;
      }
      const early = window * this.#windowMs - this.#now();
      if (early > 0) await sleep(early);
      // Awaited writes may have let other GETs of this instance in, or the window end: look again.
      if (Math.floor(this.#now() / this.#windowMs) !== window || scopes.some((scope) => scope.inFlight >= scope.share || scope.left <= 0)) continue;
      break;
    }
    for (const scope of scopes) {
      scope.left -= 1;
      scope.inFlight += 1;
    }
    this.#stats.gets += 1;
    try {
      return await call();
    } finally {
      for (const scope of scopes) scope.inFlight -= 1;
      const waiting = [...this.#waiting];
      this.#waiting.clear();
      waiting.forEach((wake) => wake());
    }
  }

  /** Metrc answered 429: counted, and nobody sends for the facility until its Retry-After (1 s when it gave none) has passed. */
  async rateLimited(facility: string, retryAfterMs: number | undefined): Promise<void> {
    this.#stats.rateLimited += 1;
    const [scope] = this.#scopesOf(facility);
    const now = this.#now();
    const until = now + (retryAfterMs ?? 1000);
    scope.pausedUntil = Math.max(scope.pausedUntil, until);
    const from = Math.floor(now / this.#windowMs);
    const to = Math.min(Math.floor(until / this.#windowMs), from + MAX_PAUSE_WINDOWS);
    try {
      await this.#store.spend(scope.name, from, to, scope.cap, this.#windowMs);
      this.#stats.tokenWrites += to - from + 1;
    } catch (error) {
      throw budgetUnavailable(error);
    }
  }
}

/** `2026-03-06T09:15:00.000`: an instant as wall time in the facility's zone, as Metrc takes request times. */
export function requestTime(at: Date | string | number, timeZone: string): string {
  const instant = new Date(at);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '00';
  const ms = String(instant.getUTCMilliseconds()).padStart(3, '0');
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}.${ms}`;
}

/** Consecutive windows covering [from, to], none longer than `hours`, at most `max` of them. */
export function windows(from: number, to: number, hours: number, max: number): { start: number; end: number }[] {
  const span = hours * 3_600_000;
  const out: { start: number; end: number }[] = [];
  for (let start = from; start < to && out.length < max; start += span) out.push({ start, end: Math.min(start + span, to) });
  return out;
}

/** Metrc's own words from an error body: `{Message}`, row errors, or plain text. */
function wordsOf(body: unknown, text: string): string | undefined {
  const rows = schemas.rowErrors.safeParse(body);
  if (rows.success) return rows.data.map((row) => row.message).join(' ');
  const message = schemas.messageError.safeParse(body);
  if (message.success) return message.data.Message;
  return text.trim() === '' ? undefined : text.trim().slice(0, 500);
}

export type Query = Readonly<Record<string, string | number>>;

export interface MetrcRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
}

/** One user key at one facility: what every call of the adapter goes through. */
export interface MetrcConnection {
  call<T extends z.ZodType>(request: MetrcRequest, schema: T): Promise<z.output<T>>;
  /** Every row of a paged list. */
  all<T extends z.ZodType>(path: string, query: Query, item: T): Promise<z.output<T>[]>;
  /** Every row of a windowed list whose LastModified falls in [from, to], window by window (of `hours`, the setting's by default). */
  windowed<T extends z.ZodType>(path: string, query: Query, item: T, from: number, to: number, hours?: number): Promise<z.output<T>[]>;
  /** The facilities the user key may act for; throws `consent-expired` when Metrc refuses the key itself. */
  facilities(): Promise<z.output<typeof schemas.facilities>>;
}

export interface ConnectionInput {
  readonly settings: MetrcSettings;
  readonly fetch: typeof fetch;
  readonly budget: GetBudget;
  readonly userKey: string;
  readonly license: string;
  readonly now: () => Date;
  /** Told when Metrc refuses the key itself, before the error is thrown (the hub records the connection as revoked). */
  readonly onRevoked?: () => Promise<void>;
}

export const revoked = () =>
  new StateSystemError('consent-expired', 'CREDENTIALS_REVOKED', 'Metrc no longer accepts the user key: the license admin must create a new one in Metrc and enter it in the hub', {
    status: 401,
  });

export function metrcConnection(input: ConnectionInput): MetrcConnection {
  const { settings, license } = input;
  const authorization = `Basic ${Buffer.from(`${settings.vendorKey}:${input.userKey}`).toString('base64')}`;
  /** One check of the key per connection: a batch of 401s asks Metrc once. */
  let keyCheck: Promise<z.output<typeof schemas.facilities>> | undefined;

  async function exchange(request: MetrcRequest): Promise<{ status: number; body: unknown; text: string; retryAfter: string | null }> {
    const url = new URL(request.path, settings.baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const sentAt = input.now().toISOString();
    const send = async () => {
      try {
        const response = await input.fetch(url, {
          method: request.method,
          headers,
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        return { response, text: await response.text() };
      } catch (error) {
        const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
        // A write that got no answer may have happened at Metrc, or may still happen.
        throw new StateSystemError('transient', timedOut ? 'TIMEOUT' : 'NETWORK', timedOut ? `Metrc did not answer within ${settings.timeoutMs} ms` : 'The connection to Metrc failed or was dropped', {
          ...(request.method === 'GET' ? {} : { unsettledSince: sentAt }),
        });
      }
    };
    const { response, text } = request.method === 'GET' ? await input.budget.run(license, send) : await send();
    // Counted, and the facility paused for every instance until Metrc's Retry-After.
    if (request.method === 'GET' && response.status === 429) await input.budget.rateLimited(license, retryAfterMs(response.headers.get('retry-after')));
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Metrc answers some errors in plain text: kept as text.
    }
    return { status: response.status, body, text, retryAfter: response.headers.get('retry-after') };
  }

  async function facilities(): Promise<z.output<typeof schemas.facilities>> {
    const answer = await exchange({ method: 'GET', path: '/facilities/v2/' });
    if (answer.status === 401) {
      await input.onRevoked?.();
      throw revoked();
    }
    return interpret(answer, schemas.facilities);
  }

  /** A 401 means many things at Metrc (metrc.md §1); the key check says whether it is the key. */
  async function unauthorized(request: MetrcRequest, words: string | undefined): Promise<never> {
    keyCheck ??= facilities();
    const usable = await keyCheck;
    if (!usable.some((facility) => facility.License.Number === license)) {
      throw new StateSystemError('permanent', 'FACILITY_NOT_IN_KEY', `The Metrc user key cannot act for facility ${license}: its user must be given access to that facility`, { status: 401 });
    }
    throw new StateSystemError(
      'permanent',
      'UNAUTHORIZED',
      `Metrc refused ${request.method} ${request.path} (401: ${words ?? 'denied'}); the key works, so its user lacks a permission for this or the object does not exist at facility ${license}`,
      { status: 401 },
    );
  }

  function interpret<T extends z.ZodType>(answer: { status: number; body: unknown; text: string; retryAfter: string | null }, schema: T): z.output<T> {
    const { status, body, text } = answer;
    const words = wordsOf(body, text);
    if (status === 429) {
      const wait = retryAfterMs(answer.retryAfter);
      throw new StateSystemError('transient', 'RATE_LIMITED', words ?? 'Metrc rate limit', { status, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
    }
    if (status >= 500) throw new StateSystemError('transient', 'SERVER_ERROR', words ?? `Metrc answered HTTP ${status}`, { status });
    if (status === 400) throw new StateSystemError('permanent', schemas.rowErrors.safeParse(body).success ? 'REFUSED_ROWS' : 'REFUSED', words ?? 'Metrc refused the request', { status });
    if (status === 413) throw new StateSystemError('permanent', 'TOO_MANY_OBJECTS', words ?? 'Too many objects in one write', { status });
    if (status === 404 || status === 405) throw new StateSystemError('permanent', status === 404 ? 'NO_SUCH_ROUTE' : 'ROUTE_NOT_ALLOWED', words ?? `HTTP ${status}`, { status });
    if (status >= 400) throw new StateSystemError('permanent', `HTTP_${status}`, words ?? `Metrc answered HTTP ${status}`, { status });
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      // The contract moved under us: retried, then parked in the DLQ until the adapter is fixed and redriven.
      throw new StateSystemError('transient', 'UNEXPECTED_RESPONSE', `Metrc's answer did not match the recorded shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { status });
    }
    return parsed.data;
  }

  async function call<T extends z.ZodType>(request: MetrcRequest, schema: T): Promise<z.output<T>> {
    const answer = await exchange(request);
    if (answer.status === 401) return unauthorized(request, wordsOf(answer.body, answer.text));
    return interpret(answer, schema);
  }

  async function all<T extends z.ZodType>(path: string, query: Query, item: T): Promise<z.output<T>[]> {
    const rows: z.output<T>[] = [];
    const pageSize = Math.min(settings.pageSize, MAX_PAGE_SIZE);
    for (let pageNumber = 1; ; pageNumber += 1) {
      const answer = await call({ method: 'GET', path, query: { ...query, pageNumber, pageSize } }, schemas.page(item));
      rows.push(...(answer.Data as z.output<T>[]));
      if (pageNumber >= answer.TotalPages || answer.Data.length === 0) return rows;
    }
  }

  async function windowed<T extends z.ZodType>(path: string, query: Query, item: T, from: number, to: number, hours = settings.windowHours): Promise<z.output<T>[]> {
    const rows: z.output<T>[] = [];
    for (const { start, end } of windows(from, to, hours, Number.POSITIVE_INFINITY)) {
      rows.push(...(await all(path, { ...query, lastModifiedStart: requestTime(start, settings.timeZone), lastModifiedEnd: requestTime(end, settings.timeZone) }, item)));
    }
    return rows;
  }

  return { call, all, windowed, facilities };
}
