/**
 * A local HTTP emulator of Metrc's New York API, as reconstructed in docs/metrc.md: HTTP Basic auth
 * with integrator and user keys, facilities and permissions per key (and Metrc's 401 for all of
 * them), licenseNumber scoping, paging and lastModified windows, array writes, GET rate limits,
 * injected faults, and under `/_emulator` the human steps of Metrc's web app plus test levers.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as z from 'zod';
import { compileTemplates } from '../path-templates.ts';
import { EmulatorClock } from './clock.ts';
import { mergeConfig, metrcConfigSchema } from './config.ts';
import type { MetrcConfig, MetrcConfigInput } from './config.ts';
import { arriveSchema, clockSchema, deliveryStepSchema, departSchema, editSchema, packageChangeSchema, receiveSchema, registerSchema, revokeSchema, voidSchema } from './control.ts';
import { badRequest, MetrcFailure, unauthorized } from './errors.ts';
import type { RowError } from './errors.ts';
import { faultConfigSchema, FaultPlan } from './faults.ts';
import type { FaultDecision, FaultKind } from './faults.ts';
import { idSequenceFile } from './id-sequences.ts';
import type { IdSequenceStore } from './id-sequences.ts';
import { MetrcModel } from './model.ts';
import type { Facility, Transfer, UserKey } from './model.ts';
import { GetLimiter } from './rate-limit.ts';
import { rowIssues } from './requests.ts';
import { metrcRoutes } from './routes.ts';
import type { Route, RouteAnswer, RouteContext, Row } from './routes.ts';
import { seedSchema } from './seed.ts';
import type { MetrcSeed } from './seed.ts';
import { packageShape, transferShape } from './shapes.ts';
import { parseRequestTime, responseTime } from './time.ts';

export interface MetrcEmulatorOptions {
  /** 0 or absent: a free port. Always 127.0.0.1. */
  readonly port?: number;
  /** Settings (config.ts); every [inferred] behaviour is one. */
  readonly config?: MetrcConfigInput;
  /** Seeded at start and again after every reset. */
  readonly seed?: MetrcSeed;
  /** The emulator clock's start, e.g. a day before a NY rule takes effect. */
  readonly now?: string;
  /** Keeps the id counters in this file across runs (and resets), so no id names two objects; none: every run starts at the bases. */
  readonly idSequencesFile?: string;
  readonly log?: (entry: Record<string, unknown>) => void;
}

