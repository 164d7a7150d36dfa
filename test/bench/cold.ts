/**
 * Cold start (`npm run bench:cold`): every function bundled as `HubFunction` bundles it (the same
 * `bundleFunction` of `infra/constructs/function-bundle.ts`: esbuild, ESM, minified, the AWS SDK
 * inside, code splitting), its size, and its module load time in a fresh Node process
 * (import, including module-scope set-up), median and p95 of 10, beside a bare handler that
 * bundles only `@aws-sdk/client-dynamodb`, built the same way in the same run. Targets (issue 17):
 * every API function and the authorizer ≤ 1.3× the bare handler's load time; no function over 1 MB.
 * The size that counts is what a cold start reads: `index.mjs` and the chunks it imports
 * statically; chunks behind a dynamic `import()` (the PDF renderer) are read only when it runs, and
 * are shown apart (`lazy KB`). For each function the packages and folders that weigh most in what a
 * cold start reads are listed after the table.
 * The bare handler is loaded again before each sample of each function, and a function's ratio is
 * to the bare samples taken beside its own: on a shared machine the load drifts over a run, and a
 * baseline measured once at the start would compare a function with another minute's machine. The
 * CPU time of the import is shown too: it moves far less with the machine's load than wall time.
 * Figures go to test-artifacts/bench-cold.json.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { bundleFunction } from '#infra/constructs/function-bundle.ts';
import { repositoryRoot, startLocalHub } from '#infra/local/hub.ts';
import { authorizer, functions, routes } from '#shared/routes.ts';
import { percentile, table } from './stats.ts';

const RUNS = 10;
const LOAD_RATIO_TARGET = 1.3;
const SIZE_TARGET_BYTES = 1024 * 1024;
const out = join(repositoryRoot, 'test-artifacts', 'cold');

interface Bundle {
  readonly file: string;
  /** What a cold start reads: `index.mjs` and the chunks it imports statically, transitively. */
  readonly startBytes: number;
  /** Chunks read only when a dynamic `import()` runs. */
  readonly lazyBytes: number;
  /** Bytes of what a cold start reads, by package (node_modules) or by folder of the hub's own code. */
  readonly startParts: ReadonlyMap<string, number>;
}

/** Bundles a function exactly as it deploys, and splits its code into what a cold start reads and the rest. */
async function bundle(name: string, entry: string): Promise<Bundle> {
  const dir = join(out, name);
  const metafile = await bundleFunction(entry, dir);
  const outputs = Object.entries(metafile.outputs).filter(([path]) => path.endsWith('.mjs'));
  const byPath = new Map<string, Metafile['outputs'][string]>(outputs);
  // Every dynamic import() is an entry point of its own: the function's is the one named index.
  const index = outputs.find(([path]) => path.endsWith('/index.mjs'));
  if (!index) throw new Error(`No entry output for ${name}`);
  const atStart = new Set<string>();
  const visit = (path: string) => {
    if (atStart.has(path)) return;
    atStart.add(path);
    for (const imported of byPath.get(path)?.imports ?? []) if (imported.kind === 'import-statement' && byPath.has(imported.path)) visit(imported.path);
  };
  visit(index[0]);
  const startParts = new Map<string, number>();
  let startBytes = 0;
  let lazyBytes = 0;
  for (const [path, output] of outputs) {
    if (!atStart.has(path)) {
      lazyBytes += output.bytes;
      continue;
    }
    startBytes += output.bytes;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const part = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, -1).join('/');
      startParts.set(part, (startParts.get(part) ?? 0) + bytesInOutput);
    }
  }
  return { file: resolve(index[0]), startBytes, lazyBytes, startParts };
}

/** The heaviest parts of what a cold start reads, e.g. `zod 96, @smithy/core 131`. */
function heaviest(parts: ReadonlyMap<string, number>, count: number): string {
  return [...parts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([part, bytes]) => `${part} ${(bytes / 1024).toFixed(0)}`)
    .join(', ');
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
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Sample) : reject(new Error(errorLine(stderr)))));
  });
}

/** The error a failed import ended with, without the minified source line Node prints above it. */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => /Error\b/.test(line) && !/^\s+at /.test(line) && line.length < 300);
  return lines.at(-1)?.trim() ?? stderr.slice(0, 300);
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
  const bare = await bundle('bare', bareEntry);
  const bareFile = bare.file;
  await loadOnce(bareFile, env);
  const apiFunctions = new Set<string>(routes.map((route) => route.function));
  const rows: Record<string, string | number>[] = [];
  const contents: string[] = [];
  const failures: string[] = [];
  for (const [name, definition] of [['authorizer', authorizer] as const, ...Object.entries(functions)]) {
    const built = await bundle(name, join(repositoryRoot, definition.entry));
    const onRequestPath = apiFunctions.has(name) || name === 'authorizer';
    const sizeMet = built.startBytes <= SIZE_TARGET_BYTES;
    const sizes = { function: name, kind: onRequestPath ? 'request path' : 'background', kb: built.startBytes / 1024, size: sizeMet ? '✓' : '✗', 'lazy kb': built.lazyBytes / 1024 };
    contents.push(`${name.padEnd(15)} ${heaviest(built.startParts, 8)}`);
    let samples: { own: Sample[]; bare: Sample[] };
    try {
      samples = await loadTimes(built.file, bareFile, env);
    } catch (error) {
      // A function whose module-scope set-up fails in the local hub's environment is a finding, not the end of the run.
      failures.push(`${name}: ${(error as Error).message}`);
      rows.push({ ...sizes, p50: '', p95: '', 'bare p50': '', ratio: '', load: '✗ failed', 'cpu ms': '', 'cpu ratio': '' });
      continue;
    }
    const { own, bare: bareSamples } = samples;
    const ratio = median(own, 'wall') / median(bareSamples, 'wall');
    const loadMet = ratio <= LOAD_RATIO_TARGET;
    rows.push({
      ...sizes,
      p50: median(own, 'wall'),
      p95: percentile(own.map((s) => s.wall), 95),
      'bare p50': median(bareSamples, 'wall'),
      ratio,
      load: onRequestPath ? (loadMet ? '✓' : '✗') : '–',
      'cpu ms': median(own, 'cpu'),
      'cpu ratio': median(own, 'cpu') / median(bareSamples, 'cpu'),
    });
  }
  const bareKb = bare.startBytes / 1024;
  console.log(`Cold start: bundle size and module load time (fresh process, median and p95 of ${RUNS}, ms)`);
  console.log(`ratio: the function's median load time / the median of the bare handler (${bareKb.toFixed(0)} KB, client-dynamodb only) loaded in turns with it (bare p50)`);
  console.log(`Targets: size ≤ ${SIZE_TARGET_BYTES / 1024} KB for every bundle; load ratio ≤ ${LOAD_RATIO_TARGET}× for request-path functions (– : background, no load target)\n`);
  console.log(table(rows));
  console.log(`\nkb: what a cold start reads (index.mjs and its static chunks); lazy kb: chunks read only when a dynamic import() runs (the PDF renderer)`);
  console.log(`\nWhat a cold start reads, heaviest first (KB; the bare handler: ${heaviest(bare.startParts, 4)}):`);
  console.log(contents.join('\n'));
  if (failures.length > 0) console.log(`\nFailed to load in the local hub's environment:\n${failures.join('\n')}`);
  await writeFile(join(repositoryRoot, 'test-artifacts', 'bench-cold.json'), `${JSON.stringify({ runs: RUNS, rows, contents, failures }, null, 2)}\n`);
} finally {
  await hub.stop();
}
