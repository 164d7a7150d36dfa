/**
 * `NYAPI_BASE_URL=… npm start`: local mode talks to a NY-API that is not its own emulator (here a
 * second emulator, started separately as the state's sandbox would be), says so in its banner,
 * seeds nothing there, and a license admin connects the hub to it through the real consent flow.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/free-port.ts';
import { repositoryRoot } from '#infra/local/hub.ts';
import { startNyApiEmulator } from '#infra/local/nyapi/server.ts';
import { newYorkDemoLicensees } from '#infra/local/seed.ts';
import type { DemoTenant } from '#infra/local/seed.ts';
import { bioTrackSystem } from '#shared/state-system/capabilities.ts';

const client = { clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
const sandbox = await startNyApiEmulator({ port: 0, ...client });
const localDir = await mkdtemp(join(tmpdir(), 'hub-external-nyapi-'));
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  await sandbox.stop();
  await rm(localDir, { recursive: true, force: true });
});

interface RunFile {
  readonly api: string;
  readonly nyapi: string;
  readonly pid: number;
  readonly tenants: DemoTenant[];
}

/** The run.json of this child once its /health answers 200. */
async function healthy(started: ChildProcess, runFile: string, output: () => string): Promise<RunFile> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    if (started.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
    if (existsSync(runFile)) {
      const run = JSON.parse(await readFile(runFile, 'utf8')) as RunFile;
      if (run.pid === started.pid && (await fetch(`${run.api}/health`).catch(() => undefined))?.status === 200) return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`npm start did not become healthy:\n${output()}`);
}

const control = async (method: string, path: string, body?: unknown) =>
  (await (
    await fetch(`${sandbox.url}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
  ).json()) as Record<string, unknown>;

describe('npm start against another NY-API', () => {
  it('uses NYAPI_BASE_URL instead of starting its emulator, says so, and connects there through the consent flow', { timeout: 150_000 }, async () => {
    // The "sandbox" knows the license of the demo tenant on BioTrack, as the state's own would.
    const onBioTrack = newYorkDemoLicensees.find((l) => l.registration.stateSystem.adapter === bioTrackSystem);
    const link = onBioTrack?.registration.stateSystem;
    if (!onBioTrack || !link?.stateLicenseNumber || !link.ubi) throw new Error('No demo tenant is on BioTrack');
    await control('POST', '/_emulator/seed', { licensees: [{ LocationLicense: link.stateLicenseNumber, UBI: link.ubi, Name: 'Licensee at the sandbox' }] });

    const ports = { PORT: await freePort(), DYNAMODB_PORT: await freePort(), S3_PORT: await freePort(), SQS_PORT: await freePort(), NYAPI_PORT: await freePort() };
    child = spawn(process.execPath, ['infra/local/start.ts'], {
      cwd: repositoryRoot,
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        HUB_LOCAL_DIR: localDir,
        NYAPI_BASE_URL: sandbox.url,
        NYAPI_CLIENT_ID: client.clientId,
        NYAPI_CLIENT_SECRET: client.clientSecret,
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const run = await healthy(child, join(localDir, 'run.json'), () => output);

    // It talks to the configured NY-API, started no emulator of its own, and says so.
    expect(run.nyapi).toBe(sandbox.url);
    expect(output).toContain('NYAPI_BASE_URL: not our emulator');
    expect((await fetch(`http://127.0.0.1:${ports.NYAPI_PORT}/_emulator/state`).catch(() => undefined))?.status).toBeUndefined();
    // Nothing was seeded there: the sandbox holds only what it held.
    const state = await control('GET', '/_emulator/state');
    expect((state['licensees'] as { LocationLicense: string }[]).map((l) => l.LocationLicense)).toEqual([link.stateLicenseNumber]);

    // The license admin connects the hub to it: authorize at the sandbox, back to the hub's callback.
    const key = run.tenants.find((t) => t.licenseNumber === onBioTrack.registration.licenseNumber)?.apiKey ?? '';
    const connect = await fetch(`${run.api}/v1/integrations/biotrack/connect`, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' } });
    const { authorizeUrl } = (await connect.json()) as { authorizeUrl: string };
    expect(new URL(authorizeUrl).origin).toBe(sandbox.url);
    const approved = await fetch(authorizeUrl, { redirect: 'manual' });
    const callback = await fetch(approved.headers.get('location') ?? '', { redirect: 'manual' });
    expect(callback.status).toBeLessThan(400);
    const calls = (await control('GET', '/_emulator/calls'))['calls'] as { route: string; status: number }[];
    expect(calls.filter((c) => c.route === '/oauth/token').map((c) => c.status)).toEqual([200]);
    const me = (await (await fetch(`${run.api}/v1/me`, { headers: { authorization: `Bearer ${key}` } })).json()) as { stateSystemConsent?: { status: string } };
    expect(me.stateSystemConsent?.status).toBe('connected');

    child.kill('SIGINT');
    await new Promise((resolve) => child?.once('exit', resolve));
  });
});
