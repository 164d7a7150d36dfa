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
 * Metrc's GET limits (metrc.md §1: per facility and per integrator key, per second and in flight),
 * one budget for every licensee this process serves: a GET waits for room rather than earn a 429.
 */
export class GetBudget {
  readonly #limits: MetrcBudgetLimits;
  readonly #sent = new Map<string, number[]>();
  readonly #inFlight = new Map<string, number>();
  readonly #waiting: (() => void)[] = [];

  constructor(limits: MetrcBudgetLimits) {
    this.#limits = limits;
  }

  async run<T>(facility: string, call: () => Promise<T>): Promise<T> {
    const keys = [`facility:${facility}`, 'integrator'] as const;
    for (;;) {
      const now = Date.now();
      const recent = keys.map((key) => (this.#sent.get(key) ?? []).filter((at) => at > now - 1000));
      keys.forEach((key, i) => this.#sent.set(key, recent[i] ?? []));
      const [facilityRecent = [], integratorRecent = []] = recent;
      const roomPerSecond = facilityRecent.length < this.#limits.perFacilityPerSecond && integratorRecent.length < this.#limits.perIntegratorPerSecond;
      const roomInFlight = (this.#inFlight.get(keys[0]) ?? 0) < this.#limits.concurrentPerFacility && (this.#inFlight.get(keys[1]) ?? 0) < this.#limits.concurrentPerIntegrator;
      if (roomPerSecond && roomInFlight) break;
      const oldest = Math.min(...[facilityRecent, integratorRecent].filter((list) => list.length > 0).map((list) => list[0] ?? now));
      // Wait for a slot to free up: the oldest send leaving the second, or a call in flight ending.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, roomPerSecond ? 1000 : Math.max(1, oldest + 1000 - now));
        const waiter = () => done();
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiting.push(waiter);
      });
    }
    for (const key of keys) {
      this.#sent.get(key)?.push(Date.now());
      this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    }
    try {
      return await call();
    } finally {
      for (const key of keys) this.#inFlight.set(key, (this.#inFlight.get(key) ?? 1) - 1);
      this.#waiting.splice(0).forEach((wake) => wake());
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
