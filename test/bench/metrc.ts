/**
 * `npm run bench:metrc`: transfers through the Metrc lifecycle on the Metrc emulator, on a whole
 * local hub (the demo distributor ships to the demo dispensary, both on Metrc), once clean and once
 * with 20% injected faults, and once more at the fastest reconciler period the GET budget allows:
 *
 *   draft → manifest (the hub pushes a template) → `/_emulator/ui/register` (the person) → the
 *   reconciler sees the registration (Metrc's manifest number on the transfer) → `/_emulator/ui/depart`
 *   → `/_emulator/ui/receive` (the receiver, in Metrc) → the reconciler's next polls.
 *
 * It reports GET and write calls per lifecycle (from `/_emulator/calls`: the rate budget a facility
 * spends), the time from `ui/register` to the hub showing the transfer registered (p50/p99), the GETs
 * one poll spends per open transfer and from them the fastest poll period that stays within the
 * facility's budget for 1000 open transfers, and the emulator's templates against the hub's
 * transfers (0 lost, 0 duplicated). Whether the hub shows Metrc's receipt is reported as it is:
 * measured only as far as the hub handles it. Figures go to test-artifacts/bench-metrc.json.
 * BENCH_METRC_TRANSFERS (default 500) sets N.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repositoryRoot, startLocalHub } from '#infra/local/hub.ts';
import type { LocalHub } from '#infra/local/hub.ts';
import { demoPackageLabel } from '#infra/local/metrc-demo-data.ts';
import { seedMetrc } from '#infra/local/seed-metrc.ts';
import { newYorkDemoLicensees, seedDemoData } from '#infra/local/seed.ts';
import { defaultBudget } from '#shared/state-system/metrc/client.ts';
import { percentile, pool, table } from './stats.ts';
import { client } from './transfers.ts';
import type { Client } from './transfers.ts';

const TRANSFERS = Number(process.env['BENCH_METRC_TRANSFERS'] ?? 500);
/** Lifecycles in flight at once (BENCH_METRC_CONCURRENCY): each mostly waits for the reconciler's next poll. */
const CONCURRENCY = Number(process.env['BENCH_METRC_CONCURRENCY'] ?? 8);
/** The local hub's reconciler period (its schedules' default); AWS runs it every 5 minutes. */
const DEFAULT_POLL_MS = 10_000;
const OPEN_TRANSFERS_TARGET = 1000;
/** The share of the facility's budget the reconciler may spend: the rest is the submitter's, the pre-flight's and the picker's. */
const RECONCILER_SHARE = 0.5;
/** The budget's sustained rate per facility: two thirds of Metrc's 50 (client.ts, 500 ms windows). */
const SUSTAINED_PER_SECOND = Math.floor(defaultBudget.perFacilityPerSecond / 3) * 2;
/** 20% of API calls fail, in four kinds, on every Metrc route. */
const FAULTS = [{ route: '*', rate429: 0.05, retryAfterSeconds: 1, rate5xx: 0.05, status5xx: 503, rateTimeout: 0.05, timeoutMs: 2500, rateCommitThenDrop: 0.05 }];
const FIRST_BENCH_PACKAGE = 1000;

interface Call {
  readonly seq: number;
  readonly method: string;
  readonly route?: string;
  readonly status: number;
  readonly fault?: string;
}

