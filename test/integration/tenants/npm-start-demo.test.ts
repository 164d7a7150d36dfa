/**
 * `npm start` seeds the demo tenants once, prints their keys and lists them in run.json; the keys
 * survive a restart because their plaintext is kept in the local key file.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/free-port.ts';
import { repositoryRoot } from '#infra/local/hub.ts';
import type { DemoTenant } from '#infra/local/seed.ts';

interface RunFile {
  readonly api: string;
  readonly pid: number;
  readonly tenants: DemoTenant[];
}

const localDir = await mkdtemp(join(tmpdir(), 'hub-demo-'));
const ports = { PORT: await freePort(), DYNAMODB_PORT: await freePort(), S3_PORT: await freePort(), SQS_PORT: await freePort() };
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(localDir, { recursive: true, force: true });
});

async function start(): Promise<{ child: ChildProcess; run: RunFile; output: () => string }> {
  const child = spawn(process.execPath, ['infra/local/start.ts'], {
    cwd: repositoryRoot,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], HUB_LOCAL_DIR: localDir, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const runFile = join(localDir, 'run.json');
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (existsSync(runFile)) {
      const run = JSON.parse(await readFile(runFile, 'utf8')) as RunFile;
      // The banner is printed right after run.json is written.
      if (run.pid === child.pid && output.includes('Demo tenants')) return { child, run, output: () => output };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`npm start did not come up:\n${output}`);
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });

describe('npm start with demo data', () => {
  it('lists the demo tenants with working keys in run.json and keeps the keys across a restart', async () => {
    const first = await start();
    const { tenants } = first.run;

    expect(tenants.map((t) => t.role)).toEqual(['distributor', 'processor', 'retail dispensary']);
    for (const tenant of tenants) {
      expect(first.output()).toContain(tenant.apiKey);
      const me = await fetch(`${first.run.api}/v1/me`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { licenceNumber: string }).licenceNumber).toBe(tenant.licenceNumber);
    }
    expect((await stat(join(localDir, 'demo-keys.json'))).mode & 0o777).toBe(0o600);
    await stop(first.child);

    const second = await start();

    expect(second.run.tenants).toEqual(tenants);
    await stop(second.child);
  });
});
