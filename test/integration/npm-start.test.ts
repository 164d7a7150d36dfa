/**
 * `npm start` as a newcomer runs it: a child process on free ports with its own data directory.
 * Proves it becomes healthy, writes run.json with the demo tenants and their keys (on Metrc, one on
 * BioTrack), seeds both state-system emulators and connects the tenants to them, keeps data and
 * keys across a restart, resets on request, and leaves nothing running after Ctrl-C or even after
 * being killed outright (nor after a test that timed out).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/free-port.ts';
import { repositoryRoot } from '#infra/local/hub.ts';
import { demoPackageLabel, DEMO_PACKAGES_PER_FACILITY } from '#infra/local/metrc-demo-data.ts';
import type { DemoTenant } from '#infra/local/seed.ts';
import { hubTable } from '#shared/resources.ts';
import { bioTrackSystem, metrcSystem } from '#shared/state-system/capabilities.ts';

interface RunFile {
  api: string;
  dynamodb: string;
  s3: string;
  sqs: string;
  nyapi: string;
  metrc: string;
  metrcVendorKey: string;
  pid: number;
  tenants: DemoTenant[];
}

const localDir = await mkdtemp(join(tmpdir(), 'hub-npm-start-'));
const ports = {
  PORT: await freePort(),
  DYNAMODB_PORT: await freePort(),
  S3_PORT: await freePort(),
  SQS_PORT: await freePort(),
  NYAPI_PORT: await freePort(),
  METRC_PORT: await freePort(),
};
const children: ChildProcess[] = [];

// Each test stops its hub; one that timed out left it running, holding the ports the next test starts on.
afterEach(async () => {
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(running.map(exited));
  if (running.length > 0) await allClosed(15_000);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(localDir, { recursive: true, force: true });
});

function start(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['infra/local/start.ts', ...args], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      HUB_LOCAL_DIR: localDir,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

let output = '';

async function healthy(child: ChildProcess): Promise<RunFile> {
  output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    const runFile = join(localDir, 'run.json');
    if (existsSync(runFile)) {
      const run = JSON.parse(await readFile(runFile, 'utf8')) as RunFile;
      if (run.pid === child.pid) {
        const response = await fetch(`${run.api}/health`).catch(() => undefined);
        if (response?.status === 200) return run;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`npm start did not become healthy:\n${output}`);
}

function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd, env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function allClosed(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await Promise.all(Object.values(ports).map(listening));
    if (!open.includes(true)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/** The licenses of the outgoing-transfer polls Metrc answered: the reconciler's, made with each licensee's own user key. */
async function metrcLicensesPolled(run: RunFile): Promise<string[]> {
  const { calls } = (await (await fetch(`${run.metrc}/_emulator/calls`)).json()) as { calls: { route: string; status: number; license?: string }[] };
  return [...new Set(calls.filter((c) => c.route === '/transfers/v2/outgoing' && c.status === 200).flatMap((c) => (c.license ? [c.license] : [])))];
}

const table = (run: RunFile) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint: run.dynamodb, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
const marker = { PK: 'TEST', SK: 'SURVIVES_RESTART' };

