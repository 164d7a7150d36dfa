/**
 * Cold start (`npm run bench:cold`): every function bundled as the CDK bundles it (esbuild, ESM,
 * minified, the AWS SDK inside), its size, and its module load time in a fresh Node process
 * (import, including module-scope set-up), median and p95 of 10, beside a bare handler that
 * bundles only `@aws-sdk/client-dynamodb`, built the same way in the same run. Targets (issue 17):
 * every API function and the authorizer ≤ 1.3× the bare handler's load time; no bundle over 1 MB.
 * Figures go to test-artifacts/bench-cold.json.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repositoryRoot, startLocalHub } from '#infra/local/hub.ts';
import { authorizer, functions, routes } from '#shared/routes.ts';
import { percentile, table } from './stats.ts';

const RUNS = 10;
const LOAD_RATIO_TARGET = 1.3;
const SIZE_TARGET_BYTES = 1024 * 1024;
const out = join(repositoryRoot, 'test-artifacts', 'cold');

/** The same esbuild options as HubFunction's NodejsFunction bundling. */
async function bundle(name: string, entry: string): Promise<string> {
  const file = join(out, name, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    minify: true,
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return file;
}

/** One fresh process that imports the bundle and says how long the import took (ms). */
function loadOnce(file: string, env: Record<string, string>): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...env, PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(Number(stdout)) : reject(new Error(`Loading ${file} failed: ${stderr}`))));
  });
}

async function loadTimes(file: string, env: Record<string, string>): Promise<number[]> {
  await loadOnce(file, env); // warms the OS file cache, as a Lambda's code is local
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) samples.push(await loadOnce(file, env));
  return samples;
}

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'bare'), { recursive: true });
const bareEntry = join(out, 'bare-entry.ts');
await writeFile(bareEntry, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\nexport const handler = async () => client.config.region();\n");

// Module-scope set-up reads the configuration: the local hub's environment, with its services up.
const hub = await startLocalHub({ scheduleEveryMs: 0 });
try {
  const env = hub.env;
  const bare = await loadTimes(await bundle('bare', bareEntry), env);
  const bareP50 = percentile(bare, 50);
  const apiFunctions = new Set<string>(routes.map((route) => route.function));
  const rows: Record<string, string | number>[] = [
    { function: 'bare (client-dynamodb only)', kind: 'baseline', kb: (await stat(join(out, 'bare', 'index.mjs'))).size / 1024, p50: bareP50, p95: percentile(bare, 95), ratio: 1, target: '' },
  ];
  for (const [name, definition] of [['authorizer', authorizer] as const, ...Object.entries(functions)]) {
    const file = await bundle(name, join(repositoryRoot, definition.entry));
    const bytes = (await stat(file)).size;
    const samples = await loadTimes(file, env);
    const ratio = percentile(samples, 50) / bareP50;
    const onRequestPath = apiFunctions.has(name) || name === 'authorizer';
    const meets = bytes <= SIZE_TARGET_BYTES && (!onRequestPath || ratio <= LOAD_RATIO_TARGET);
    rows.push({
      function: name,
      kind: onRequestPath ? 'request path' : 'background',
      kb: bytes / 1024,
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
      ratio,
      target: meets ? '✓' : '✗',
    });
  }
  console.log(`Cold start: bundle size and module load time (fresh process, median and p95 of ${RUNS}), load compared with the bare handler's median`);
  console.log(`Targets: request-path functions ≤ ${LOAD_RATIO_TARGET}× the bare handler; every bundle ≤ 1024 KB\n`);
  console.log(table(rows));
  await writeFile(join(repositoryRoot, 'test-artifacts', 'bench-cold.json'), `${JSON.stringify({ runs: RUNS, rows }, null, 2)}\n`);
} finally {
  await hub.stop();
}
