/**
 * Metrc's GET budget shared across function instances: two budgets over the hub table in DynamoDB
 * Local (as two Lambda instances would hold them) send to one facility of the rate-limited Metrc
 * emulator. Between them they never send more than the facility's 50 GETs in any sliding second nor
 * more than 10 at once, and a 429 storm from the emulator's faults is counted and waited out.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetrcEmulator } from '#infra/local/metrc/server.ts';
import type { MetrcEmulator } from '#infra/local/metrc/server.ts';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { createDynamoDbBudgetStore } from '#shared/adapters/get-budget-store.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { StateSystemError } from '#shared/state-system/port.ts';
import { defaultBudget, GetBudget, metrcConnection } from '#shared/state-system/metrc/client.ts';
import type { MetrcConnection } from '#shared/state-system/metrc/client.ts';
import { settingsFor } from '../state-system/contract/metrc-world.ts';

const config = readConfig();
const aws = createAwsClients(config);
const table = resourceName(config, hubTable);
const KEY = 'budget-user-key';
const PATH = '/transfers/v2/types';

interface Sent {
  readonly instance: number;
  readonly at: number;
  answeredAt: number;
  status: number;
}

let emulator: MetrcEmulator;
beforeAll(async () => {
  emulator = await startMetrcEmulator({ config: { rateLimits: { enabled: true } } });
});
afterAll(() => emulator.close());

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** A fresh facility (so no earlier run's windows count) and two instances' connections to it, with every GET they send recorded. */
async function twoInstances(): Promise<{ license: string; sent: Sent[]; budgets: GetBudget[]; connections: MetrcConnection[] }> {
  const license = `OCM-DIST-26-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const key = `${KEY}-${randomUUID()}`;
  await control('POST', '/seed', { facilities: [{ licenseNumber: license, name: 'Budget Test Distribution', role: 'distributor' }], userKeys: [{ key, facilities: [{ licenseNumber: license, permissions: 'all' }] }] });
  const sent: Sent[] = [];
  const store = createDynamoDbBudgetStore(aws.dynamodb, table);
  const budgets = [0, 1].map((i) => new GetBudget(defaultBudget, { store, instanceId: `instance-${i}-${randomUUID()}` }));
  const connections = budgets.map((budget, instance) => {
    const recording: typeof fetch = async (url, init) => {
      const entry: Sent = { instance, at: Date.now(), answeredAt: Number.POSITIVE_INFINITY, status: 0 };
      sent.push(entry);
      const response = await fetch(url, init);
      const text = await response.text();
      entry.answeredAt = Date.now();
      entry.status = response.status;
      return new Response(text, { status: response.status, headers: response.headers });
    };
    return metrcConnection({ settings: settingsFor(emulator.url, emulator.vendorKey, { timeoutMs: 5_000 }), fetch: recording, budget, userKey: key, license, now: () => new Date() });
  });
  return { license, sent, budgets, connections };
}

const types = (connection: MetrcConnection, license: string) => connection.call({ method: 'GET', path: PATH, query: { licenseNumber: license } }, z.unknown());

/** The most GETs sent in any sliding second. */
function mostInASecond(sent: readonly Sent[]): number {
  const times = sent.map((s) => s.at).sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last += 1) {
    while ((times[last] ?? 0) - (times[first] ?? 0) >= 1000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** The most GETs unanswered at once. */
function mostInFlight(sent: readonly Sent[]): number {
  const edges = sent.flatMap((s) => [{ at: s.at, step: 1 }, { at: s.answeredAt, step: -1 }]).sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.step;
    most = Math.max(most, now);
  }
  return most;
}

describe('one Metrc GET budget across instances', { timeout: 120_000 }, () => {
  it('keeps two instances within 50 GETs a second for their facility together, with no 429', async () => {
    await control('PUT', '/faults', { rules: [{ route: `GET ${PATH}`, latencyMs: 20 }] });
    const { license, sent, budgets, connections } = await twoInstances();
    const started = Date.now();
    await Promise.all(connections.flatMap((connection) => Array.from({ length: 120 }, () => types(connection, license))));
    const took = Date.now() - started;

    expect(sent).toHaveLength(240);
    expect(sent.every((s) => s.status === 200)).toBe(true);
    expect(new Set(sent.map((s) => s.instance))).toEqual(new Set([0, 1]));
    expect(mostInASecond(sent)).toBeLessThanOrEqual(defaultBudget.perFacilityPerSecond);
    // 240 GETs at 33 a second (two thirds of the limit) take about 7 s; one instance alone would not have kept them apart.
    expect(took).toBeGreaterThan(4_500);
    const writes = budgets.reduce((sum, budget) => sum + budget.stats().tokenWrites, 0);
    expect(writes / sent.length).toBeLessThan(1);
  });

  it('keeps GETs in flight at the facility within 10 between the two instances', async () => {
    await control('PUT', '/faults', { rules: [{ route: `GET ${PATH}`, latencyMs: 400 }] });
    const { license, sent, connections } = await twoInstances();
    await Promise.all(connections.flatMap((connection) => Array.from({ length: 40 }, () => types(connection, license))));

    expect(sent.every((s) => s.status === 200)).toBe(true);
    expect(mostInFlight(sent)).toBeLessThanOrEqual(defaultBudget.concurrentPerFacility);
    // Each instance sent up to its share (5 of 10) at once: the latency made the in-flight limit the one that binds.
    expect(mostInFlight(sent)).toBeGreaterThanOrEqual(8);
  });

  it('counts a 429 storm and sends nothing more for the facility until its Retry-After has passed', async () => {
    await control('PUT', '/faults', { seed: 7, rules: [{ route: `GET ${PATH}`, rate429: 0.3, retryAfterSeconds: 2 }] });
    const { license, sent, budgets, connections } = await twoInstances();
    const limited = await Promise.all(
      connections.map(async (connection) => {
        let refused = 0;
        for (let i = 0; i < 15; i += 1) {
          await types(connection, license).catch((error: unknown) => {
            if (!(error instanceof StateSystemError) || error.code !== 'RATE_LIMITED') throw error;
            expect(error.retryAfterMs).toBe(2000);
            refused += 1;
          });
        }
        return refused;
      }),
    );

    const storms = sent.filter((s) => s.status === 429);
    expect(storms.length).toBeGreaterThan(3);
    expect(limited.reduce((a, b) => a + b, 0)).toBe(storms.length);
    expect(budgets.reduce((sum, budget) => sum + budget.stats().rateLimited, 0)).toBe(storms.length);
    for (const storm of storms) {
      // The instance told waits the whole Retry-After; the other one, at most the tokens it already held (this 500 ms window's or the next's).
      const own = sent.filter((s) => s.instance === storm.instance && s.at > storm.answeredAt && s.at < storm.answeredAt + 2000);
      expect(own).toEqual([]);
      const held = (Math.floor(storm.answeredAt / 500) + 2) * 500;
      const other = sent.filter((s) => s.instance !== storm.instance && s.at > held + 5 && s.at < storm.answeredAt + 2000 - 5);
      expect(other).toEqual([]);
    }
    // 30 GETs, each 429 holding both instances for two seconds: paced, not hammered.
    const span = Math.max(...sent.map((s) => s.at)) - Math.min(...sent.map((s) => s.at));
    expect(span).toBeGreaterThan(storms.length * 1000);
  });
});
