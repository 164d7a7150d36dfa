/**
 * A CDK app for tests: the feature flags of `cdk.json` (as `cdk synth` uses them), no bundling (no
 * esbuild run per test), and an output directory that is removed after the file's tests.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll } from 'vitest';

const cdkContext = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context?: Record<string, unknown>;
}).context;

const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
});

export function testApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'hub-cdk-test-'));
  outdirs.push(outdir);
  return new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
}