export interface MetrcEmulator {
  readonly url: string;
  /** The integrator key the emulator accepts first (Basic-auth username). */
  readonly vendorKey: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

interface CallRecord {
  readonly seq: number;
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  route: string;
  license?: string;
  status: number;
  fault?: FaultKind | 'late-commit' | 'rate-limit';
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
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

function basicCredentials(header: string | undefined): { vendorKey: string; userKey: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { vendorKey: decoded.slice(0, colon), userKey: decoded.slice(colon + 1) };
}

/** Query names are case-insensitive, as in ASP.NET; the value is the first given. */
function queryOf(url: URL): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    const key = name.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function paging(query: Map<string, string[]>, config: MetrcConfig): { number: number; size: number } | undefined {
  const read = (name: string): number | undefined => {
    const raw = query.get(name.toLowerCase())?.[0];
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest(`The value '${raw}' is not valid for ${name}.`);
    return Number(raw);
  };
  const number = read('pageNumber');
  const size = read('pageSize');
  if (number === undefined && size === undefined) return undefined;
  if (size !== undefined && size > config.maxPageSize) throw badRequest(`The page size cannot exceed ${config.maxPageSize}.`);
  return { number: number ?? 1, size: size ?? config.defaultPageSize };
}

function windowFilter(query: Map<string, string[]>, config: MetrcConfig, nowMs: number): (row: Row) => boolean {
  const read = (name: string): number | undefined => {
    const raw = query.get(name.toLowerCase())?.[0];
    if (raw === undefined) return undefined;
    const at = parseRequestTime(raw, config.timeZone);
    if (at === undefined) throw badRequest(`The value '${raw}' is not valid for ${name}.`);
    return at;
  };
  const start = read('lastModifiedStart');
  const end = read('lastModifiedEnd');
  if (start === undefined && end === undefined) {
    // metrc.md §1: without a window the list silently holds only a recent subset.
    const since = nowMs - config.window.unwindowedRecentHours * 3_600_000;
    return (row) => row.lastModifiedMs >= since;
  }
  const strict = config.window.mode === 'strict-24h';
  if (strict && (start === undefined || end === undefined)) throw badRequest('Both lastModifiedStart and lastModifiedEnd must be specified.');
  if (start !== undefined && end !== undefined && end < start) throw badRequest('The lastModifiedEnd cannot be before lastModifiedStart.');
  if (strict && start !== undefined && end !== undefined && end - start > config.window.maxHours * 3_600_000) {
    throw badRequest(`The date range between lastModifiedStart and lastModifiedEnd cannot exceed ${config.window.maxHours} hours.`);
  }
  return (row) => (start === undefined || row.lastModifiedMs >= start) && (end === undefined || row.lastModifiedMs <= end);
}

function envelope(rows: readonly unknown[], page: { number: number; size: number } | undefined): Record<string, unknown> {
  const total = rows.length;
  const size = page?.size ?? total;
  const number = page?.number ?? 1;
  const data = page ? rows.slice((number - 1) * size, number * size) : rows;
  return {
    Data: data,
    Total: total,
    TotalRecords: total,
    PageSize: size,
    RecordsOnPage: data.length,
    Page: number,
    CurrentPage: number,
    TotalPages: size === 0 ? 0 : Math.ceil(total / size),
  };
}

function createWorld(options: MetrcEmulatorOptions, config: MetrcConfig, ids?: IdSequenceStore, from?: MetrcModel): { clock: EmulatorClock; model: MetrcModel; config: MetrcConfig } {
  const clock = new EmulatorClock(options.now);
  const world = { clock, config, model: undefined as unknown as MetrcModel };
  world.model = ids ? new MetrcModel(clock, () => world.config, from?.sequences() ?? ids.initial, (sequences) => ids.save(sequences)) : new MetrcModel(clock, () => world.config);
  if (options.seed) world.model.seed(seedSchema.parse(options.seed));
  return world;
}

export async function startMetrcEmulator(options: MetrcEmulatorOptions = {}): Promise<MetrcEmulator> {
  const initialConfig = metrcConfigSchema.parse(options.config ?? {});
  const matchRoute = compileTemplates(metrcRoutes, (route) => route.template);
  const stopping = new AbortController();
  const ids = options.idSequencesFile ? idSequenceFile(options.idSequencesFile) : undefined;
  let world = createWorld(options, initialConfig, ids);
  let faults = new FaultPlan();
  let limiter = new GetLimiter();
  let calls: CallRecord[] = [];

  const send = (response: ServerResponse, reply: Reply) => {
    if (response.destroyed) return;
    if (reply.body === undefined) {
      response.writeHead(reply.status, { 'content-length': '0', ...reply.headers });
      response.end();
      return;
    }
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const contentType = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    response.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
    response.end(text);
  };

  const templateOf = (method: string, path: string): string => matchRoute(method, path)?.route.template ?? path;

  /** 404 for a path no route serves, 405 for a method the path does not take and for purged routes. */
  const unrouted = (method: string, path: string): Reply => {
    const otherMethod = (['GET', 'POST', 'PUT', 'DELETE'] as const).some((m) => m !== method && matchRoute(m, path));
    if (otherMethod) return { status: 405, body: { Message: `The requested resource does not support http method '${method}'.` } };
    return { status: 404, body: { Message: `No HTTP resource was found that matches the request URI '${path}'.` } };
  };

  const authenticate = (header: string | undefined): UserKey => {
    const credentials = basicCredentials(header);
    if (!credentials || !world.config.vendorKeys.includes(credentials.vendorKey)) throw unauthorized();
    const user = world.model.userKeys.get(credentials.userKey);
    if (!user || user.revoked) throw unauthorized();
    return user;
  };

  const allowed = (user: UserKey, license: string, route: Route): boolean => {
    const grant = user.grants.get(license);
    return grant !== undefined && (route.permissions.length === 0 || route.permissions.some((p) => grant.has(p)));
  };

  const rowsOf = (route: Route, body: Buffer): unknown[] => {
    if (!route.body) return [];
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      throw badRequest('The request is invalid: the body is not valid JSON.');
    }
    if (!Array.isArray(json)) throw badRequest('The request is invalid: the body must be a JSON array of objects.');
    if (json.length === 0) throw badRequest('The request is invalid: the array holds no objects.');
    if (json.length > world.config.maxObjectsPerWrite) {
      throw new MetrcFailure(413, { Message: `The request holds ${json.length} objects; at most ${world.config.maxObjectsPerWrite} are accepted per call.` });
    }
    const schema = route.body;
    const problems: RowError[] = [];
    const rows = json.map((element, row) => {
      const parsed = schema.safeParse(element);
      if (parsed.success) return parsed.data;
      problems.push(...rowIssues(row, element, parsed.error));
      return undefined;
    });
    if (problems.length) throw new MetrcFailure(400, problems);
    return rows;
  };