const progress = (message: string) => process.stderr.write(`[${new Date().toISOString()}] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function control(hub: LocalHub, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${hub.urls.metrc}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} /_emulator${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
}

async function calls(hub: LocalHub, since = 0): Promise<Call[]> {
  return (await control(hub, 'GET', `/calls?since=${since}`))['calls'] as Call[];
}


async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(250);
  }
}

interface World {
  readonly hub: LocalHub;
  readonly shipper: Client;
  readonly license: string;
  readonly refs: { readonly partnerId: string; readonly driverId: string; readonly vehicleId: string };
}

async function world(hub: LocalHub): Promise<World> {
  const seeded = await seedDemoData({ env: hub.env, apiUrl: hub.urls.api }, { licensees: newYorkDemoLicensees });
  const tenants = await seedMetrc({ env: hub.env, metrcUrl: hub.urls.metrc }, seeded);
  const distributor = tenants.find((t) => t.role === 'distributor');
  const dispensary = tenants.find((t) => t.role === 'retail dispensary');
  if (!distributor?.stateLicenseNumber || !dispensary) throw new Error('no demo distributor or dispensary on Metrc');
  const shipper = client(hub.urls.api, distributor.apiKey);
  const items = async (path: string) => (await shipper.call('GET', path))['items'] as Record<string, string>[];
  const partner = (await items('/v1/partners?limit=100')).find((p) => p['licenseNumber'] === dispensary.licenseNumber);
  const driver = (await items('/v1/drivers'))[0];
  const vehicle = (await items('/v1/vehicles')).find((v) => v['conveyance'] === 'van');
  if (!partner?.['id'] || !driver?.['id'] || !vehicle?.['id']) throw new Error('demo registries incomplete');
  return { hub, shipper, license: distributor.stateLicenseNumber, refs: { partnerId: partner['id'], driverId: driver['id'], vehicleId: vehicle['id'] } };
}

/** Clean packages at the distributor's facility in Metrc, one per transfer (a package is on one open transfer at a time). */
async function packages(w: World, count: number): Promise<string[]> {
  const labels = Array.from({ length: count }, (_, i) => demoPackageLabel(w.license, FIRST_BENCH_PACKAGE + i));
  await control(w.hub, 'POST', '/seed', {
    packages: labels.map((label) => ({
      label,
      licenseNumber: w.license,
      quantity: 10,
      unitOfMeasure: 'Each',
      itemName: 'Bench pre-roll 1 g',
      isFinishedGood: true,
      labTestingState: 'TestPassed',
      retailIdCount: 10,
      productionBatchNumber: 'B-2611-001',
    })),
  });
  return labels;
}

interface Lifecycle {
  readonly id: string;
  readonly registerToSeenMs: number;
}

/** One transfer through Metrc; answers the time from the person's registration to the hub showing it. `created`: its id, once the hub has it. */
async function lifecycle(w: World, label: string, timeoutMs: number, created: (id: string) => void): Promise<Lifecycle> {
  const departure = new Date(Date.now() + 3_600_000);
  const draft = await w.shipper.call('POST', '/v1/transfers', {
    type: 'wholesale',
    receiverPartnerId: w.refs.partnerId,
    invoiceNumbers: ['INV-BENCH'],
    taxPayer: { taxPaid: true },
    driverIds: [w.refs.driverId],
    vehicleId: w.refs.vehicleId,
    estimatedDeparture: departure.toISOString(),
    estimatedArrival: new Date(departure.getTime() + 3_600_000).toISOString(),
    plannedRoute: 'I-87 S to exit 19, NY-28 W to Kingston',
    lines: [{ tag: label, productName: 'Bench pre-roll 1 g', category: 'pre-roll', productionBatch: 'B-2611-001', quantity: 10, unit: 'each', unitPrice: 12.5, labTestStatus: 'passed', finishedGoods: true, sample: false }],
  });
  const id = draft['id'] as string;
  created(id);
  await w.shipper.call('POST', `/v1/transfers/${id}/manifest`);
  const name = await until(`the template of ${id}`, timeoutMs, async () => {
    const submissions = (await w.shipper.call('GET', `/v1/transfers/${id}/submissions`))['items'] as { awaitingPerson?: { resultKey?: string } }[];
    return submissions[0]?.awaitingPerson?.resultKey;
  });
  const templates = (await control(w.hub, 'GET', '/state'))['templates'] as { Id: number; Name: string }[];
  const template = templates.find((t) => t.Name === name);
  if (!template) throw new Error(`no template ${name} at Metrc`);
  const registered = await control(w.hub, 'POST', '/ui/register', { templateId: template.Id });
  const registeredAt = Date.now();
  await until(`Metrc's manifest number on ${id}`, timeoutMs, async () => {
    const transfer = await w.shipper.call('GET', `/v1/transfers/${id}`);
    return (transfer['stateSystem'] as { stateManifestId?: string } | undefined)?.stateManifestId;
  });
  const registerToSeenMs = Date.now() - registeredAt;
  const deliveries = registered['Deliveries'] as { DeliveryId: number }[];
  await control(w.hub, 'POST', '/ui/depart', { transferId: registered['Id'] });
  for (const delivery of deliveries) await control(w.hub, 'POST', '/ui/receive', { deliveryId: delivery.DeliveryId, packages: [{ label, action: 'accept' }] });
  return { id, registerToSeenMs };
}

