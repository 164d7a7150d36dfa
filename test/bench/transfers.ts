/**
 * The transfer lifecycle benchmark: a whole local hub on free ports, driven over HTTP like a client
 * would, for N transfers of L lines each: create, get, manifest, depart, arrive, receipt.
 * Prints p50/p95 per endpoint and the DynamoDB capacity one full lifecycle consumes (what it
 * costs on AWS), and writes the same to test-artifacts/bench-transfers.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { capacityMeter } from '#shared/adapters/capacity-meter.ts';
import { repositoryRoot, startLocalHub } from '#infra/local/hub.ts';
import { percentile, Timings, table } from './stats.ts';

export interface TransferBenchOptions {
  readonly transfers: number;
  readonly lines: number;
  readonly warmup: number;
}

export interface Client {
  call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
}

/** A licensee's software: JSON over HTTP with its API key, failing loudly on any error status. */
export function client(api: string, apiKey: string): Client {
  return {
    async call(method, path, body) {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
      return json;
    },
  };
}

let tagSequence = 0;
const nextTag = () => {
  tagSequence += 1;
  return `9${String(Date.now() % 1e9).padStart(9, '0')}${String(tagSequence).padStart(6, '0')}`;
};

export async function runTransferBench(options: TransferBenchOptions) {
  // Before the hub loads any handler: they build their AWS clients from the environment.
  process.env['DYNAMODB_CAPACITY_METER'] = 'true';
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  const hub = await startLocalHub();
  try {
    const { seedDemoData } = await import('#infra/local/seed.ts');
    const tenants = await seedDemoData({ apiUrl: hub.urls.api, env: hub.env });
    const shipperTenant = tenants.find((t) => t.role === 'distributor');
    const receiverTenant = tenants.find((t) => t.role === 'retail dispensary' && t.integrated) ?? tenants.find((t) => t.role !== 'distributor');
    if (!shipperTenant || !receiverTenant) throw new Error('The demo data has no distributor and receiver');
    const shipper = client(hub.urls.api, shipperTenant.apiKey);
    const receiver = client(hub.urls.api, receiverTenant.apiKey);

    const me = await receiver.call('GET', '/v1/me');
    const partner = await shipper.call('POST', '/v1/partners', {
      legalName: me['legalName'],
      licenseNumber: me['licenseNumber'],
      premisesAddress: me['premisesAddress'],
      phone: me['phone'],
      integrated: true,
    });
    const driver = await shipper.call('POST', '/v1/drivers', {
      name: 'Bench Driver',
      employeeId: 'E-1',
      driversLicenseNumber: '123456789',
      phone: '518-555-0100',
    });
    const vehicle = await shipper.call('POST', '/v1/vehicles', {
      conveyance: 'van',
      make: 'Ford',
      model: 'Transit',
      year: 2024,
      color: 'White',
      plate: 'BENCH1',
      attestations: { gpsFitted: true, lockedBox: true, temperatureControl: false },
    });

    const timings = new Timings();
    const capacity: { read: number; write: number }[] = [];
    const lifecycle = async (record: boolean) => {
      const t = record ? timings : new Timings();
      const departure = new Date(Date.now() + 60 * 60_000);
      const lines = Array.from({ length: options.lines }, (_, i) => ({
        tag: nextTag(),
        productName: `Bench flower ${i + 1}`,
        category: 'flower',
        productionBatch: 'B-1',
        quantity: 10,
        unit: 'each',
        unitPrice: 12.5,
        labTestStatus: 'passed',
        finishedGoods: true,
        sample: false,
      }));
      const before = capacityMeter.totals();
      const draft = await t.time('POST /v1/transfers', () =>
        shipper.call('POST', '/v1/transfers', {
          type: 'wholesale',
          receiverPartnerId: partner['id'],
          taxPayer: { taxPaid: true },
          driverIds: [driver['id']],
          vehicleId: vehicle['id'],
          estimatedDeparture: departure.toISOString(),
          estimatedArrival: new Date(departure.getTime() + 3_600_000).toISOString(),
          plannedRoute: 'I-87',
          lines,
        }),
      );
      const id = String(draft['id']);
      await t.time('GET /v1/transfers/{id}', () => shipper.call('GET', `/v1/transfers/${id}`));
      await t.time('POST …/manifest', () => shipper.call('POST', `/v1/transfers/${id}/manifest`));
      await t.time('POST …/depart', () => shipper.call('POST', `/v1/transfers/${id}/depart`));
      await t.time('POST …/arrive', () => shipper.call('POST', `/v1/transfers/${id}/arrive`));
      await t.time('POST …/receipt', () =>
        receiver.call('POST', `/v1/transfers/${id}/receipt`, {
          lines: lines.map((line) => ({ tag: line.tag, outcome: 'accepted', acceptedQuantity: line.quantity })),
          receivedBy: { name: 'Bench Receiver', title: 'Inventory' },
        }),
      );
      const after = capacityMeter.totals();
      if (record) capacity.push({ read: after.readCapacityUnits - before.readCapacityUnits, write: after.writeCapacityUnits - before.writeCapacityUnits });
    };

    for (let i = 0; i < options.warmup; i += 1) await lifecycle(false);
    for (let i = 0; i < options.transfers; i += 1) await lifecycle(true);

    const reads = capacity.map((c) => c.read);
    const writes = capacity.map((c) => c.write);
    return {
      transfers: options.transfers,
      lines: options.lines,
      endpoints: timings.rows(),
      capacityPerLifecycle: {
        readUnitsP50: percentile(reads, 50),
        writeUnitsP50: percentile(writes, 50),
        readUnitsMean: reads.reduce((a, b) => a + b, 0) / reads.length,
        writeUnitsMean: writes.reduce((a, b) => a + b, 0) / writes.length,
      },
    };
  } finally {
    await hub.stop();
  }
}