  const apply = async (request: IncomingMessage, url: URL, body: Buffer, call: CallRecord): Promise<Reply> => {
    const method = request.method ?? 'GET';
    const found = matchRoute(method, url.pathname);
    if (!found) return unrouted(method, url.pathname);
    const { route, pathParameters } = found;
    if (world.config.purgedRoutes.includes(`${method} ${route.template}`)) return { status: 405, body: { Message: `The requested resource does not support http method '${method}'.` } };

    const user = authenticate(request.headers.authorization);
    const query = queryOf(url);
    if (world.config.strictQuery) {
      const accepted = [...(route.license === 'none' ? [] : ['licensenumber']), ...(route.windowed ? ['lastmodifiedstart', 'lastmodifiedend'] : []), ...(route.paged ? ['pagenumber', 'pagesize'] : [])];
      for (const [name, values] of query) {
        if (!accepted.includes(name)) throw badRequest(`The query parameter '${name}' is not supported by ${method} ${route.template}.`);
        if (values.length > 1) throw badRequest(`The query parameter '${name}' is given more than once.`);
      }
    }
    const license = query.get('licensenumber')?.[0];
    if (license !== undefined) call.license = license;
    let facility: Facility | undefined;
    if (route.license !== 'none') {
      if (license === undefined || license === '') {
        if (route.license === 'required') throw badRequest('No license number was specified.');
      } else {
        facility = world.model.facility(license);
        if (!facility || !allowed(user, license, route)) throw unauthorized();
      }
    } else if (route.permissions.length > 0 && ![...user.grants.keys()].some((l) => allowed(user, l, route))) {
      throw unauthorized();
    }
    const page = route.paged ? paging(query, world.config) : undefined;
    const keep = route.windowed ? windowFilter(query, world.config, world.clock.nowMs()) : undefined;
    const context: RouteContext = {
      model: world.model,
      config: world.config,
      user,
      facility,
      params: pathParameters,
      rows: rowsOf(route, body),
      allowedAt: (l) => allowed(user, l, route),
    };
    const answer: RouteAnswer = await route.handle(context);
    if (!('rows' in answer)) return answer;
    const rows = (keep ? answer.rows.filter(keep) : answer.rows).map((r) => r.row);
    return { status: 200, body: route.paged ? envelope(rows, page) : rows };
  };