describe('npm start', () => {
  let firstTenants: DemoTenant[] = [];

  it('serves /health, writes run.json with working demo keys, connects the demo tenants to both state systems, and stops everything on Ctrl-C', { timeout: 150_000 }, async () => {
    const child = start();
    const run = await healthy(child);

    expect(run.api).toBe(`http://127.0.0.1:${ports.PORT}`);
    expect(run.dynamodb).toBe(`http://127.0.0.1:${ports.DYNAMODB_PORT}`);
    expect(run.tenants.map((t) => [t.role, t.stateSystem])).toEqual([
      ['distributor', metrcSystem],
      ['processor', bioTrackSystem],
      ['retail dispensary', metrcSystem],
    ]);
    for (const tenant of run.tenants) {
      const me = await fetch(`${run.api}/v1/me`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      const profile = (await me.json()) as { licenseNumber: string; stateSystem: { adapter: string; stateLicenseNumber?: string }; stateSystemConsent?: { status: string } };
      expect(profile.licenseNumber).toBe(tenant.licenseNumber);
      // run.json says what the tenant record says.
      expect(profile.stateSystem).toMatchObject({ adapter: tenant.stateSystem, stateLicenseNumber: tenant.stateLicenseNumber });
      // The BioTrack tenant is connected to the NY-API emulator at start through the consent flow.
      expect(profile.stateSystemConsent?.status).toBe(tenant.stateSystem === bioTrackSystem ? 'connected' : undefined);
    }
    expect(run.nyapi).toBe(`http://127.0.0.1:${ports.NYAPI_PORT}`);
    const directory = (await (await fetch(`${run.nyapi}/_emulator/state`)).json()) as { licensees: { Name: string }[] };
    // Every demo tenant is in the NY-API's directory, on BioTrack or not.
    expect(directory.licensees.map((l) => l.Name)).toEqual(expect.arrayContaining(run.tenants.map((t) => t.name)));

    // Each Metrc tenant's user key opens its facility at our Metrc emulator, which holds its 50 demo packages.
    expect(run.metrc).toBe(`http://127.0.0.1:${ports.METRC_PORT}`);
    const onMetrc = run.tenants.filter((t) => t.stateSystem === metrcSystem);
    expect(onMetrc).toHaveLength(2);
    for (const tenant of onMetrc) {
      const license = tenant.stateLicenseNumber ?? '';
      expect(tenant.metrcUserKey).toMatch(/^[0-9A-Za-z]{48}$/);
      const auth = { authorization: `Basic ${Buffer.from(`${run.metrcVendorKey}:${tenant.metrcUserKey ?? ''}`).toString('base64')}` };
      const facilities = (await (await fetch(`${run.metrc}/facilities/v2/`, { headers: auth })).json()) as { License: { Number: string } }[];
      expect(facilities.map((f) => f.License.Number)).toEqual([license]);
      const last = await fetch(`${run.metrc}/packages/v2/${demoPackageLabel(license, DEMO_PACKAGES_PER_FACILITY)}?licenseNumber=${license}`, { headers: auth });
      expect(last.status).toBe(200);
    }
    // The hub holds those keys as the Metrc adapter reads them, and the reconciler polls each Metrc tenant with its key.
    await expect.poll(() => metrcLicensesPolled(run), { timeout: 40_000, interval: 1_000 }).toEqual(expect.arrayContaining(onMetrc.map((t) => t.stateLicenseNumber)));

    // Printed for the newcomer, and kept readable by the owner only.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const tenant of run.tenants) expect(output).toContain(tenant.apiKey);
    expect((await stat(join(localDir, 'demo-keys.json'))).mode & 0o777).toBe(0o600);
    firstTenants = run.tenants;
    const client = table(run);
    await client.send(new PutCommand({ TableName: hubTable.name, Item: { ...marker, at: 'first run' } }));
    client.destroy();

    child.kill('SIGINT');
    expect(await exited(child)).toBe(0);
    expect(await allClosed(10_000)).toBe(true);
    expect(existsSync(join(localDir, 'run.json'))).toBe(false);
  });

  it('keeps data and demo keys across a restart; nothing outlives a killed hub', { timeout: 120_000 }, async () => {
    const child = start();
    const run = await healthy(child);
    // The same tenants and keys; the same demo people, each with a new single-use sign-in link.
    const withoutLinks = (tenants: DemoTenant[]) =>
      tenants.map((tenant) => ({ ...tenant, people: ((tenant as { people?: { signInLink: string }[] }).people ?? []).map(({ signInLink: _link, ...person }) => person) }));
    expect(withoutLinks(run.tenants)).toEqual(withoutLinks(firstTenants));
    const links = (tenants: DemoTenant[]) => tenants.flatMap((tenant) => ((tenant as { people?: { signInLink: string }[] }).people ?? []).map((p) => p.signInLink));
    expect(links(run.tenants)).toHaveLength(15);
    expect(links(run.tenants).filter((link) => links(firstTenants).includes(link))).toEqual([]);
    const client = table(run);

    const { Item } = await client.send(new GetCommand({ TableName: hubTable.name, Key: marker }));
    client.destroy();
    expect(Item).toMatchObject({ at: 'first run' });

    child.kill('SIGKILL');
    await exited(child);
    // DynamoDB Local's launcher notices its parent is gone and exits by itself.
    expect(await allClosed(15_000)).toBe(true);
  });

  it('answers /health 503 starting until seeding and connecting are done and run.json is written, so the README script that waits for 200 never races it and takes a transfer through Metrc on the demo data', async () => {
    // The hub killed above left its run.json behind.
    const runFile = join(localDir, 'run.json');
    expect(existsSync(runFile)).toBe(true);
    const child = start();
    const seen: number[] = [];
    const deadline = Date.now() + 90_000;
    let ready: Response | undefined;
    // What a README script does: poll /health, then read run.json.
    while (!ready && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error('npm start exited early');
      const answer = await fetch(`http://127.0.0.1:${ports.PORT}/health`).catch(() => undefined);
      if (answer?.status === 200) ready = answer;
      else if (answer) {
        seen.push(answer.status);
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
        expect(((await answer.json()) as { code: string }).code).toBe('starting');
      }
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ready?.status).toBe(200);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((status) => status === 503)).toBe(true);
    const run = JSON.parse(await readFile(runFile, 'utf8')) as RunFile;
    expect(run.pid).toBe(child.pid);
    // Seeded and connected by the time /health says so, at the NY-API and at Metrc.
    const onBioTrack = run.tenants.find((t) => t.stateSystem === bioTrackSystem);
    const me = (await (await fetch(`${run.api}/v1/me`, { headers: { authorization: `Bearer ${onBioTrack?.apiKey ?? ''}` } })).json()) as { stateSystemConsent?: { status: string } };
    expect(me.stateSystemConsent?.status).toBe('connected');
    const distributor = run.tenants.find((t) => t.role === 'distributor');
    const metrcAuth = { authorization: `Basic ${Buffer.from(`${run.metrcVendorKey}:${distributor?.metrcUserKey ?? ''}`).toString('base64')}` };
    expect((await fetch(`${run.metrc}/facilities/v2/`, { headers: metrcAuth })).status).toBe(200);

    // The README's getting-started script, pasted as is into bash in a directory whose .local is this hub's.
    const readme = await readFile(join(repositoryRoot, 'README.md'), 'utf8');
    const script = /### Getting started[^]*?```sh\n([^]*?)\n```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    const cwd = await mkdtemp(join(tmpdir(), 'hub-readme-'));
    await symlink(localDir, join(cwd, '.local'));
    const pasted = await runBash(script ?? '', cwd, { PORT: String(ports.PORT), N: '7' });
    expect(pasted.code, pasted.output).toBe(0);
    // It ends with where the transfer stands: the template registered by the person, Metrc's manifest number recorded.
    const stateSystem = JSON.parse(pasted.output.trim().split('\n').at(-1) ?? '{}') as { stateManifestId?: string };
    expect(stateSystem.stateManifestId).toMatch(/^\d{10}$/);
    const state = (await (await fetch(`${run.metrc}/_emulator/state`)).json()) as { templates: { Id: number; Name: string }[]; transfers: { ManifestNumber: string; OriginatingTemplateId: number; deliveries: { Packages: { PackageLabel: string }[] }[] }[] };
    const registered = state.transfers.find((t) => t.ManifestNumber === stateSystem.stateManifestId);
    expect(registered?.deliveries.flatMap((d) => d.Packages.map((p) => p.PackageLabel))).toEqual([demoPackageLabel(distributor?.stateLicenseNumber ?? '', 7)]);
    expect(state.templates.find((t) => t.Id === registered?.OriginatingTemplateId)?.Name).toMatch(/^HUB-/);
    await rm(cwd, { recursive: true, force: true });

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  }, 180_000);

  it('starts from empty data with --reset', { timeout: 120_000 }, async () => {
    const child = start('--reset');
    const run = await healthy(child);
    const client = table(run);

    const { Item } = await client.send(new GetCommand({ TableName: hubTable.name, Key: marker }));
    client.destroy();
    expect(Item).toBeUndefined();

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});
