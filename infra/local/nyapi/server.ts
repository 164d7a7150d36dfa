/**
 * A local HTTP emulator of the NY-API (BioTrack v2024), as reconstructed in docs/ny-api.md: OAuth consent
 * and user sessions, the transfer routes under `/v1` with the state system's rules, ExternalID replays,
 * injected faults, and control routes under `/_emulator` for tests and demos.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { AuthStore } from './auth.ts';
import type { OAuthClient, TokenOutcome } from './auth.ts';
import { EmulatorClock } from './clock.ts';
import { faultConfigSchema, FaultPlan } from './faults.ts';
import type { FaultConfig, FaultDecision, FaultKind } from './faults.ts';
import { NyModel } from './model.ts';
import type { ApiError, ErrorCode } from './model.ts';
import { compileTemplates } from '../path-templates.ts';
import { apiRoutes } from './routes.ts';
import type { ApiAnswer, World } from './routes.ts';
import { missingIsRequired, validationDetails, validationFailure } from './requests.ts';
import type { ValidationDetail } from './requests.ts';
import { emulatorSeedSchema } from './seed.ts';
import { employeeShape, inventoryShape, invoiceShape, manifestShape, transferShape, vehicleShape } from './shapes.ts';

export interface NyApiEmulatorOptions {
  /** 0 or absent: a free port. Always listens on 127.0.0.1. */
  readonly port?: number;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export interface NyApiEmulator {
  readonly url: string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  NO_ITEMS: 400,
  TOO_MANY_PACKAGES: 400,
  UNAUTHORIZED: 401,
  AUTH_EXPIRED: 401,
  CONSENT_EXPIRED: 401,
  USER_SESSION_REQUIRED: 401,
  FORBIDDEN: 403,
  NOT_RECEIVER: 403,
  NOT_FOUND: 404,
  ALREADY_ON_OPEN_MANIFEST: 409,
  ALREADY_SHIPPED: 409,
  NOT_SHIPPED: 409,
  ALREADY_ARRIVED: 409,
  NOT_ARRIVED: 409,
  ALREADY_RECEIVED: 409,
  MANIFEST_RECEIVED: 409,
  ALREADY_VOIDED: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  DRIVER_REQUIRED: 422,
  VEHICLE_REQUIRED: 422,
  TRANSPORTER_REQUIRED: 422,
  MISSING_PRICE: 422,
  INVALID_TIMES: 422,
  INVALID_QUANTITY: 422,
  DUPLICATE_STOP_LOCATION: 422,
  DUPLICATE_ITEM: 422,
  INVOICE_VOIDED: 422,
  INVOICE_BUYER_MISMATCH: 422,
  ITEMS_MISSING: 422,
  UNEXPECTED_ITEMS: 422,
  REJECT_REASON_REQUIRED: 422,
  RATE_LIMITED: 429,
  SERVER_ERROR: 503,
};

/** One request as `GET /_emulator/calls` reports it. */
interface CallRecord {
  readonly seq: number;
  readonly at: string;
  readonly method: string;
  readonly path: string;
  /** The matched route template; the path itself when no route matched. */
  route: string;
  license?: string;
  user?: string;
  externalId?: string;
  /** The HTTP status sent; 0 when the response was dropped. */
  status: number;
  errorCode?: string;
  fault?: FaultKind;
  replay?: boolean;
  transactionId?: number;
}

/** The first successful answer to a write with an ExternalID, replayed verbatim on a repeat. */
interface Replay {
  readonly fingerprint: string;
  readonly status: number;
  readonly body: unknown;
  readonly transactionId?: number;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}


async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Sorted keys, so that two bodies that mean the same compare equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function externalIdOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || !('ExternalID' in body)) return undefined;
  return typeof body.ExternalID === 'string' ? body.ExternalID : undefined;
}

function errorBody(error: ApiError): Record<string, unknown> {
  return { Error: error.message, ErrorCode: error.code, ...(error.details === undefined ? {} : { Details: error.details }) };
}

