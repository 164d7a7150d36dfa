/**
 * The hub's functions, HTTP routes and queue consumers, defined once. The CDK stateless stack
 * bundles and wires exactly these; the local server (`infra/local/http-server.ts`) and queue
 * pollers invoke the same handler modules through the same table.
 */
import { documentsBucket, exportsBucket, hubTable, idempotencyTable, stateSubmissionsQueue, uploadsBucket } from './resources.ts';
import type { BucketDefinition, QueueDefinition, TableDefinition } from './resources.ts';
import { manifestFontFiles } from './manifests/fonts.ts';
import { passkeyBrowserLibraryFile } from './people/browser-library.ts';

export type TableAccess = 'read' | 'readWrite';
export type BucketAccess = 'read' | 'readWrite';
/** `inspect` reads queue attributes only; `send` enqueues; `consume` receives and deletes; `redrive` moves its DLQ's messages back. */
export type QueueAccess = 'inspect' | 'send' | 'consume' | 'redrive';

export interface FunctionDefinition {
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Least privilege: the only resources this function may touch, and how. */
  readonly tables?: readonly { readonly table: TableDefinition; readonly access: TableAccess }[];
  readonly buckets?: readonly { readonly bucket: BucketDefinition; readonly access: BucketAccess }[];
  readonly queues?: readonly { readonly queue: QueueDefinition; readonly access: QueueAccess }[];
  /** Files the code reads at run time (package subpaths under node_modules), copied beside the bundle. */
  readonly files?: readonly string[];
  /** Talks to the state system: gets its settings, reads the integrator credentials and seals or opens tokens. */
  readonly stateSystem?: boolean;
  /** Derives receipt-link tokens: may use the receipt-link HMAC key (kms:GenerateMac) and gets its id. */
  readonly receiptLinkKey?: boolean;
  /** Answers lists to clients: seals and opens their cursors with the cursor key (kms:GenerateMac) and gets its id. */
  readonly cursorKey?: boolean;
  /** Its pages' scripts post files straight to these buckets (CORS from the hub's public origin). */
  readonly browserUploads?: readonly BucketDefinition[];
  /** Sends e-mail (invitations, sign-in links): SES from the configured sender identity. */
  readonly sendsMail?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/transfers/{id}`. */
  readonly path: string;
  readonly function: FunctionName;
  /**
   * `licensee`: the API key authorizer runs first and hands the route the caller's licensee.
   * `operator`: AWS IAM (SigV4) in AWS; in local mode the operator token of `.local/run.json`.
   */
  readonly auth: 'public' | 'licensee' | 'operator';
  /** Why a public route may go without a key: what it shows and to whom. */
  readonly publicBecause?: string;
}

export interface QueueConsumerDefinition {
  readonly queue: QueueDefinition;
  readonly function: FunctionName;
  readonly batchSize: number;
  /** Instances at once (Lambda's maximum concurrency; local mode runs as many pollers, up to 4). */
  readonly maxConcurrency: number;
}

/** A function run on a timer: an EventBridge schedule in AWS, `setInterval` in local mode. */
export interface ScheduleDefinition {
  readonly function: FunctionName;
  readonly everyMinutes: number;
  readonly description: string;
}

export const functions = {
  health: {
    entry: 'functions/health/handler.ts',
    description: 'Reports whether DynamoDB, S3 and SQS are reachable',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'readWrite' }],
    buckets: [{ bucket: documentsBucket, access: 'read' }],
    queues: [{ queue: stateSubmissionsQueue, access: 'inspect' }],
  },
  me: {
    entry: 'functions/me/handler.ts',
    description: "The caller's licensee profile",
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'read' }],
  },
  apiKeys: {
    entry: 'functions/api-keys/handler.ts',
    description: "Creates, lists and revokes the caller's API keys",
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [
      { table: hubTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
    cursorKey: true,
  },
  registries: {
    entry: 'functions/registries/handler.ts',
    description: 'Drivers, vehicles and partners on file',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [
      { table: hubTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
    cursorKey: true,
  },
  transfers: {
    entry: 'functions/transfers/handler.ts',
    description: 'Transfer drafts, manifests and their PDFs, the lifecycle actions and their history',
    timeoutSeconds: 15,
    // Rendering a 1000-package manifest is CPU-bound: Lambda gives CPU in proportion to memory.
    memoryMb: 1024,
    tables: [
      { table: hubTable, access: 'readWrite' },
      { table: idempotencyTable, access: 'readWrite' },
    ],
    buckets: [{ bucket: documentsBucket, access: 'readWrite' }],
    queues: [{ queue: stateSubmissionsQueue, access: 'send' }],
    files: manifestFontFiles,
    receiptLinkKey: true,
    cursorKey: true,
    // Pre-flight: a manifest's packages are checked against the shipper's inventory at the state first.
    stateSystem: true,
  },
  receiptLinks: {
    entry: 'functions/receipt-links/handler.ts',
    description: "The receipt link's page: a receiver without an integrated system confirms receipt, signs and attaches photos",
    timeoutSeconds: 15,
    // Renders the signed receipt PDF.
    memoryMb: 1024,
    tables: [{ table: hubTable, access: 'readWrite' }],
    buckets: [
      { bucket: documentsBucket, access: 'readWrite' },
      { bucket: uploadsBucket, access: 'readWrite' },
    ],
    queues: [{ queue: stateSubmissionsQueue, access: 'send' }],
    files: manifestFontFiles,
    // Photos land in the uploads bucket (no lock, a day); a committed receipt copies the ones it names.
    browserUploads: [uploadsBucket],
  },
  verify: {
    entry: 'functions/verify/handler.ts',
    description: 'The public verification page of a printed manifest',
    timeoutSeconds: 5,
    memoryMb: 256,
    // Writes only the count of lookups that proved no copy, per address (guessing is slowed, then refused).
    tables: [{ table: hubTable, access: 'readWrite' }],
  },
  integrations: {
    entry: 'functions/integrations/handler.ts',
    description: "The license's connections to the state systems: consent to the hub in the NY-API and the state users API keys act as; the Metrc user key",
    timeoutSeconds: 15,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'readWrite' }],
    queues: [{ queue: stateSubmissionsQueue, access: 'send' }],
    stateSystem: true,
  },
  stateSubmitter: {
    entry: 'functions/state-submitter/handler.ts',
    description: 'Delivers submissions to the state tracking system in lifecycle order, with retries',
    // Below the queue's visibility timeout, so a batch never reappears while it is still being worked.
    timeoutSeconds: 120,
    // Renders the manifest version that prints the state's number: CPU in proportion to memory, as for the transfers.
    memoryMb: 1024,
    tables: [{ table: hubTable, access: 'readWrite' }],
    // Stores that version's PDF.
    buckets: [{ bucket: documentsBucket, access: 'readWrite' }],
    queues: [{ queue: stateSubmissionsQueue, access: 'consume' }],
    files: manifestFontFiles,
    stateSystem: true,
  },
  outboxSweeper: {
    entry: 'functions/outbox-sweeper/handler.ts',
    description: 'Enqueues submissions stranded between commit and enqueue; reports the oldest pending one',
    timeoutSeconds: 60,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'readWrite' }],
    queues: [{ queue: stateSubmissionsQueue, access: 'send' }],
  },
  inboundPull: {
    entry: 'functions/inbound-pull/handler.ts',
    description: "The reconciler: reads back what each state system shows (inbound transfers, the licensee's own ones), settles steps a person did there and records differences",
    timeoutSeconds: 300,
    // Renders the manifest version that prints the number Metrc issued at a person's registration.
    memoryMb: 1024,
    tables: [{ table: hubTable, access: 'readWrite' }],
    // Stores that version's PDF.
    buckets: [{ bucket: documentsBucket, access: 'readWrite' }],
    // Sends the steps that waited behind a person's step once the state shows it done.
    queues: [{ queue: stateSubmissionsQueue, access: 'send' }],
    files: manifestFontFiles,
    stateSystem: true,
  },
  registrySync: {
    entry: 'functions/registry-sync/handler.ts',
    description: "Syncs each connected licensee's drivers and vehicles both ways with its state system's transporter list",
    timeoutSeconds: 120,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'readWrite' }],
    stateSystem: true,
  },
  operations: {
    entry: 'functions/operations/handler.ts',
    description: 'Operator actions: redrive dead-lettered submissions',
    timeoutSeconds: 300,
    memoryMb: 256,
    queues: [{ queue: stateSubmissionsQueue, access: 'redrive' }],
  },
  reports: {
    entry: 'functions/reports/handler.ts',
    description: "The caller's routine inventory report (packages that left or arrived in a period)",
    timeoutSeconds: 60,
    memoryMb: 1024,
    tables: [{ table: hubTable, access: 'read' }],
    buckets: [{ bucket: exportsBucket, access: 'readWrite' }],
  },
  statePackages: {
    entry: 'functions/state-packages/handler.ts',
    description: "The caller's active packages at its state system, for picking a draft's lines",
    timeoutSeconds: 15,
    memoryMb: 256,
    // Reads the licensee, its account and its sealed user key; writes only Metrc's shared GET budget.
    tables: [{ table: hubTable, access: 'readWrite' }],
    cursorKey: true,
    stateSystem: true,
  },
  people: {
    entry: 'functions/people/handler.ts',
    description: "The licensee's people and their invitations by e-mail",
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'readWrite' }],
    cursorKey: true,
    sendsMail: true,
  },
  signIn: {
    entry: 'functions/sign-in/handler.ts',
    description: "People's pages: sign-in by e-mailed link or passkey, invitations, their account and passkeys, signing out, the admin's people page",
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ table: hubTable, access: 'readWrite' }],
    cursorKey: true,
    sendsMail: true,
    // The passkey pages' script: @simplewebauthn/browser's build, served at /assets/passkeys.js.
    files: [passkeyBrowserLibraryFile],
  },
  console: {
    entry: 'functions/console/handler.ts',
    description: "The console's pages for signed-in people: Today, transfer lists, a transfer and its actions, the driver's trips",
    timeoutSeconds: 15,
    // Issuing a manifest renders its PDF: CPU in proportion to memory, as for the transfers.
    memoryMb: 1024,
    // The same use-cases as the transfers API, so the same reach (its pages add no other).
    tables: [{ table: hubTable, access: 'readWrite' }],
    buckets: [{ bucket: documentsBucket, access: 'readWrite' }],
    queues: [{ queue: stateSubmissionsQueue, access: 'send' }],
    files: manifestFontFiles,
    receiptLinkKey: true,
    cursorKey: true,
    stateSystem: true,
  },
  consoleForms: {
    entry: 'functions/console-forms/handler.ts',
    description: "The console's new-transfer and draft form, and its receiving form",
    timeoutSeconds: 20,
    // Saving a draft and issuing its manifest in one post renders the manifest's PDF, as the console does.
    memoryMb: 1024,
    // The same use-cases as the transfers API and the package picker, so the same reach.
    tables: [{ table: hubTable, access: 'readWrite' }],
    buckets: [{ bucket: documentsBucket, access: 'readWrite' }],
    queues: [{ queue: stateSubmissionsQueue, access: 'send' }],
    files: manifestFontFiles,
    receiptLinkKey: true,
    cursorKey: true,
    stateSystem: true,
  },
  consoleAdmin: {
    entry: 'functions/console-admin/handler.ts',
    description: "The console's admin pages: API keys, state-system connections, the partner, driver and vehicle registries, the inventory-movements report",
    timeoutSeconds: 30,
    // The report of a busy year is computed in the request, as the reports function does.
    memoryMb: 1024,
    // The same use-cases as the api-keys, integrations, registries and reports functions, so their reach together.
    tables: [{ table: hubTable, access: 'readWrite' }],
    buckets: [{ bucket: exportsBucket, access: 'readWrite' }],
    // A Metrc key entered or a BioTrack consent given wakes the submissions that waited for it.
    queues: [{ queue: stateSubmissionsQueue, access: 'send' }],
    cursorKey: true,
    stateSystem: true,
  },
  openapi: {
    entry: 'functions/openapi/handler.ts',
    description: 'The OpenAPI 3.1 document of the API',
    timeoutSeconds: 5,
    memoryMb: 256,
  },
} as const satisfies Record<string, FunctionDefinition>;

/**
 * The HTTP API Lambda authorizer of every `licensee` route. Not a route target, hence apart from
 * `functions`. API Gateway caches its decisions for `AUTHORIZER_CACHE_SECONDS`: in AWS a revoked key
 * may keep working that long. Local mode does not cache.
 */
export const authorizer = {
  entry: 'functions/authorizer/handler.ts',
  description: 'Resolves the licensee of a Bearer API key for API Gateway',
  timeoutSeconds: 5,
  memoryMb: 256,
  tables: [{ table: hubTable, access: 'read' }],
} as const satisfies FunctionDefinition;

export const AUTHORIZER_CACHE_SECONDS = 60;

export type FunctionName = keyof typeof functions;

export const routes = [
  { method: 'GET', path: '/health', function: 'health', auth: 'public', publicBecause: 'It reports only whether the services are up.' },
  { method: 'GET', path: '/v1/me', function: 'me', auth: 'licensee' },
  { method: 'POST', path: '/v1/api-keys', function: 'apiKeys', auth: 'licensee' },
  { method: 'GET', path: '/v1/api-keys', function: 'apiKeys', auth: 'licensee' },
  { method: 'DELETE', path: '/v1/api-keys/{id}', function: 'apiKeys', auth: 'licensee' },
  { method: 'GET', path: '/openapi.json', function: 'openapi', auth: 'public', publicBecause: 'The API description holds no tenant data.' },
  {
    method: 'GET',
    path: '/verify/{manifestNumber}',
    function: 'verify',
    auth: 'public',
    publicBecause: "Inspectors scan a manifest's QR code without an account; it shows what the printed manifest shows, without prices or quantities.",
  },
  ...(['drivers', 'vehicles', 'partners'] as const).flatMap((collection) => [
    { method: 'POST', path: `/v1/${collection}`, function: 'registries', auth: 'licensee' } as const,
    { method: 'GET', path: `/v1/${collection}`, function: 'registries', auth: 'licensee' } as const,
    { method: 'GET', path: `/v1/${collection}/{id}`, function: 'registries', auth: 'licensee' } as const,
    { method: 'PUT', path: `/v1/${collection}/{id}`, function: 'registries', auth: 'licensee' } as const,
    { method: 'DELETE', path: `/v1/${collection}/{id}`, function: 'registries', auth: 'licensee' } as const,
  ]),
  { method: 'POST', path: '/v1/transfers', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers', function: 'transfers', auth: 'licensee' },
  { method: 'POST', path: '/v1/inbound-transfers', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}', function: 'transfers', auth: 'licensee' },
  { method: 'PATCH', path: '/v1/transfers/{id}', function: 'transfers', auth: 'licensee' },
  { method: 'DELETE', path: '/v1/transfers/{id}', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}/events', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}/submissions', function: 'transfers', auth: 'licensee' },
  ...(['manifest', 'amend', 'depart', 'arrive', 'receipt', 'void', 'return'] as const).map(
    (action) => ({ method: 'POST', path: `/v1/transfers/{id}/${action}`, function: 'transfers', auth: 'licensee' }) as const,
  ),
  { method: 'POST', path: '/v1/transfers/{id}/receipt-link', function: 'transfers', auth: 'licensee' },
  { method: 'DELETE', path: '/v1/transfers/{id}/receipt-link', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}/receipt.pdf', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}/receiving-sheet', function: 'transfers', auth: 'licensee' },
  ...(
    [
      ['GET', '/r/{token}'],
      ['POST', '/r/{token}'],
      ['POST', '/r/{token}/photos'],
      ['GET', '/r/{token}/receipt.pdf'],
    ] as const
  ).map(
    ([method, path]) =>
      ({
        method,
        path,
        function: 'receiptLinks',
        auth: 'public',
        publicBecause:
          'A receiver without an integrated system has no account: the unguessable token of its receipt link opens that one transfer, and wrong tokens are slowed, then refused.',
      }) as const,
  ),
  { method: 'GET', path: '/v1/transfers/{id}/manifest', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}/manifest.json', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/transfers/{id}/state-manifest', function: 'transfers', auth: 'licensee' },
  { method: 'GET', path: '/v1/integrations/{system}', function: 'integrations', auth: 'licensee' },
  { method: 'GET', path: '/v1/integrations/biotrack/connect', function: 'integrations', auth: 'licensee' },
  {
    method: 'GET',
    path: '/v1/integrations/biotrack/callback',
    function: 'integrations',
    auth: 'public',
    publicBecause: "The state system sends the license admin's browser back here; only the single-use state the hub issued is accepted.",
  },
  { method: 'PUT', path: '/v1/integrations/biotrack/users/{apiKeyId}', function: 'integrations', auth: 'licensee' },
  { method: 'PUT', path: '/v1/integrations/metrc/credentials', function: 'integrations', auth: 'licensee' },
  { method: 'POST', path: '/ops/state-submissions/redrive', function: 'operations', auth: 'operator' },
  { method: 'GET', path: '/v1/reports/inventory-movements', function: 'reports', auth: 'licensee' },
  { method: 'GET', path: '/v1/state-system/packages', function: 'statePackages', auth: 'licensee' },
  // People and sign-in (issue 15): the API with a key; the pages public, each opening only what its token or session opens.
  { method: 'POST', path: '/v1/people/invitations', function: 'people', auth: 'licensee' },
  { method: 'GET', path: '/v1/people', function: 'people', auth: 'licensee' },
  { method: 'POST', path: '/v1/people/{id}/revoke', function: 'people', auth: 'licensee' },
  { method: 'POST', path: '/v1/people/{id}/resend-invitation', function: 'people', auth: 'licensee' },
  ...(
    [
      ['GET', '/sign-in', 'The sign-in form: anyone may ask for a link, which goes only to an address that has an account; asking is limited per address and network.'],
      ['POST', '/sign-in', 'The sign-in form: anyone may ask for a link, which goes only to an address that has an account; asking is limited per address and network.'],
      ['GET', '/sign-in/{token}', 'A sign-in link from an e-mail: its unguessable single-use token is the credential; wrong tokens are slowed, then refused.'],
      ['POST', '/sign-in/{token}', 'A sign-in link from an e-mail: its unguessable single-use token is the credential; wrong tokens are slowed, then refused.'],
      ['GET', '/invitations/{token}', "An invitation from an e-mail: its unguessable single-use token sets up that one person's account; wrong tokens are slowed, then refused."],
      ['POST', '/invitations/{token}', "An invitation from an e-mail: its unguessable single-use token sets up that one person's account; wrong tokens are slowed, then refused."],
      ['GET', '/console', "A person's own page: the session cookie is the credential (no cookie: a redirect to sign-in)."],
      ['POST', '/sign-out', 'Ends the session its cookie names, with the session\'s form token.'],
      ['POST', '/sign-out/everywhere', "Ends every session of the cookie's person, with the session's form token."],
      ['GET', '/console/people', "The admin's people page: the session cookie of a person with the admin role is the credential."],
      ['POST', '/console/people', "The admin's invitation form: the session cookie of a person with the admin role and the session's form token."],
      ['POST', '/console/people/{id}/revoke', "The admin's revoke form (a confirmation page, then the revocation): the session cookie of a person with the admin role and the session's form token."],
      ['POST', '/console/people/{id}/resend', "The admin's form that sends an invitation again: the session cookie of a person with the admin role and the session's form token."],
      ['GET', '/assets/passkeys.js', 'The passkey pages\' script (@simplewebauthn/browser and a few lines): the same for everyone, no data.'],
      ['POST', '/sign-in/passkey/options', "A passkey sign-in's challenge: anyone on the sign-in page may ask (its form token), limited per network; it opens nothing by itself."],
      ['POST', '/sign-in/passkey/verify', 'A passkey sign-in: the signed challenge is the credential; failures are slowed, then refused, per network.'],
      ['POST', '/console/passkeys/options', "Adding a passkey: the session cookie is the credential, with the session's form token."],
      ['POST', '/console/passkeys', "Adding a passkey: the session cookie is the credential, with the session's form token and the challenge it was given."],
      ['POST', '/console/passkeys/{id}/remove', "Removing one of the person's own passkeys: the session cookie is the credential, with the session's form token."],
    ] as const
  ).map(([method, path, publicBecause]) => ({ method, path, function: 'signIn', auth: 'public', publicBecause }) as const),
  // The console (issue 15): pages for signed-in people; each opens only what the session's person may see and do.
  ...(
    [
      ['GET', '/console/today', "A person's Today page: the session cookie is the credential (no cookie: a redirect to sign-in)."],
      ['GET', '/console/transfers', "The transfers of the session's licensee: the session cookie is the credential."],
      ['GET', '/console/transfers/{id}', "One transfer the session's licensee is a party to: the session cookie is the credential."],
      ['GET', '/console/transfers/{id}/manifest.pdf', "The manifest of a transfer the session's licensee is a party to: the session cookie is the credential."],
      ['POST', '/console/transfers/{id}/{action}', "An action on a transfer: the session cookie, the session's form token and a role that allows it."],
      ['GET', '/console/trips', "A driver's trips of the day: the session cookie is the credential."],
    ] as const
  ).map(([method, path, publicBecause]) => ({ method, path, function: 'console', auth: 'public', publicBecause }) as const),
  // The console's two big forms (issue 15): a new transfer or a draft, and receiving a shipment.
  ...(
    [
      ['GET', '/console/transfers/new', "The new-transfer form: the session cookie of a person whose role may make drafts is the credential."],
      ['POST', '/console/transfers/new', "The new-transfer form posted: the session cookie, the session's form token and a role that may make drafts."],
      ['GET', '/console/transfers/{id}/edit', "A draft of the session's licensee, to change: the session cookie is the credential."],
      ['POST', '/console/transfers/{id}/edit', "A draft's form posted: the session cookie, the session's form token and a role that may change drafts."],
      ['GET', '/console/transfers/{id}/receive', "The receiving form of a transfer to the session's licensee: the session cookie is the credential."],
      ['POST', '/console/transfers/{id}/receive', "The receiving form posted: the session cookie, the session's form token and a role that may receive."],
    ] as const
  ).map(([method, path, publicBecause]) => ({ method, path, function: 'consoleForms', auth: 'public', publicBecause }) as const),
  // The console's admin pages (issue 15): API keys, state-system connections, registries, the report.
  ...(
    [
      ['GET', '/console/admin/api-keys', "The admin's API keys page: the session cookie of a person with the admin role is the credential."],
      ['POST', '/console/admin/api-keys', "Making an API key (its secret shown once): the session cookie of a person with the admin role and the session's form token."],
      ['POST', '/console/admin/api-keys/{id}/revoke', "Revoking an API key (a confirmation page, then the revocation): the session cookie of a person with the admin role and the session's form token."],
      ['GET', '/console/admin/connections', "The admin's state-system connections page: the session cookie of a person with the admin role is the credential."],
      ['GET', '/console/admin/connections/biotrack/connect', "Sends the admin's browser to approve the hub in the NY-API: the session cookie of a person with the admin role is the credential."],
      ['POST', '/console/admin/connections/metrc', "Entering the Metrc user key: the session cookie of a person with the admin role and the session's form token."],
      ['POST', '/console/admin/connections/biotrack/users', "Keeping the NY-API user a key acts as: the session cookie of a person with the admin role and the session's form token."],
      ['GET', '/console/admin/registries/{collection}', "The partners, drivers or vehicles on file: the session cookie of a person with the admin role is the credential."],
      ['GET', '/console/admin/registries/{collection}/new', "The form of a new partner, driver or vehicle: the session cookie of a person with the admin role is the credential."],
      ['POST', '/console/admin/registries/{collection}', "Adding a partner, driver or vehicle: the session cookie of a person with the admin role and the session's form token."],
      ['GET', '/console/admin/registries/{collection}/{id}', "One entry of the session's licensee, to change: the session cookie of a person with the admin role is the credential."],
      ['POST', '/console/admin/registries/{collection}/{id}', "Changing an entry: the session cookie of a person with the admin role and the session's form token."],
      ['POST', '/console/admin/registries/{collection}/{id}/remove', "Removing an entry (a confirmation page, then the removal): the session cookie of a person with the admin role and the session's form token."],
      ['GET', '/console/admin/reports', "The admin's reports page: the session cookie of a person with the admin role is the credential."],
      ['POST', '/console/admin/reports/inventory-movements', "The inventory-movements report of the session's licensee: the session cookie of a person with the admin role and the session's form token."],
    ] as const
  ).map(([method, path, publicBecause]) => ({ method, path, function: 'consoleAdmin', auth: 'public', publicBecause }) as const),
] as const satisfies readonly RouteDefinition[];

/** Queue → function wiring with Lambda's SQS contract (batches, partial batch failures). */
export const queueConsumers: readonly QueueConsumerDefinition[] = [
  { queue: stateSubmissionsQueue, function: 'stateSubmitter', batchSize: 10, maxConcurrency: 10 },
];

export const schedules: readonly ScheduleDefinition[] = [
  { function: 'outboxSweeper', everyMinutes: 1, description: 'Outbox sweep and pipeline lag metric' },
  { function: 'inboundPull', everyMinutes: 5, description: 'Inbound transfers from the NY-API' },
  { function: 'registrySync', everyMinutes: 15, description: 'Drivers and vehicles synced both ways with the state system' },
];
