/**
 * `npm run bench:pipeline`: state submissions through local SQS to the NY-API emulator, once clean
 * and once with 20% injected faults (429, 503, timeouts, commit-then-drop), on a whole local hub.
 *
 * Each scenario has two phases on a fresh hub:
 *   live:    lifecycles driven over HTTP while the worker runs: how long a committed transition
 *            waits until the state system acknowledged it (commit → ack, p50/p99);
 *   backlog: BENCH_PIPELINE_SUBMISSIONS submissions (4 per lifecycle: manifest, ship, arrive,
 *            receive) committed with the worker stopped, then drained: the pipeline's throughput,
 *            without the HTTP driver (which on two cores is slower than the pipeline) in the way.
 * Then it checks nothing was lost or duplicated: every submission succeeded, and the emulator
 * created exactly as many objects as the hub reported. It also counts the DynamoDB capacity of the
 * backlog, from the first commit to the last acknowledgement, per lifecycle: the four transitions
 * with their outbox and every drain of their submissions (retries included).
 *
 * The targets are ratios within one run, because absolute times on shared machines move by 3× with
 * load: the faults drain against the clean drain of the same run, the clean p99 against the clean
 * p50. Each is printed with ✓/✗ and what it is compared with. The schedules (outbox sweep, inbound
 * pull, registry sync) run every minute, as they do in AWS.
 * Figures go to test-artifacts/bench-pipeline.json.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { repositoryRoot, startLocalHub } from '#infra/local/hub.ts';
import type { LocalHub } from '#infra/local/hub.ts';
import { LocalLambdaRuntime } from '#infra/local/lambda-runtime.ts';
import { startQueuePoller } from '#infra/local/queue-poller.ts';
import type { QueuePoller } from '#infra/local/queue-poller.ts';
import { functions } from '#shared/routes.ts';
import { demoLicensees, seedDemoData } from '#infra/local/seed.ts';
import { seedStateSystem } from '#infra/local/seed-state-system.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { capacityMeter } from '#shared/adapters/capacity-meter.ts';
import { readConfig } from '#shared/config.ts';
import { hubTable, stateSubmissionsQueue } from '#shared/resources.ts';
import { createSubmissionRepository } from '#shared/submissions/repository.ts';
import type { StoredSubmission } from '#shared/submissions/repository.ts';
import { percentile, pool, table } from './stats.ts';
import { client } from './transfers.ts';
import type { Client } from './transfers.ts';

const SUBMISSIONS = Number(process.env['BENCH_PIPELINE_SUBMISSIONS'] ?? 2000);
const LIVE_LIFECYCLES = Number(process.env['BENCH_PIPELINE_LIVE'] ?? 100);
const CONCURRENCY = 8;

/** Targets of issue 17, as ratios measured side by side in this run. */
const TARGETS = { faultsDrainShareOfClean: 0.5, cleanP99OverP50: 2 };
/**
 * DynamoDB capacity per full lifecycle with its submissions, measured by this bench before the
 * pipeline's waits moved to the queue (commit 3ba186f): the figure must not grow.
 */
const CAPACITY_BEFORE = { read: 63.9, write: 194 };

/** 20% of calls fail, in four kinds, on every NY-API route. */
const FAULTS = [{ route: '*', rate429: 0.05, retryAfterSeconds: 1, rate5xx: 0.05, status5xx: 503, rateTimeout: 0.05, timeoutMs: 2500, rateCommitThenDrop: 0.05 }];