/** Only the parameters a route reads, each at most once: a filter the contract does not define must not pass unnoticed. */
function queryProblems(query: URLSearchParams, accepted: readonly string[], route: string): ValidationDetail[] {
  const names = [...query.keys()];
  return [...new Set(names)].flatMap((name) => {
    if (!accepted.includes(name)) {
      const takes = accepted.length ? `it takes ${accepted.join(', ')}` : 'it takes none';
      return [{ path: name, message: `${name} is not a query parameter of ${route} (${takes})` }];
    }
    return names.filter((n) => n === name).length > 1 ? [{ path: name, message: `${name} is given more than once` }] : [];
  });
}

const clockSchema = z
  .object({ advanceSeconds: z.number().nonnegative().optional(), advanceDays: z.number().nonnegative().optional() })
  .refine((body) => body.advanceSeconds !== undefined || body.advanceDays !== undefined, { error: 'advanceSeconds or advanceDays is required' });

function createWorld(client: OAuthClient): World {
  const clock = new EmulatorClock();
  return { clock, model: new NyModel(clock), auth: new AuthStore(clock, client) };
}

export async function startNyApiEmulator(options: NyApiEmulatorOptions = {}): Promise<NyApiEmulator> {
  const client: OAuthClient = { clientId: options.clientId ?? 'hub-local', clientSecret: options.clientSecret ?? 'hub-local-secret' };
  const matchRoute = compileTemplates(apiRoutes, (route) => route.template);
  /** Aborts every held request (latency, timeout faults) when the emulator stops. */
  const stopping = new AbortController();

  let world = createWorld(client);
  let faults = new FaultPlan();
  let faultConfig: FaultConfig = { rules: [] };
  let calls: CallRecord[] = [];
  let replays = new Map<string, Replay>();

  const send = (response: ServerResponse, reply: Reply) => {
    if (response.destroyed) return;
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const contentType = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    response.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
    response.end(text);
  };

  /** An error as the API answers it: `{Error, ErrorCode, Details?}`, or legacy HTTP 200 `{success:0, …}`. */
  const errorReply = (error: ApiError, legacy: boolean, status = ERROR_STATUS[error.code], headers?: Record<string, string>): Reply => {
    if (legacy) return { status: 200, body: { success: 0, error: error.message, errorcode: error.code }, ...(headers ? { headers } : {}) };
    return { status, body: errorBody(error), ...(headers ? { headers } : {}) };
  };

  // ---- OAuth (§2) ----

  const authorize = (url: URL, call: CallRecord): Reply => {
    const get = (name: string) => url.searchParams.get(name) ?? '';
    const redirectUri = get('redirect_uri');
    const state = get('state');
    const license = get('license');
    if (license) call.license = license;
    const redirect = URL.canParse(redirectUri) ? new URL(redirectUri) : undefined;
    if (get('response_type') !== 'code' || !state || !redirect) {
      return { status: 400, body: 'Bad request: response_type=code, client_id, redirect_uri, state and license are required' };
    }
    if (!world.auth.isClient(get('client_id'))) return { status: 400, body: 'Unknown client_id' };
    // The real server learns the consenting license from the admin's login; the emulator takes it from `license` and approves at once.
    if (!license || !world.model.licensees.has(license)) return { status: 400, body: 'Unknown license' };
    redirect.searchParams.set('code', world.auth.approve(license, redirectUri));
    redirect.searchParams.set('state', state);
    return { status: 302, body: '', headers: { location: redirect.toString() } };
  };

  const token = (request: IncomingMessage, body: Buffer, call: CallRecord, legacy: boolean): Reply => {
    const form = new URLSearchParams(body.toString('utf8'));
    const field = (name: string) => form.get(name) ?? undefined;
    let clientId = field('client_id');
    let clientSecret = field('client_secret');
    // client_secret_basic is accepted too (RFC 6749 §2.3.1).
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      clientId = id === undefined ? clientId : decodeURIComponent(id);
      clientSecret = secret === undefined ? clientSecret : decodeURIComponent(secret);
    }
    let outcome: TokenOutcome;
    switch (field('grant_type')) {
      case 'authorization_code':
        outcome = world.auth.exchangeCode({ clientId, clientSecret, code: field('code'), redirectUri: field('redirect_uri') });
        break;
      case 'refresh_token':
        outcome = world.auth.refresh({ clientId, clientSecret, refreshToken: field('refresh_token') });
        break;
      default:
        outcome = { ok: false, status: 400, body: { error: 'unsupported_grant_type' } };
    }
    if (outcome.license) call.license = outcome.license;
    if (outcome.ok) return { status: 200, body: outcome.body, headers: { 'cache-control': 'no-store' } };
    call.errorCode = outcome.body['ErrorCode'] ?? outcome.body['error'];
    if (legacy) {
      return { status: 200, body: { success: 0, error: outcome.body['error_description'] ?? outcome.body['error'], errorcode: call.errorCode } };
    }
    return { status: outcome.status, body: outcome.body };
  };

  // ---- /v1 ----

  const apiReply = (request: IncomingMessage, url: URL, body: Buffer, call: CallRecord, legacy: boolean): Reply => {
    const fail = (error: ApiError): Reply => {
      call.errorCode = error.code;
      return errorReply(error, legacy);
    };
    const found = matchRoute(request.method ?? 'GET', url.pathname);
    if (!found) return fail({ code: 'NOT_FOUND', message: `No route ${request.method ?? 'GET'} ${url.pathname}` });
    const { route, pathParameters: params } = found;

    const auth = world.auth.authenticate(request.headers.authorization);
    if (!auth.ok) return fail({ code: auth.code, message: auth.message });
    const license = auth.license;
    call.license = license;

    // ny-api.md §2: every call after the login sends the user's session, reads included.
    const sessionHeader = request.headers['x-session-token'];
    const user = world.auth.sessionUser(Array.isArray(sessionHeader) ? sessionHeader[0] : sessionHeader, license);
    if (user) call.user = user;
    if (!route.opensSession && !user) {
      return fail({ code: 'USER_SESSION_REQUIRED', message: 'Every call needs X-Session-Token of a live user session of this license (POST /v1/user/login)' });
    }

    const unknownQuery = queryProblems(url.searchParams, route.query ?? [], `${route.method} ${route.template}`);
    if (unknownQuery.length) return fail(validationFailure(unknownQuery));

    let json: unknown;
    if (body.length > 0) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return fail({ code: 'VALIDATION', message: 'The request body is not valid JSON', details: [{ path: '', message: 'malformed JSON' }] });
      }
    }
    const externalId = externalIdOf(json);
    if (externalId !== undefined) call.externalId = externalId;

    // A repeated ExternalID for the same object type and license is a replay (ny-api.md §5).
    const replayKey = route.replay && externalId !== undefined ? `${route.replay}|${license}|${externalId}` : undefined;
    const fingerprint = canonicalJson({ path: url.pathname, body: json });
    const original = replayKey === undefined ? undefined : replays.get(replayKey);
    if (original) {
      if (original.fingerprint !== fingerprint) {
        return fail({
          code: 'IDEMPOTENCY_CONFLICT',
          message: `ExternalID ${externalId ?? ''} was already used with a different request`,
          details: { ExternalID: externalId },
        });
      }
      call.replay = true;
      if (original.transactionId !== undefined) call.transactionId = original.transactionId;
      return { status: original.status, body: original.body };
    }

    const answer: ApiAnswer = route.handle(world, { license, params, query: url.searchParams, headers: request.headers, body: json });
    if ('error' in answer) return fail(answer.error);
    if (answer.user) call.user = answer.user;
    if (answer.transactionId !== undefined) call.transactionId = answer.transactionId;
    if (replayKey !== undefined) {
      replays.set(replayKey, { fingerprint, status: answer.status, body: answer.body, ...(answer.transactionId === undefined ? {} : { transactionId: answer.transactionId }) });
    }
    return { status: answer.status, body: answer.body };
  };

  /** What a request does once no fault has stopped it. */
  const applied = (request: IncomingMessage, url: URL, body: Buffer | undefined, call: CallRecord, legacy: boolean): Reply => {
    if (!body) {
      call.errorCode = 'PAYLOAD_TOO_LARGE';
      return errorReply({ code: 'PAYLOAD_TOO_LARGE', message: `The request body exceeds ${MAX_BODY_BYTES} bytes` }, legacy);
    }
    if (url.pathname === '/oauth' && request.method === 'GET') return authorize(url, call);
    if (url.pathname === '/oauth/token' && request.method === 'POST') return token(request, body, call, legacy);
    return apiReply(request, url, body, call, legacy);
  };

  /** The route template a request matches, which is what fault rules name. */
  const templateOf = (method: string, path: string): string => {
    if (path === '/oauth/token' || path === '/oauth') return path;
    return matchRoute(method, path)?.route.template ?? path;
  };

  const finish = (call: CallRecord) => options.log?.({ ...call });

  const handleTraffic = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const method = request.method ?? 'GET';
    const call: CallRecord = { seq: calls.length + 1, at: world.clock.iso(), method, path: url.pathname, route: templateOf(method, url.pathname), status: 0 };
    calls.push(call);
    // Held requests end early when the client goes away or the emulator stops.
    const gone = new AbortController();
    response.on('close', () => gone.abort());
    const held = AbortSignal.any([gone.signal, stopping.signal]);
    const drop = () => {
      call.status = 0;
      request.socket.destroy();
    };

    const faultable = url.pathname.startsWith('/v1/') || url.pathname === '/oauth/token';
    const decision: FaultDecision = faultable ? faults.decide(method, call.route) : {};
    const legacy = decision.rule?.legacyErrors === true;
    try {
      const body = await readBody(request);
      if (decision.rule?.latencyMs) await sleep(decision.rule.latencyMs, undefined, { signal: held });
      if (decision.kind) call.fault = decision.kind;
      let reply: Reply;
      if (decision.kind === '429') {
        call.errorCode = 'RATE_LIMITED';
        const retryAfter = String(decision.rule?.retryAfterSeconds ?? 1);
        reply = errorReply({ code: 'RATE_LIMITED', message: 'Too many requests' }, legacy, 429, { 'retry-after': retryAfter });
      } else if (decision.kind === '5xx') {
        call.errorCode = 'SERVER_ERROR';
        reply = errorReply({ code: 'SERVER_ERROR', message: 'The server is temporarily unavailable' }, legacy, decision.rule?.status5xx ?? 503);
      } else if (decision.kind === 'timeout') {
        await sleep(decision.rule?.timeoutMs ?? DEFAULT_TIMEOUT_MS, undefined, { signal: held });
        drop();
        return;
      } else {
        if (decision.rule?.lateCommitMs) {
          // Only the emulator stopping ends this hold: a caller that gave up does not stop the commit.
          await sleep(decision.rule.lateCommitMs, undefined, { signal: stopping.signal });
          call.fault ??= 'late-commit';
        }
        reply = applied(request, url, body, call, legacy);
      }
      if (decision.kind === 'commit-then-drop') {
        // The change is committed; the caller never hears about it.
        drop();
        return;
      }
      if (gone.signal.aborted) return;
      call.status = reply.status;
      send(response, reply);
    } catch (error) {
      if (!held.aborted) {
        call.status = 500;
        call.errorCode = 'SERVER_ERROR';
        throw error;
      }
      drop();
    } finally {
      finish(call);
    }
  };

  // ---- Control routes (never faulted, not in the call log) ----

  const stateBody = () => {
    const { model, clock } = world;
    const sessionTime = clock.sessionTime();
    return {
      clock: clock.iso(),
      licensees: [...model.licensees.values()].map((licensee) => ({
        LocationLicense: licensee.LocationLicense,
        UBI: licensee.UBI,
        Name: licensee.Name,
        inventory: model.inventoryOf(licensee.LocationLicense).map((lot) => inventoryShape(lot, sessionTime)),
      })),
      invoices: [...model.invoices.values()].map((invoice) => invoiceShape(invoice, sessionTime)),
      manifests: [...model.manifests.values()].map((manifest) => manifestShape(model, manifest, sessionTime)),
      inventoryTransfers: [...model.transfers.values()].map((transfer) => transferShape(model, transfer, sessionTime)),
      employees: [...model.employees.values()].map((employee) => ({ ...employeeShape(employee), LocationLicense: employee.LocationLicense })),
      vehicles: [...model.vehicles.values()].map((vehicle) => ({ ...vehicleShape(vehicle), LocationLicense: vehicle.LocationLicense })),
      created: { ...model.created },
    };
  };

  const control = (method: string, url: URL, body: Buffer): Reply => {
    let json: unknown = {};
    if (body.length > 0) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return { status: 400, body: errorBody({ code: 'VALIDATION', message: 'The request body is not valid JSON' }) };
      }
    }
    const invalid = (error: z.ZodError): Reply => ({ status: 400, body: errorBody(validationFailure(validationDetails(error))) });
    switch (`${method} ${url.pathname}`) {
      case 'POST /_emulator/reset':
        world = createWorld(client);
        faults = new FaultPlan();
        faultConfig = { rules: [] };
        calls = [];
        replays = new Map();
        return { status: 200, body: { reset: true } };
      case 'POST /_emulator/seed': {
        const seed = emulatorSeedSchema.safeParse(json, missingIsRequired);
        return seed.success ? { status: 200, body: world.model.seed(seed.data) } : invalid(seed.error);
      }
      case 'PUT /_emulator/faults': {
        const config = faultConfigSchema.safeParse(json, missingIsRequired);
        if (!config.success) return invalid(config.error);
        faultConfig = config.data;
        faults = new FaultPlan(config.data);
        return { status: 200, body: faultConfig };
      }
      case 'GET /_emulator/faults':
        return { status: 200, body: faultConfig };
      case 'DELETE /_emulator/faults':
        faultConfig = { rules: [] };
        faults = new FaultPlan();
        return { status: 200, body: faultConfig };
      case 'PUT /_emulator/clock': {
        const advance = clockSchema.safeParse(json, missingIsRequired);
        if (!advance.success) return invalid(advance.error);
        world.clock.advance((advance.data.advanceSeconds ?? 0) + (advance.data.advanceDays ?? 0) * 86_400);
        return { status: 200, body: { now: world.clock.iso() } };
      }
      case 'GET /_emulator/clock':
        return { status: 200, body: { now: world.clock.iso() } };
      case 'GET /_emulator/calls': {
        const since = Number(url.searchParams.get('since') ?? 0);
        return { status: 200, body: { calls: calls.filter((call) => call.seq > since) } };
      }
      case 'GET /_emulator/state':
        return { status: 200, body: stateBody() };
      case 'DELETE /_emulator/sessions':
        // As a server restart would: clients must log in again; access tokens and consent stay.
        return { status: 200, body: { ended: world.auth.endSessions() } };
      default:
        return { status: 404, body: errorBody({ code: 'NOT_FOUND', message: `No control route ${method} ${url.pathname}` }) };
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/_emulator/')) {
      const body = await readBody(request);
      send(response, body ? control(request.method ?? 'GET', url, body) : { status: 413, body: errorBody({ code: 'PAYLOAD_TOO_LARGE', message: 'Body too large' }) });
      return;
    }
    await handleTraffic(request, response, url);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      if (!response.headersSent) send(response, { status: 500, body: errorBody({ code: 'SERVER_ERROR', message: 'Internal emulator error' }) });
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve, reject) => {
        stopping.abort();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