/** Issue 17: `POST …/manifest` within twice `POST …/depart`, both p95 of the same run. */
const MANIFEST_TO_DEPART_P95 = 2;
/** Issue 17: WRU per full lifecycle (submissions included) when it was filed; it must not grow. */
const LIFECYCLE_WRU_WHEN_FILED = 211;

export interface LifecycleTarget {
  readonly target: string;
  readonly measured: string;
  readonly comparedWith: string;
  readonly met: boolean;
}

export function lifecycleTargets(result: Awaited<ReturnType<typeof runTransferBench>>): LifecycleTarget[] {
  const p95 = (name: string) => result.endpoints.find((r) => r.name === name)?.p95 ?? Number.NaN;
  const manifest = p95('POST …/manifest');
  const depart = p95('POST …/depart');
  const ratio = manifest / depart;
  const c = result.capacityPerLifecycle;
  return [
    {
      target: `Manifest request: p95 of POST …/manifest ≤ ${MANIFEST_TO_DEPART_P95}× p95 of POST …/depart`,
      measured: `${manifest.toFixed(1)} ms ÷ ${depart.toFixed(1)} ms = ${ratio.toFixed(2)}×`,
      comparedWith: `POST …/depart of the same run (${result.transfers} lifecycles, one at a time)`,
      met: ratio <= MANIFEST_TO_DEPART_P95,
    },
    {
      target: 'Capacity per lifecycle: WRU does not grow',
      measured: `${c.writeUnitsMean.toFixed(1)} WRU, ${c.readUnitsMean.toFixed(1)} RRU (mean)`,
      comparedWith: `${LIFECYCLE_WRU_WHEN_FILED} WRU when issue 17 was filed`,
      met: c.writeUnitsMean <= LIFECYCLE_WRU_WHEN_FILED,
    },
  ];
}

export async function main(): Promise<LifecycleTarget[]> {
  const transfers = Number(process.env['BENCH_TRANSFERS'] ?? 500);
  const result = await runTransferBench({ transfers, lines: 20, warmup: Math.min(20, transfers) });
  console.log(`\nTransfer lifecycle, ${result.transfers} transfers × ${result.lines} lines (ms)\n`);
  console.log(table(result.endpoints.map((r) => ({ endpoint: r.name, n: r.count, p50: r.p50, p95: r.p95, max: r.max }))));
  const c = result.capacityPerLifecycle;
  console.log(
    `\nDynamoDB capacity per full lifecycle (transactions billed double, as on AWS): ` +
      `${c.readUnitsMean.toFixed(1)} RRU, ${c.writeUnitsMean.toFixed(1)} WRU (mean); ${c.readUnitsP50} RRU, ${c.writeUnitsP50} WRU (p50)`,
  );
  const targets = lifecycleTargets(result);
  for (const t of targets) console.log(`${t.met ? '✓' : '✗'} ${t.target}: ${t.measured}; compared with ${t.comparedWith}`);
  const dir = join(repositoryRoot, 'test-artifacts');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'bench-transfers.json'), `${JSON.stringify({ ...result, targets }, null, 2)}\n`);
  return targets;
}