async function emulator(hub: LocalHub, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${hub.urls.nyapi}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

let tagSequence = 0;
const nextTag = () => `7${String(Date.now() % 1e9).padStart(9, '0')}${String((tagSequence += 1)).padStart(6, '0')}`;


interface World {
  readonly hub: LocalHub;
  readonly shipper: Client;
  readonly receiver: Client;
  readonly refs: { partnerId: string; driverId: string; vehicleId: string };
  readonly submissions: ReturnType<typeof createSubmissionRepository>;
}

async function world(hub: LocalHub): Promise<World> {
  const tenants = await seedDemoData({ env: hub.env, apiUrl: hub.urls.api });
  await seedStateSystem({ apiUrl: hub.urls.api, nyapiUrl: hub.urls.nyapi }, tenants);
  const distributor = tenants.find((t) => t.role === 'distributor');
  const processor = tenants.find((t) => t.role === 'processor');
  if (!distributor || !processor) throw new Error('no demo distributor or processor');
  const shipper = client(hub.urls.api, distributor.apiKey);
  const items = async (path: string) => (await shipper.call('GET', path))['items'] as Record<string, string>[];
  const partner = (await items('/v1/partners?limit=100')).find((p) => p['licenseNumber'] === processor.licenseNumber);
  const driver = (await items('/v1/drivers'))[0];
  const vehicle = (await items('/v1/vehicles')).find((v) => v['conveyance'] === 'van');
  if (!partner?.['id'] || !driver?.['id'] || !vehicle?.['id']) throw new Error('demo registries incomplete');
  const { dynamodb } = createAwsClients(readConfig({ ...hub.env, DYNAMODB_CAPACITY_METER: 'false' }));
  return {
    hub,
    shipper,
    receiver: client(hub.urls.api, processor.apiKey),
    refs: { partnerId: partner['id'], driverId: driver['id'], vehicleId: vehicle['id'] },
    submissions: createSubmissionRepository(dynamodb, hubTable.name),
  };
}

/** Fresh packages in the distributor's state inventory. */
async function inventory(hub: LocalHub, count: number): Promise<string[]> {
  const { registration } = demoLicensees.find((l) => l.role === 'distributor') ?? {};
  const link = registration?.stateSystem;
  if (!registration || !link?.stateLicenseNumber || !link.ubi) throw new Error('the distributor is not integrated');
  const tags = Array.from({ length: count }, nextTag);
  await emulator(hub, 'POST', '/_emulator/seed', {
    licensees: [{ LocationLicense: link.stateLicenseNumber, UBI: link.ubi, Name: registration.legalName, inventory: tags.map((ID) => ({ ID, ProductName: 'Bench', UOM: 'each', RemainingAmount: 100 })) }],
  });
  return tags;
}

/** One lifecycle over HTTP: four transitions that each owe the state system one submission. */
async function lifecycle(w: World, tag: string): Promise<string> {
  const departure = new Date(Date.now() + 3_600_000);
  const created = await w.shipper.call('POST', '/v1/transfers', {
    type: 'wholesale',
    receiverPartnerId: w.refs.partnerId,
    taxPayer: { taxPaid: true },
    driverIds: [w.refs.driverId],
    vehicleId: w.refs.vehicleId,
    estimatedDeparture: departure.toISOString(),
    estimatedArrival: new Date(departure.getTime() + 3_600_000).toISOString(),
    plannedRoute: 'I-90',
    lines: [{ tag, productName: 'Bench jar', category: 'flower', productionBatch: 'B-1', quantity: 10, unit: 'each', unitPrice: 5, labTestStatus: 'passed', finishedGoods: true, sample: false }],
  });
  const id = created['id'] as string;
  for (const action of ['manifest', 'depart', 'arrive']) await w.shipper.call('POST', `/v1/transfers/${id}/${action}`);
  await w.receiver.call('POST', `/v1/transfers/${id}/receipt`, {
    lines: [{ tag, outcome: 'accepted', acceptedQuantity: 10 }],
    receivedBy: { name: 'Bench Receiver', title: 'Receiving' },
  });
  return id;
}

const progress = (message: string) => process.stderr.write(`[${new Date().toISOString()}] ${message}\n`);

async function settled(w: World, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await w.submissions.open(1)).length > 0) {
    if (Date.now() > deadline) throw new Error(`Submissions still open after the time limit: ${JSON.stringify(await w.submissions.open(5))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function collect(w: World, ids: readonly string[]): Promise<StoredSubmission[]> {
  const all: StoredSubmission[] = [];
  await pool(ids, 16, async (id) => {
    all.push(...(await w.submissions.list(id)));
  });
  return all;
}

/**
 * Where a submission's time goes, seen from outside the hub's code: each invocation of the
 * submitter (one batch the poller received), the messages it held (with SQS's sent timestamp) and
 * the NY-API calls made while it ran, timed around the handler and the process's `fetch`.
 */
interface Invocation {
  readonly started: number;
  ended: number;
  readonly messages: { readonly submissionId: string; readonly transferId: string; readonly sentAt: number; readonly receiveCount: number }[];
  stateCalls: number;
  stateMs: number;
}
const invocations: Invocation[] = [];
const invocation = new AsyncLocalStorage<Invocation>();

function traceSubmitter(nyapiOrigin: () => string | undefined): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its runtime as `this` below
  const invoke = LocalLambdaRuntime.prototype.invoke;
  LocalLambdaRuntime.prototype.invoke = async function traced(this: LocalLambdaRuntime, name: string, event: unknown, requestId?: string) {
    if (name !== 'stateSubmitter') return invoke.call(this, name, event, requestId);
    const records = (event as { Records: { body: string; attributes: { SentTimestamp: string; ApproximateReceiveCount: string } }[] }).Records;
    const traced: Invocation = {
      started: Date.now(),
      ended: 0,
      messages: records.map((r) => ({ ...(JSON.parse(r.body) as { submissionId: string; transferId: string }), sentAt: Number(r.attributes.SentTimestamp), receiveCount: Number(r.attributes.ApproximateReceiveCount) })),
      stateCalls: 0,
      stateMs: 0,
    };
    try {
      return await invocation.run(traced, () => invoke.call(this, name, event, requestId));
    } finally {
      traced.ended = Date.now();
      invocations.push(traced);
    }
  };
  const fetcher = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const within = invocation.getStore();
    const origin = nyapiOrigin();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!within || !origin || !url.startsWith(origin)) return fetcher(input, init);
    const started = performance.now();
    try {
      return await fetcher(input, init);
    } finally {
      within.stateCalls += 1;
      within.stateMs += performance.now() - started;
    }
  };
}

/** Per live submission: commit → enqueue (SQS sent) → receive (the batch that delivered it) → succeeded → the batch's end. */
function breakdown(live: readonly StoredSubmission[]) {
  const sent = new Map<string, number>();
  for (const i of invocations) for (const m of i.messages) if (!sent.has(m.submissionId)) sent.set(m.submissionId, m.sentAt);
  const rows = live.flatMap((s) => {
    const done = Date.parse(s.succeededAt ?? s.updatedAt);
    const by = invocations.find((i) => i.started <= done && done <= i.ended && i.messages.some((m) => m.transferId === s.transferId));
    const enqueued = sent.get(s.id);
    if (!by || enqueued === undefined) return [];
    const committed = Date.parse(s.createdAt);
    return [{ step: s.step, total: done - committed, enqueue: enqueued - committed, queued: Math.max(0, by.started - enqueued), worker: done - Math.max(by.started, enqueued), ack: by.ended - done, batch: by.messages.length, batchMs: by.ended - by.started, stateMs: by.stateMs, stateCalls: by.stateCalls, own: by.messages.some((m) => m.submissionId === s.id) }];
  });
  const stats = (values: number[]) => ({ p50: Math.round(percentile(values, 50)), p95: Math.round(percentile(values, 95)), p99: Math.round(percentile(values, 99)) });
  const tail = rows.filter((r) => r.total >= percentile(rows.map((x) => x.total), 95));
  const parts = (of: typeof rows) => ({
    count: of.length,
    ...Object.fromEntries((['total', 'enqueue', 'queued', 'worker', 'ack', 'batch', 'batchMs', 'stateMs', 'stateCalls'] as const).map((k) => [k, stats(of.map((r) => r[k]))])),
    deliveredByOwnMessage: of.filter((r) => r.own).length,
    steps: Object.fromEntries(['manifest', 'ship', 'arrive', 'receive'].map((step) => [step, of.filter((r) => r.step === step).length])),
  });
  const bySteps = Object.fromEntries(
    ['manifest', 'ship', 'arrive', 'receive'].map((step) => {
      const of = rows.filter((r) => r.step === step);
      return [step, Object.fromEntries((['total', 'enqueue', 'queued', 'worker', 'ack'] as const).map((k) => [k, stats(of.map((r) => r[k]))]))];
    }),
  );
  return { all: parts(rows), slowest5pct: parts(tail), bySteps };
}

const lag = (s: StoredSubmission) => Date.parse(s.succeededAt ?? s.updatedAt) - Date.parse(s.createdAt);

async function scenario(name: string, faults: boolean) {
  // Every hub function in this process meters its DynamoDB capacity; the bench's own reads do not.
  process.env['DYNAMODB_CAPACITY_METER'] = 'true';
  let nyapi: string | undefined;
  traceSubmitter(() => nyapi);
  const hub = await startLocalHub({ consumersPaused: true, scheduleEveryMs: 60_000, outboxGraceSeconds: 600, submissionBackoffCapSeconds: 2 });
  const extraPollers: QueuePoller[] = [];
  try {
    nyapi = hub.urls.nyapi;
    // The hub's NY-API client timeout (the local hub's own by default): what an injected timeout holds a poller for.
    if (process.env['BENCH_PIPELINE_NYAPI_TIMEOUT_MS']) process.env['NYAPI_TIMEOUT_MS'] = process.env['BENCH_PIPELINE_NYAPI_TIMEOUT_MS'];
    const w = await world(hub);
    if (faults) await emulator(hub, 'PUT', '/_emulator/faults', { seed: 2026, rules: FAULTS });

    // Backlog: commit everything first, then let the worker drain it.
    const lifecycles = Math.ceil(SUBMISSIONS / 4);
    const backlogTags = await inventory(hub, lifecycles);
    const backlogIds: string[] = [];
    const capacityBefore = capacityMeter.totals();
    const driveStarted = performance.now();
    await pool(backlogTags, CONCURRENCY, async (tag) => void backlogIds.push(await lifecycle(w, tag)));
    const driveSeconds = (performance.now() - driveStarted) / 1000;
    progress(`${name}: ${backlogIds.length} lifecycles committed in ${driveSeconds.toFixed(1)} s; draining`);
    const drainStarted = Date.now();
    await hub.resumeConsumers();
    // An experiment: more submitter pollers than the hub's (as a higher maxConcurrency of its event source would give).
    const extra = Number(process.env['BENCH_PIPELINE_EXTRA_POLLERS'] ?? 0);
    if (extra > 0) {
      const runtime = new LocalLambdaRuntime(repositoryRoot, functions);
      const { sqs } = createAwsClients(readConfig(hub.env));
      const queueUrl = hub.env[stateSubmissionsQueue.env] ?? '';
      for (let i = 0; i < extra; i += 1) extraPollers.push(await startQueuePoller({ sqs, queueUrl, batchSize: 10, invoke: (event) => runtime.invoke('stateSubmitter', event) }));
    }
    await settled(w, 15 * 60_000);
    const backlog = await collect(w, backlogIds);
    const lastAck = Math.max(...backlog.map((s) => Date.parse(s.succeededAt ?? s.updatedAt)));
    const drainSeconds = (lastAck - drainStarted) / 1000;
    const capacityAfter = capacityMeter.totals();
    const perLifecycle = (units: number) => Number((units / backlogIds.length).toFixed(1));
    const capacity = {
      readUnits: perLifecycle(capacityAfter.readCapacityUnits - capacityBefore.readCapacityUnits),
      writeUnits: perLifecycle(capacityAfter.writeCapacityUnits - capacityBefore.writeCapacityUnits),
    };

    progress(`${name}: drained in ${drainSeconds.toFixed(1)} s; live phase`);
    // Live: the worker runs while lifecycles are driven.
    const liveTags = await inventory(hub, LIVE_LIFECYCLES);
    const liveIds: string[] = [];
    invocations.length = 0;
    // The hub's handlers share this process's event loop (in AWS each runs alone): how long it stalled.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    await pool(liveTags, CONCURRENCY, async (tag) => void liveIds.push(await lifecycle(w, tag)));
    await settled(w, Number(process.env['BENCH_PIPELINE_SETTLE_MS'] ?? 10 * 60_000));
    loop.disable();
    const live = await collect(w, liveIds);
    const eventLoopDelayMs = { p50: Math.round(loop.percentile(50) / 1e6), p99: Math.round(loop.percentile(99) / 1e6), max: Math.round(loop.max / 1e6) };

    const all = [...backlog, ...live];
    const byStatus = Object.fromEntries(['succeeded', 'failed', 'blocked', 'dead-lettered', 'consent-expired', 'pending', 'retrying'].map((s) => [s, all.filter((x) => x.status === s).length]));
    const succeeded = (step: string) => all.filter((s) => s.step === step && s.status === 'succeeded').length;
    const created = (await emulator(hub, 'GET', '/_emulator/state'))['created'] as Record<string, number>;
    const hubCounts = { invoice: succeeded('manifest'), manifest: succeeded('manifest'), inventoryTransfer: succeeded('ship'), arrival: succeeded('arrive'), receipt: succeeded('receive') };
    const emulatorCounts = Object.fromEntries(Object.keys(hubCounts).map((k) => [k, created[k] ?? 0]));
    const calls = ((await emulator(hub, 'GET', '/_emulator/calls'))['calls'] as { fault?: string }[]).filter((c) => c.fault);
    const injected = Object.fromEntries(['429', '5xx', 'timeout', 'commit-then-drop'].map((f) => [f, calls.filter((c) => c.fault === f).length]));
    const liveLags = live.map(lag);
    const whereTimeGoes = breakdown(live);
    return {
      scenario: name,
      submissions: all.length,
      backlog: {
        submissions: backlog.length,
        committedInSeconds: Number(driveSeconds.toFixed(1)),
        drainSeconds: Number(drainSeconds.toFixed(1)),
        throughputPerSecond: Number((backlog.length / drainSeconds).toFixed(1)),
      },
      capacityPerLifecycle: capacity,
      live: {
        submissions: live.length,
        commitToAckMs: { p50: percentile(liveLags, 50), p95: percentile(liveLags, 95), p99: percentile(liveLags, 99), max: Math.max(...liveLags) },
        // Where the tail comes from: each step's own spread.
        byStep: Object.fromEntries(
          ['manifest', 'ship', 'arrive', 'receive'].map((step) => {
            const lags = live.filter((s) => s.step === step).map(lag);
            return [step, { p50: percentile(lags, 50), p99: percentile(lags, 99) }];
          }),
        ),
        whereTimeGoes,
        eventLoopDelayMs,
      },
      retriedSubmissions: all.filter((s) => s.attempts > 1).length,
      statuses: byStatus,
      injectedFaults: injected,
      hubCounts,
      emulatorCounts,
      lost: all.length - (byStatus['succeeded'] ?? 0),
      duplicated: Object.keys(hubCounts).reduce((sum, k) => sum + Math.max(0, (emulatorCounts[k] ?? 0) - hubCounts[k as keyof typeof hubCounts]), 0),
    };
  } finally {
    for (const poller of extraPollers) await poller.stop();
    await hub.stop();
  }
}

process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';

// Handler modules configure themselves once per process, so each scenario gets a process (and a hub) of its own.
const { values } = parseArgs({ options: { scenario: { type: 'string' } } });
if (values.scenario) {
  const faults = values.scenario === 'faults';
  const result = await scenario(faults ? '20% faults' : 'clean', faults);
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
}

function runScenario(name: string): Promise<Awaited<ReturnType<typeof scenario>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--scenario', name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`Scenario ${name} failed (exit ${String(code)}):\n${output}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as Awaited<ReturnType<typeof scenario>>);
    });
  });
}