/** GETs of the reconciler's polls while nothing else runs, and the lists among them (each a page more per 20 rows). */
async function getsPerPoll(w: World, pollMs: number): Promise<{ readonly gets: number; readonly lists: number }> {
  const before = (await calls(w.hub)).length;
  const polls = 3;
  await sleep(polls * pollMs + 500);
  const gets = (await calls(w.hub, before)).filter((c) => c.method === 'GET');
  return { gets: gets.length / polls, lists: new Set(gets.filter((c) => !(c.route ?? '').includes('{')).map((c) => c.route)).size };
}

/** The transfers of `ids` the hub holds manifested (or further on), read back over the API. */
async function manifestedOf(w: World, ids: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  await pool(ids, 8, async (id) => {
    const transfer = await w.shipper.call('GET', `/v1/transfers/${id}`);
    if (transfer['status'] !== 'DRAFT') found.push(id);
  });
  return found;
}

async function scenario(name: string, faults: boolean, pollMs: number, count: number) {
  const hub = await startLocalHub({ scheduleEveryMs: pollMs, submissionBackoffCapSeconds: 2 });
  try {
    const w = await world(hub);
    const labels = await packages(w, count);
    // The polls with no transfer open: what a facility spends on being watched at all.
    const idle = await getsPerPoll(w, pollMs);
    if (faults) await control(hub, 'PUT', '/faults', { seed: 2026, rules: FAULTS });
    const start = (await calls(hub)).length;
    const done: Lifecycle[] = [];
    const failed: string[] = [];
    const ids: string[] = [];
    const started = Date.now();
    await pool(labels, CONCURRENCY, async (label) => {
      try {
        done.push(await lifecycle(w, label, 5 * 60_000, (id) => ids.push(id)));
      } catch (error) {
        failed.push(error instanceof Error ? error.message : String(error));
      }
      if ((done.length + failed.length) % 25 === 0) progress(`${name}: ${done.length + failed.length}/${count}`);
    });
    const seconds = (Date.now() - started) / 1000;
    if (faults) await control(hub, 'DELETE', '/faults');
    // Every transfer now open at Metrc's side for the hub (registered, received, the receipt not yet all settled): a poll's GETs per open transfer.
    const busy = await getsPerPoll(w, pollMs);
    const lifecycleCalls = (await calls(hub)).slice(start);
    const gets = lifecycleCalls.filter((c) => c.method === 'GET').length;
    const writes = lifecycleCalls.length - gets;
    const state = await control(hub, 'GET', '/state');
    const templates = (state['templates'] as { Name: string }[]).filter((t) => t.Name.startsWith('HUB-'));
    const transfers = state['transfers'] as { OriginatingTemplateId?: number }[];
    const names = new Set(templates.map((t) => t.Name));
    // Every transfer the hub manifested (whatever its answer said: one that timed out may have committed) owes one template;
    // a draft the hub never manifested owes none. A template is the transfer's by the submission key in its name.
    const manifested = await manifestedOf(w, ids);
    const templated = new Set(templates.map((t) => t.Name.slice('HUB-'.length).replace(/-\d{6}-manifest$/, '')));
    const perTransfer = new Map<string, number>();
    for (const t of templates) {
      const transferId = t.Name.slice('HUB-'.length).replace(/-\d{6}-manifest$/, '');
      perTransfer.set(transferId, (perTransfer.get(transferId) ?? 0) + 1);
    }
    const latencies = done.map((l) => l.registerToSeenMs);
    const perOpen = count > 0 ? Math.max(0, busy.gets - idle.gets) / count : 0;
    const injected = Object.fromEntries(['429', '5xx', 'timeout', 'commit-then-drop'].map((f) => [f, lifecycleCalls.filter((c) => c.fault === f).length]));
    return {
      scenario: name,
      pollMs,
      transfers: count,
      completed: done.length,
      failed: failed.length,
      failures: failed.slice(0, 3),
      // The same failure of every transfer, its id left out: e.g. a local Lambda timing out on an overloaded machine (a 500, as API Gateway answers).
      failureKinds: Object.fromEntries(Object.entries(Object.groupBy(failed, (f) => f.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<id>').slice(0, 120))).map(([kind, list]) => [kind, list?.length ?? 0])),
      seconds: Number(seconds.toFixed(1)),
      perLifecycle: { gets: Number((gets / count).toFixed(1)), writes: Number((writes / count).toFixed(1)), rateLimited: lifecycleCalls.filter((c) => c.status === 429).length / count },
      registerToSeenMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
      poll: { idleGets: Number(idle.gets.toFixed(1)), lists: idle.lists, getsWithOpen: Number(busy.gets.toFixed(1)), getsPerOpenTransfer: Number(perOpen.toFixed(3)) },
      injectedFaults: injected,
      templatesAtMetrc: templates.length,
      registeredAtMetrc: transfers.length,
      hubTransfers: done.length + failed.length,
      manifestedAtHub: manifested.length,
      lost: manifested.filter((id) => !templated.has(id)).length,
      duplicated: [...perTransfer.values()].reduce((extra, n) => extra + n - 1, 0) + (templates.length - names.size),
    };
  } finally {
    await hub.stop();
  }
}

type Result = Awaited<ReturnType<typeof scenario>>;

process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';

// Handler modules configure themselves once per process, so each scenario gets a process (and a hub) of its own.
const { values } = parseArgs({ options: { scenario: { type: 'string' }, poll: { type: 'string' } } });
if (values.scenario) {
  const faults = values.scenario === 'faults';
  const pollMs = Number(values.poll ?? DEFAULT_POLL_MS);
  const label = `${faults ? '20% faults' : 'clean'}, poll ${pollMs / 1000} s`;
  console.log(`RESULT ${JSON.stringify(await scenario(label, faults, pollMs, TRANSFERS))}`);
  process.exit(0);
}

function runScenario(name: string, pollMs: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--scenario', name, '--poll', String(pollMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`Scenario ${name} failed (exit ${String(code)}):\n${output}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as Result);
    });
  });
}

