/**
 * `npm start`: the whole hub on this machine, data kept in `.local/` across restarts.
 * `npm run start:reset` (or `--reset`) starts from empty data. Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { MissingJavaError } from './dynamodb-local.ts';
import { LOCAL_METRC_VENDOR_KEY, repositoryRoot, startLocalHub } from './hub.ts';
import { demoKeyFile, newYorkDemoLicensees, seedDemoData } from './seed.ts';
import { seedMetrc } from './seed-metrc.ts';
import { describePeople, seedPeople } from './seed-people.ts';
import { seedStateSystem } from './seed-state-system.ts';
import { stateSubmissionsQueue } from '#shared/resources.ts';
import { capabilitiesOf, isKnownStateSystem } from '#shared/state-system/capabilities.ts';
import type { DemoTenant } from './seed.ts';

const port = z.coerce.number().int().min(0).max(65535);
const env = z
  .object({
    PORT: port.default(3000),
    DYNAMODB_PORT: port.default(8000),
    S3_PORT: port.default(4569),
    SQS_PORT: port.default(9324),
    NYAPI_PORT: port.default(4010),
    /** Another NY-API (the state's sandbox, or an emulator started separately) instead of ours: then the client too. */
    NYAPI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    NYAPI_CLIENT_ID: z.string().min(1).optional(),
    NYAPI_CLIENT_SECRET: z.string().min(1).optional(),
    NYAPI_TOKEN_PATH: z.string().startsWith('/').optional(),
    NYAPI_AUTHORIZE_PATH: z.string().startsWith('/').optional(),
    /** 0: a free port (run.json says which); nothing local keeps Metrc's address across restarts. */
    METRC_PORT: port.default(0),
    /** Another Metrc (the NY sandbox, or an emulator started separately) instead of ours: then the vendor key too. */
    METRC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    METRC_VENDOR_KEY: z.string().min(1).optional(),
    /** Where local data and run.json live; tests point it at a temp directory. */
    HUB_LOCAL_DIR: z.string().min(1).default(join(repositoryRoot, '.local')),
  })
  .refine((e) => !e.NYAPI_BASE_URL || (e.NYAPI_CLIENT_ID && e.NYAPI_CLIENT_SECRET), {
    error: 'NYAPI_BASE_URL needs the integrator credentials the state issued: NYAPI_CLIENT_ID and NYAPI_CLIENT_SECRET',
  })
  .refine((e) => !e.METRC_BASE_URL || e.METRC_VENDOR_KEY, { error: 'METRC_BASE_URL needs the vendor key Metrc issued the integrator: METRC_VENDOR_KEY' })
  .parse(process.env);

/** The NY-API to talk to when it is not our emulator. */
const externalNyApi = env.NYAPI_BASE_URL
  ? {
      baseUrl: env.NYAPI_BASE_URL,
      clientId: env.NYAPI_CLIENT_ID ?? '',
      clientSecret: env.NYAPI_CLIENT_SECRET ?? '',
      ...(env.NYAPI_TOKEN_PATH ? { tokenPath: env.NYAPI_TOKEN_PATH } : {}),
      ...(env.NYAPI_AUTHORIZE_PATH ? { authorizePath: env.NYAPI_AUTHORIZE_PATH } : {}),
    }
  : undefined;

/** The Metrc to talk to when it is not our emulator. */
const externalMetrc = env.METRC_BASE_URL ? { baseUrl: env.METRC_BASE_URL, vendorKey: env.METRC_VENDOR_KEY ?? '' } : undefined;

// EMF metrics are for CloudWatch; on a terminal they would drown the request log.
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';

const { values: flags } = parseArgs({ options: { reset: { type: 'boolean', default: false } } });

const localDir = env.HUB_LOCAL_DIR;
const dataDir = join(localDir, 'data');
const runFile = join(localDir, 'run.json');

if (flags.reset) {
  await rm(dataDir, { recursive: true, force: true });
  console.log('Local data reset.');
}
await mkdir(dataDir, { recursive: true });
// A run.json left by a hub that was killed describes nothing running: /health says `starting` until the new one is written.
await rm(runFile, { force: true });

/** The key that seals state-system tokens lives with the data it sealed. */
async function tokenKey(): Promise<Buffer> {
  const file = join(dataDir, 'token-key');
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length === 32) return key;
  } catch {
    // None yet: make one.
  }
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}

const started = Date.now();
let hub: Awaited<ReturnType<typeof startLocalHub>>;
try {
  hub = await startLocalHub({
    dataDir,
    ports: { api: env.PORT, dynamodb: env.DYNAMODB_PORT, s3: env.S3_PORT, sqs: env.SQS_PORT, nyapi: env.NYAPI_PORT, metrc: env.METRC_PORT },
    tokenKey: await tokenKey(),
    readyFile: runFile,
    ...(externalNyApi ? { nyApi: externalNyApi } : {}),
    ...(externalMetrc ? { metrc: externalMetrc } : {}),
    log: (entry) => console.log(JSON.stringify(entry)),
  });
} catch (error) {
  if (error instanceof MissingJavaError) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `A port is already in use (${(error as Error).message}). Stop the other process or choose ports with ` +
        'PORT, DYNAMODB_PORT, S3_PORT, SQS_PORT, NYAPI_PORT and METRC_PORT.',
    );
  } else {
    console.error('The local hub could not start:', error);
  }
  process.exit(1);
}

