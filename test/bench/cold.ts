/**
 * Cold start (`npm run bench:cold`): every function bundled as the CDK bundles it (esbuild, ESM,
 * minified, the AWS SDK inside), its size, and its module load time in a fresh Node process
 * (import, including module-scope set-up), median and p95 of 10, beside a bare handler that
 * bundles only `@aws-sdk/client-dynamodb`, built the same way in the same run. Targets (issue 17):
 * every API function and the authorizer ≤ 1.3× the bare handler's load time; no bundle over 1 MB.
 * The bare handler is loaded again before each sample of each function, and a function's ratio is
 * to the bare samples taken beside its own: on a shared machine the load drifts over a run, and a
 * baseline measured once at the start would compare a function with another minute's machine. The
 * CPU time of the import is shown too: it moves far less with the machine's load than wall time.
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

interface Sample {
  /** Wall time of the import, ms. */
  readonly wall: number;
  /** CPU time (user + system) of the importing process during the import, ms. */
  readonly cpu: number;
}

/** One fresh process that imports the bundle and says how long the import took. */
function loadOnce(file: string, env: Record<string, string>): Promise<Sample> {
  const script =
    `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    `const wall = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall, cpu: (u.user + u.system) / 1000 }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...env, PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Sample) : reject(new Error(`Loading ${file} failed: ${stderr}`))));
  });
}

/** Samples of a function and of the bare handler, taken in turns. */
async function loadTimes(file: string, bareFile: string, env: Record<string, string>): Promise<{ own: Sample[]; bare: Sample[] }> {
  await loadOnce(file, env); // warms the OS file cache, as a Lambda's code is local
  const own: Sample[] = [];
  const bare: Sample[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    bare.push(await loadOnce(bareFile, env));
    own.push(await loadOnce(file, env));
  }
  return { own, bare };
}

const median = (samples: readonly Sample[], key: keyof Sample) => percentile(samples.map((s) => s[key]), 50);

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'bare'), { recursive: true });
const bareEntry = join(out, 'bare-entry.ts');
await writeFile(bareEntry, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\nexport const handler = async () => client.config.region();\n");

// Module-scope set-up reads the configuration: the local hub's environment, with its services up.
const hub = await startLocalHub({ scheduleEveryMs: 0 });
try {
  const env = hub.env;
  const bareFile = await bundle('bare', bareEntry);
  await loadOnce(bareFile, env);
  const apiFunctions = new Set<string>(routes.map((route) => route.function));
  const rows: Record<string, string | number>[] = [];
  for (const [name, definition] of [['authorizer', authorizer] as const, ...Object.entries(functions)]) {
    const file = await bundle(name, join(repositoryRoot, definition.entry));
    const bytes = (await stat(file)).size;
    const { own, bare } = await loadTimes(file, bareFile, env);
    const ratio = median(own, 'wall') / median(bare, 'wall');
    const onRequestPath = apiFunctions.has(name) || name === 'authorizer';
    const sizeMet = bytes <= SIZE_TARGET_BYTES;
    const loadMet = ratio <= LOAD_RATIO_TARGET;
    rows.push({
      function: name,
      kind: onRequestPath ? 'request path' : 'background',
      kb: bytes / 1024,
      size: sizeMet ? '✓' : '✗',
      p50: median(own, 'wall'),
      p95: percentile(own.map((s) => s.wall), 95),
      'bare p50': median(bare, 'wall'),
      ratio,
      load: onRequestPath ? (loadMet ? '✓' : '✗') : '–',
      'cpu ms': median(own, 'cpu'),
      'cpu ratio': median(own, 'cpu') / median(bare, 'cpu'),
    });
  }
  const bareKb = (await stat(bareFile)).size / 1024;
  console.log(`Cold start: bundle size and module load time (fresh process, median and p95 of ${RUNS}, ms)`);
  console.log(`ratio: the function's median load time / the median of the bare handler (${bareKb.toFixed(0)} KB, client-dynamodb only) loaded in turns with it (bare p50)`);
  console.log(`Targets: size ≤ ${SIZE_TARGET_BYTES / 1024} KB for every bundle; load ratio ≤ ${LOAD_RATIO_TARGET}× for request-path functions (– : background, no load target)\n`);
  console.log(table(rows));
  await writeFile(join(repositoryRoot, 'test-artifacts', 'bench-cold.json'), `${JSON.stringify({ runs: RUNS, rows }, null, 2)}\n`);
} finally {
  await hub.stop();
}
