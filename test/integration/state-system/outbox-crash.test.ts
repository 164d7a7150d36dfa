/**
 * The outbox survives a crash between the commit and the enqueue: a process that committed a
 * manifest (and its submission) is killed before it hands the submission to the queue; the
 * sweeper finds it and the state system still hears of the manifest, once.
 */
import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { repositoryRoot } from '#infra/local/hub.ts';
import { call, draftTo, submissions } from '../../support/lifecycle.ts';
import { emulatorState, eventually, freshInventory } from '../../support/nyapi.ts';

function run(args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['test/fixtures/crash-after-commit.ts', ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, ...inject('hub').env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

describe('the outbox', { timeout: 120_000 }, () => {
  it('delivers a submission whose process was killed between commit and enqueue', async () => {
    const tags = await freshInventory('distributor', 1);
    const id = await draftTo('processor', tags);
    const me = await call('distributor', 'GET', '/v1/me');

    const crashed = await run([id, me.body['id'] as string]);
    expect(crashed.signal, crashed.output).toBe('SIGKILL');

    // Committed: the transfer is manifested and owes one submission that never reached the queue.
    expect((await call('distributor', 'GET', `/v1/transfers/${id}`)).body['status']).toBe('MANIFESTED');
    const [stranded] = await submissions('distributor', id);
    expect(stranded?.step).toBe('manifest');
    expect(stranded).not.toHaveProperty('enqueuedAt');

    // The sweeper (every 2 s here, after a 3 s grace) hands it over; the worker delivers it.
    const [delivered] = await eventually(async () => {
      const found = await submissions('distributor', id);
      return found[0]?.status === 'succeeded' ? found : undefined;
    }, 30_000, 'the swept submission');
    expect(delivered).toHaveProperty('enqueuedAt');
    const manifests = ((await emulatorState())['manifests'] as { ExternalID?: string }[]).filter((m) => m.ExternalID?.startsWith(id));
    expect(manifests).toHaveLength(1);
  });
});