/**
 * On a machine other hubs share, a scenario's local service can vanish under it (ECONNREFUSED
 * mid-run, seen as a 500 from the hub: another process took its port). Such a run measures
 * nothing; a failed scenario is run once more, and says so.
 */
async function scenarioOnce(name: string): Promise<Awaited<ReturnType<typeof scenario>>> {
  try {
    return await runScenario(name);
  } catch (error) {
    progress(`${name}: the scenario failed (${String(error).split('\n')[0] ?? ''}); running it once more`);
    return runScenario(name);
  }
}

// BENCH_PIPELINE_ONLY=clean runs the clean scenario alone (a look at the tail; no drain ratio).
const only = process.env['BENCH_PIPELINE_ONLY'];
const results = only === 'clean' ? [await scenarioOnce('clean')] : [await scenarioOnce('clean'), await scenarioOnce('faults')];
const [clean] = results as [(typeof results)[number]];
const faulty = results[1] ?? clean;
console.log(
  table(
    results.map((r) => ({
      scenario: r.scenario,
      submissions: r.submissions,
      'drain /s': r.backlog.throughputPerSecond,
      'live p50 ms': r.live.commitToAckMs.p50,
      'live p99 ms': r.live.commitToAckMs.p99,
      retried: r.retriedSubmissions,
      lost: r.lost,
      duplicated: r.duplicated,
      'RRU/lifecycle': r.capacityPerLifecycle.readUnits,
      'WRU/lifecycle': r.capacityPerLifecycle.writeUnits,
    })),
  ),
);
for (const r of results) console.log(`${r.scenario}: commit → ack by step (ms) ${JSON.stringify(r.live.byStep)}`);
for (const r of results) console.log(`${r.scenario}: where the live time goes (ms; queued = SQS sent → the delivering batch's receive, worker = → succeeded, ack = → the batch's end)\n  all ${JSON.stringify(r.live.whereTimeGoes.all)}\n  slowest 5% ${JSON.stringify(r.live.whereTimeGoes.slowest5pct)}\n  by step ${JSON.stringify(r.live.whereTimeGoes.bySteps)}\n  the process's event loop stalled (ms) ${JSON.stringify(r.live.eventLoopDelayMs)}`);
for (const r of results) console.log(`${r.scenario}: statuses ${JSON.stringify(r.statuses)}; hub ${JSON.stringify(r.hubCounts)} / emulator ${JSON.stringify(r.emulatorCounts)}; faults ${JSON.stringify(r.injectedFaults)}`);