  const handleTraffic = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const method = request.method ?? 'GET';
    const call: CallRecord = { seq: calls.length + 1, at: responseTime(world.clock.nowMs()), method, path: url.pathname, query: url.search, route: templateOf(method, url.pathname), status: 0 };
    calls.push(call);
    const gone = new AbortController();
    response.on('close', () => {
      gone.abort();
    });
    const held = AbortSignal.any([gone.signal, stopping.signal]);
    const drop = () => {
      call.status = 0;
      request.socket.destroy();
    };
    let release: (() => void) | undefined;
    try {
      // metrc.md §1: GET budgets, counted before anything else runs so that held GETs count as concurrent.
      if (method === 'GET' && world.config.rateLimits.enabled) {
        const integrator = basicCredentials(request.headers.authorization)?.vendorKey ?? '';
        const license = queryOf(url).get('licensenumber')?.[0] ?? `key:${basicCredentials(request.headers.authorization)?.userKey ?? ''}`;
        const verdict = limiter.admit(world.config.rateLimits, Date.now(), integrator, license);
        if (!verdict.ok) {
          call.fault = 'rate-limit';
          call.status = 429;
          send(response, { status: 429, body: { Message: `Too many requests: ${verdict.reason}.` }, headers: { 'retry-after': String(world.config.rateLimits.retryAfterSeconds) } });
          return;
        }
        release = verdict.release;
      }
      const decision: FaultDecision = faults.decide(method, call.route);
      const body = await readBody(request);
      if (decision.rule?.latencyMs) await sleep(decision.rule.latencyMs, undefined, { signal: held });
      if (decision.kind) call.fault = decision.kind;
      let reply: Reply;
      if (!body) {
        reply = { status: 413, body: { Message: `The request body exceeds ${MAX_BODY_BYTES} bytes.` } };
      } else if (decision.kind === '429') {
        reply = { status: 429, body: { Message: 'Too many requests.' }, headers: { 'retry-after': String(decision.rule?.retryAfterSeconds ?? 1) } };
      } else if (decision.kind === '5xx') {
        const status = decision.rule?.status5xx ?? 503;
        reply = { status, body: status === 500 ? { Message: 'An error has occurred.' } : 'Service Unavailable' };
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
        try {
          reply = await apply(request, url, body, call);
        } catch (error) {
          if (!(error instanceof MetrcFailure)) throw error;
          reply = { status: error.status, body: error.body, headers: error.headers };
        }
      }
      if (decision.kind === 'commit-then-drop') {
        drop();
        return;
      }
      if (gone.signal.aborted) return;
      call.status = reply.status;
      send(response, reply);
    } catch (error) {
      if (!held.aborted) {
        call.status = 500;
        throw error;
      }
      drop();
    } finally {
      release?.();
      options.log?.({ ...call });
    }
  };

  // ---- control routes (never faulted, never rate limited, not in the call log) ----

  const stepAnswer = (transfer: Transfer): Record<string, unknown> => ({
    Id: transfer.id,
    ManifestNumber: transfer.manifestNumber,
    OriginatingTemplateId: transfer.originatingTemplateId,
    LastModified: responseTime(transfer.lastModifiedMs),
    IsVoided: transfer.voided,
    Deliveries: transfer.deliveries.map((d) => ({
      DeliveryId: d.id,
      RecipientFacilityLicenseNumber: d.recipientLicense,
      Packages: d.packages.map((p) => ({ PackageLabel: p.label, ShipmentPackageState: p.state, ShippedQuantity: p.shippedQuantity, ReceivedQuantity: p.receivedQuantity })),
    })),
  });

  const stateBody = () => {
    const { model } = world;
    return {
      now: responseTime(world.clock.nowMs()),
      facilities: [...model.facilities.values()].map((f) => ({ licenseNumber: f.licenseNumber, name: f.name, role: f.role, facilityId: f.id })),
      userKeys: [...model.userKeys.values()].map((u) => ({ key: u.key, revoked: u.revoked, facilities: Object.fromEntries([...u.grants].map(([l, p]) => [l, [...p]])) })),
      packages: [...model.packages.values()].map((p) => ({ ...packageShape(p), holder: p.holder, inTransitOnDelivery: p.transitDeliveryId ?? null })),
      templates: [...model.templates.values()].map((t) => ({ Id: t.id, Name: t.name, licenseNumber: t.licenseNumber, archived: t.archived, deliveryIds: t.deliveries.map((d) => d.id) })),
      transfers: [...model.transfers.values()].map((t) => ({ ...transferShape(model, t), deliveries: stepAnswer(t)['Deliveries'] })),
    };
  };