const clean = await runScenario('clean', DEFAULT_POLL_MS);
const faulty = await runScenario('faults', DEFAULT_POLL_MS);
// The fastest period for 1000 open transfers: one poll's GETs at that many (what each open transfer cost in this run,
// or, if more, a page more of each list per 20 rows), over the reconciler's share of the sustained budget.
const pagesAtTarget = Math.ceil(OPEN_TRANSFERS_TARGET / 20) - 1;
const getsAtTarget = clean.poll.idleGets + Math.max(clean.poll.getsPerOpenTransfer * OPEN_TRANSFERS_TARGET, clean.poll.lists * pagesAtTarget);
const fastestPollMs = Math.max(1000, Math.ceil((getsAtTarget / (SUSTAINED_PER_SECOND * RECONCILER_SHARE)) * 1000));
const fastest = await runScenario('clean', fastestPollMs);
const results = [clean, faulty, fastest];

const mark = (ok: boolean) => (ok ? '✓' : '✗');
console.log(
  table(
    results.map((r) => ({
      scenario: r.scenario,
      transfers: r.transfers,
      completed: r.completed,
      'GET/lifecycle': r.perLifecycle.gets,
      'writes/lifecycle': r.perLifecycle.writes,
      'register→seen p50 ms': r.registerToSeenMs.p50,
      'p99 ms': r.registerToSeenMs.p99,
      'manifested at hub': r.manifestedAtHub,
      templates: r.templatesAtMetrc,
      lost: `${mark(r.lost === 0)} ${r.lost}`,
      duplicated: `${mark(r.duplicated === 0)} ${r.duplicated}`,
    })),
  ),
);
console.log(
  `GETs per poll: ${clean.poll.idleGets} with no transfer open (${clean.poll.lists} lists), ${clean.poll.getsPerOpenTransfer} more per open transfer; at ${OPEN_TRANSFERS_TARGET} open transfers ${getsAtTarget.toFixed(0)} GETs a poll, so the fastest period within ${RECONCILER_SHARE * 100}% of the facility's sustained ${SUSTAINED_PER_SECOND} GET/s is ${(fastestPollMs / 1000).toFixed(1)} s`,
);
for (const r of results) console.log(`${r.scenario}: faults ${JSON.stringify(r.injectedFaults)}; 429s per lifecycle ${r.perLifecycle.rateLimited}; failures ${JSON.stringify(r.failures)}`);
console.log("The receipt: ui/receive is played in Metrc for every transfer; whether the hub shows Metrc's receipt is the reconciler's to say and is not timed here.");
const out = join(repositoryRoot, 'test-artifacts');
await mkdir(out, { recursive: true });
await writeFile(join(out, 'bench-metrc.json'), `${JSON.stringify({ transfers: TRANSFERS, openTransfersTarget: OPEN_TRANSFERS_TARGET, getsPerPollAtTarget: getsAtTarget, fastestPollMs, results }, null, 2)}\n`);
process.exit(0);
