import { describe, expect, it } from 'vitest';
import { checkHealth } from '#shared/health/check-health.ts';
import type { Probe } from '#shared/health/check-health.ts';

const up = (name: Probe['name']): Probe => ({ name, check: async () => undefined });

describe('checkHealth', () => {
  it('passes when every dependency answers', async () => {
    const report = await checkHealth({ probes: [up('dynamodb'), up('s3'), up('sqs')], timeoutMs: 500 });

    expect(report.status).toBe('pass');
    expect(report.unavailable).toEqual([]);
    expect(Object.keys(report.checks).sort()).toEqual(['dynamodb', 's3', 'sqs']);
    expect(Object.values(report.checks).every((c) => c.status === 'up')).toBe(true);
  });

  it('fails and names the dependency that errored, without leaking its message', async () => {
    const failing: Probe = {
      name: 's3',
      check: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1 secret=abc'), { code: 'ECONNREFUSED' });
      },
    };
    const report = await checkHealth({ probes: [up('dynamodb'), failing, up('sqs')], timeoutMs: 500 });

    expect(report.status).toBe('fail');
    expect(report.unavailable).toEqual(['s3']);
    expect(report.checks['s3']).toMatchObject({ status: 'down', error: 'Error (ECONNREFUSED)' });
    expect(JSON.stringify(report)).not.toContain('secret');
  });

  it('gives up on a dependency that never answers, even one that ignores its abort signal', async () => {
    const hanging: Probe = { name: 'sqs', check: () => new Promise(() => undefined) };
    const report = await checkHealth({ probes: [up('dynamodb'), hanging], timeoutMs: 50 });

    expect(report.unavailable).toEqual(['sqs']);
    expect(report.checks['sqs']?.error).toBe('no answer within 50 ms');
  });

  it('is starting, without probing, until the hub says it has started', async () => {
    let probed = 0;
    const counted: Probe = { name: 'dynamodb', check: async () => void (probed += 1) };
    let started = false;
    const deps = { probes: [counted], timeoutMs: 500, started: async () => started };

    expect(await checkHealth(deps)).toEqual({ status: 'starting', checks: {}, unavailable: [] });
    expect(probed).toBe(0);
    started = true;
    expect((await checkHealth(deps)).status).toBe('pass');
    expect(probed).toBe(1);
  });
});