  const control = async (method: string, url: URL, body: Buffer): Promise<Reply> => {
    let json: unknown = {};
    if (body.length > 0) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return { status: 400, body: { Message: 'The request body is not valid JSON.' } };
      }
    }
    const parse = <T extends z.ZodType>(schema: T): z.output<T> => {
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
      return parsed.data;
    };
    const { model } = world;
    switch (`${method} ${url.pathname}`) {
      case 'POST /_emulator/reset':
        world = createWorld(options, world.config, ids, world.model);
        faults = new FaultPlan();
        limiter = new GetLimiter();
        calls = [];
        return { status: 200, body: { reset: true } };
      case 'POST /_emulator/seed':
        return { status: 200, body: model.seed(parse(seedSchema)) };
      case 'POST /_emulator/keys/revoke': {
        const { key } = parse(revokeSchema);
        return model.revokeKey(key) ? { status: 200, body: { revoked: key } } : { status: 404, body: { Message: `No user key ${key}.` } };
      }
      case 'PUT /_emulator/packages':
        return { status: 200, body: packageShape(model.updatePackage(parse(packageChangeSchema).label, parse(packageChangeSchema))) };
      case 'GET /_emulator/config':
        return { status: 200, body: world.config };
      case 'PUT /_emulator/config': {
        const merged = metrcConfigSchema.safeParse(mergeConfig(world.config, json));
        if (!merged.success) return { status: 400, body: { Message: merged.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
        world.config = merged.data;
        return { status: 200, body: world.config };
      }
      case 'PUT /_emulator/faults':
        faults = new FaultPlan(parse(faultConfigSchema));
        return { status: 200, body: faults.config };
      case 'GET /_emulator/faults':
        return { status: 200, body: faults.config };
      case 'DELETE /_emulator/faults':
        faults = new FaultPlan();
        return { status: 200, body: faults.config };
      case 'PUT /_emulator/clock': {
        const change = parse(clockSchema);
        if (change.now !== undefined) world.clock.set(change.now);
        if (change.advanceSeconds !== undefined) world.clock.advance(change.advanceSeconds);
        return { status: 200, body: { now: responseTime(world.clock.nowMs()) } };
      }
      case 'GET /_emulator/clock':
        return { status: 200, body: { now: responseTime(world.clock.nowMs()) } };
      case 'GET /_emulator/calls': {
        const since = Number(url.searchParams.get('since') ?? 0);
        return { status: 200, body: { calls: calls.filter((c) => c.seq > since) } };
      }
      case 'GET /_emulator/state':
        return { status: 200, body: stateBody() };
      case 'POST /_emulator/ui/register':
        return { status: 200, body: stepAnswer(model.register(parse(registerSchema).templateId)) };
      case 'POST /_emulator/ui/depart': {
        const step = parse(departSchema);
        return { status: 200, body: stepAnswer(model.depart(step.transferId, step.deliveryId, step.at)) };
      }
      case 'POST /_emulator/ui/arrive': {
        const step = parse(arriveSchema);
        return { status: 200, body: stepAnswer(model.arrive(step.deliveryId, step.at)) };
      }
      case 'POST /_emulator/ui/receive': {
        const step = parse(receiveSchema);
        return { status: 200, body: stepAnswer(model.receive(step.deliveryId, step.packages)) };
      }
      case 'POST /_emulator/ui/void':
        return { status: 200, body: stepAnswer(model.void(parse(voidSchema).transferId)) };
      case 'POST /_emulator/ui/edit':
        return { status: 200, body: stepAnswer(model.edit(parse(editSchema))) };
      case 'POST /_emulator/ui/accept-rejected':
        return { status: 200, body: stepAnswer(model.acceptRejected(parse(deliveryStepSchema).deliveryId)) };
      default:
        return { status: 404, body: { Message: `No control route ${method} ${url.pathname}.` } };
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/_emulator/')) {
      const body = await readBody(request);
      if (!body) {
        send(response, { status: 413, body: { Message: 'The request body is too large.' } });
        return;
      }
      try {
        send(response, await control(request.method ?? 'GET', url, body));
      } catch (error) {
        if (!(error instanceof MetrcFailure)) throw error;
        send(response, { status: error.status, body: error.body });
      }
      return;
    }
    await handleTraffic(request, response, url);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      if (!response.headersSent) send(response, { status: 500, body: { Message: 'An error has occurred.' } });
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    vendorKey: initialConfig.vendorKeys[0] ?? '',
    close: () =>
      new Promise((resolve, reject) => {
        stopping.abort();
        ids?.flush();
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