let tenants: DemoTenant[];
try {
  const licensees = newYorkDemoLicensees;
  tenants = await seedDemoData({ env: hub.env, apiUrl: hub.urls.api }, { keyStore: demoKeyFile(join(localDir, 'demo-keys.json')), licensees });
  // Only our emulators can be seeded (and the NY-API's approves consent by itself); another NY-API or Metrc is left as it is.
  if (!externalNyApi) await seedStateSystem({ apiUrl: hub.urls.api, nyapiUrl: hub.urls.nyapi }, tenants, licensees);
  if (!externalMetrc) tenants = await seedMetrc({ env: hub.env, metrcUrl: hub.urls.metrc }, tenants);
  // Data kept from before the demo tenants moved to Metrc keeps its old links: say so.
  for (const tenant of tenants) {
    const meant = licensees.find((l) => l.registration.licenseNumber === tenant.licenseNumber)?.registration.stateSystem.adapter;
    if (meant !== undefined && meant !== tenant.stateSystem) {
      console.warn(`The kept demo tenant ${tenant.licenseNumber} is on ${tenant.stateSystem}, not ${meant}: npm run start:reset seeds the demo afresh.`);
    }
  }
  tenants = await seedPeople({ env: hub.env }, tenants);
} catch (error) {
  console.error('The demo data could not be seeded:', error);
  await hub.stop();
  process.exit(1);
}

const run = {
  ...hub.urls,
  health: `${hub.urls.api}/health`,
  operatorToken: hub.operatorToken,
  queues: {
    stateSubmissions: hub.env[stateSubmissionsQueue.env],
    stateSubmissionsDlq: hub.env[stateSubmissionsQueue.deadLetter.env],
  },
  // Our Metrc emulator's integrator key (Basic-auth username beside a tenant's metrcUserKey); another Metrc's is a secret.
  ...(externalMetrc ? {} : { metrcVendorKey: LOCAL_METRC_VENDOR_KEY }),
  pid: process.pid,
  startedAt: new Date(started).toISOString(),
  tenants,
};
// Written whole, then renamed into place: a script that sees /health answer 200 reads a complete file.
await writeFile(`${runFile}.tmp`, `${JSON.stringify(run, null, 2)}\n`);
await rename(`${runFile}.tmp`, runFile);

console.log(`
NY transfer hub is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  API        ${hub.urls.api}        (try ${hub.urls.api}/health)
  DynamoDB   ${hub.urls.dynamodb}   (DynamoDB Local, data in ${join(dataDir, 'dynamodb')})
  S3         ${hub.urls.s3}   (s3rver, data in ${join(dataDir, 's3')})
  SQS        ${hub.urls.sqs}   (local-aws-sqs, in memory: queues are recreated at start)
  NY-API     ${hub.urls.nyapi}   ${
  externalNyApi
    ? '(NYAPI_BASE_URL: not our emulator. Nothing was seeded there; each integrated tenant\'s license admin connects the hub with GET /v1/integrations/biotrack/connect)'
    : '(our emulator of the state system, in memory; see /_emulator/state)'
}
  Metrc      ${hub.urls.metrc}   ${
  externalMetrc
    ? '(METRC_BASE_URL: not our emulator. Nothing was seeded there; each Metrc tenant enters a user key of its own)'
    : `(our Metrc emulator, in memory, seeded at every start; vendor key ${LOCAL_METRC_VENDOR_KEY}; see /_emulator/state)`
}

  Demo tenants (API keys also in ${runFile}):
${tenants.map(describeTenant).join('\n')}
  Try: curl -H "Authorization: Bearer ${tenants[0]?.apiKey ?? '<api key>'}" ${hub.urls.api}/v1/me

  Mailbox    ${hub.urls.mailbox}   (every e-mail the hub sent: sign-in links, invitations; nothing leaves this machine)
  Console    ${hub.urls.api}/console/today   (people's pages: today's work, transfers, receiving, trips; sign in first)
  Sign in    ${hub.urls.api}/sign-in   Demo people, one per role (each link works once, for a day; then sign in by e-mail):
${describePeople(tenants)}

  Written to ${runFile}. Ctrl-C stops everything.
`);

/** A tenant in the banner: its role and name, the state system it is on and as whom, its API key. */
function describeTenant(tenant: DemoTenant): string {
  const system = isKnownStateSystem(tenant.stateSystem) ? capabilitiesOf(tenant.stateSystem).displayName : 'no state system';
  const at = tenant.stateLicenseNumber ? ` as ${tenant.stateLicenseNumber}` : '';
  const userKey = tenant.metrcUserKey ? `, user key ${tenant.metrcUserKey}` : '';
  return `    ${tenant.role.padEnd(17)} ${tenant.name}, ${tenant.licenseNumber}\n      on ${system}${at}${userKey}\n      API key ${tenant.apiKey}`;
}

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local hub...`);
  await hub.stop();
  await rm(runFile, { force: true });
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