const mark = (ok: boolean) => (ok ? '✓' : '✗');
const drainShare = faulty.backlog.throughputPerSecond / clean.backlog.throughputPerSecond;
const tail = clean.live.commitToAckMs.p99 / clean.live.commitToAckMs.p50;
const exact = results.every((r) => r.lost === 0 && r.duplicated === 0);
const capacity = clean.capacityPerLifecycle;
const noGrowth = !(capacity.readUnits > CAPACITY_BEFORE.read || capacity.writeUnits > CAPACITY_BEFORE.write);
const verdicts = [
  `${results.length === 1 ? '·' : mark(drainShare >= TARGETS.faultsDrainShareOfClean)} drain with 20% faults ${faulty.backlog.throughputPerSecond}/s is ${(drainShare * 100).toFixed(0)}% of the clean drain of this run (${clean.backlog.throughputPerSecond}/s); target ≥ ${TARGETS.faultsDrainShareOfClean * 100}%${results.length === 1 ? ' (not run: BENCH_PIPELINE_ONLY)' : ''}`,
  `${mark(tail <= TARGETS.cleanP99OverP50)} clean commit → ack p99 ${clean.live.commitToAckMs.p99} ms is ${tail.toFixed(2)}× the clean p50 of this run (${clean.live.commitToAckMs.p50} ms); target ≤ ${TARGETS.cleanP99OverP50}×` +
    ` (with faults: p50 ${faulty.live.commitToAckMs.p50} ms, p99 ${faulty.live.commitToAckMs.p99} ms, not a target)`,
  `${mark(exact)} lost ${results.map((r) => r.lost).join(' / ')}, duplicated ${results.map((r) => r.duplicated).join(' / ')} (clean / faults), counted against the emulator's objects; target 0`,
  `${Number.isNaN(CAPACITY_BEFORE.read) ? '·' : mark(noGrowth)} DynamoDB capacity per full lifecycle with its submissions (clean backlog, transactions billed double): ` +
    `${capacity.readUnits} RRU, ${capacity.writeUnits} WRU; before the change (3ba186f, same bench): ${CAPACITY_BEFORE.read} RRU, ${CAPACITY_BEFORE.write} WRU; target: no growth` +
    ` (with faults: ${faulty.capacityPerLifecycle.readUnits} RRU, ${faulty.capacityPerLifecycle.writeUnits} WRU)`,
];
console.log(`\nTargets (ratios within this run)\n${verdicts.join('\n')}`);
const out = join(repositoryRoot, 'test-artifacts');
await mkdir(out, { recursive: true });
await writeFile(join(out, 'bench-pipeline.json'), `${JSON.stringify({ results, drainShare, cleanTail: tail, capacityBefore: CAPACITY_BEFORE }, null, 2)}\n`);
process.exit(0);
