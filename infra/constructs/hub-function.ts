/**
 * The one way the hub builds a Lambda function: pinned runtime and architecture, tracing, bounded log
 * retention, ESM bundling, every resource name in the environment, and IAM grants for exactly
 * what its `FunctionDefinition` declares.
 */
import path from 'node:path';
import { CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { rules } from 'cdk-nag';
import { Construct } from 'constructs';
import { buckets, queues, tables } from '#shared/resources.ts';
import type { QueueDefinition } from '#shared/resources.ts';
import type { FunctionDefinition } from '#shared/routes.ts';
import { resourceFor } from '../stateful-stack.ts';
import { functionBuildOptions } from './function-bundle.ts';
import type { StatefulResources } from '../stateful-stack.ts';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

const bundleScript = path.join(repositoryRoot, 'infra/constructs/function-bundle.ts');

/** Where the state systems are, from `cdk.json` context (the sandboxes by default). */
export interface StateSystemEndpoint {
  /** BioTrack's NY-API. */
  readonly baseUrl: string;
  readonly tokenPath: string;
  readonly authorizePath: string;
  /** Metrc's New York API. */
  readonly metrcBaseUrl: string;
}

export interface HubFunctionProps {
  readonly definition: FunctionDefinition;
  readonly resources: StatefulResources;
  readonly stateSystem?: StateSystemEndpoint;
  /** @default one month */
  readonly logRetention?: RetentionDays;
}

/** Bundling hooks that copy package files (under node_modules) to the same place beside the bundle. */
export function copyFiles(files: readonly string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      files.flatMap((file) => [
        `mkdir -p "${path.posix.join(outputDir, 'node_modules', path.posix.dirname(file))}"`,
        `cp "${path.posix.join(inputDir, 'node_modules', file)}" "${path.posix.join(outputDir, 'node_modules', file)}"`,
      ]),
  };
}

/**
 * Bundling hooks that bundle the function again with code splitting (`function-bundle.ts`: the
 * bundle `NodejsFunction` writes cannot split), then copy its run-time files beside it.
 */
export function splitBundle(entry: string, files: readonly string[] = []): ICommandHooks {
  const copies = copyFiles(files);
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [
      `"${process.execPath}" "${path.posix.join(inputDir, path.relative(repositoryRoot, bundleScript))}" "${path.posix.join(inputDir, entry)}" "${outputDir}"`,
      ...copies.afterBundling(inputDir, outputDir),
    ],
  };
}

export class HubFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id);
    const { definition, resources } = props;

    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });

    // An own role instead of AWSLambdaBasicExecutionRole: that policy may write to any log group.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(repositoryRoot, definition.entry),
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      description: definition.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: definition.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'ny-transfer-hub',
        ...resourceEnvironment(resources),
      },
      // The same options as `function-bundle.ts`, which then bundles again with code splitting.
      bundling: {
        format: OutputFormat.ESM,
        mainFields: [...functionBuildOptions.mainFields],
        banner: functionBuildOptions.banner.js,
        target: functionBuildOptions.target,
        minify: functionBuildOptions.minify,
        sourceMap: functionBuildOptions.sourcemap,
        sourcesContent: functionBuildOptions.sourcesContent,
        // Ship the AWS SDK versions pinned in package-lock.json, not whatever the runtime carries.
        bundleAwsSDK: true,
        // Run-time files (fonts) go where the bundle's module resolution finds them: node_modules beside it.
        commandHooks: splitBundle(definition.entry, definition.files ?? []),
      },
    });

    for (const { table, access } of definition.tables ?? []) {
      const resource = resourceFor(resources.tables, table);
      if (access === 'read') resource.grantReadData(role);
      else resource.grantReadWriteData(role);
    }
    for (const { bucket, access } of definition.buckets ?? []) {
      const resource = resourceFor(resources.buckets, bucket);
      if (access === 'read') resource.grantRead(role);
      else resource.grantReadWrite(role);
    }
    for (const { queue, access } of definition.queues ?? []) {
      const hubQueue = resourceFor(resources.queues, queue);
      const resource = hubQueue.queue;
      if (access === 'inspect') resource.grant(role, 'sqs:GetQueueAttributes');
      else if (access === 'send') resource.grantSendMessages(role);
      else if (access === 'consume') resource.grantConsumeMessages(role);
      else {
        // Redrive: take from the dead-letter queue, put back on the queue.
        if (!hubQueue.deadLetterQueue) throw new Error(`${queue.name} has no dead-letter queue to redrive`);
        hubQueue.deadLetterQueue.grantConsumeMessages(role);
        resource.grantSendMessages(role);
      }
    }
    if (definition.stateSystem) {
      const endpoint = props.stateSystem;
      if (!endpoint) throw new Error(`${definition.entry} talks to the state system, but no endpoint is configured`);
      // Tokens are small: plain Encrypt and Decrypt, no data keys.
      resources.stateSystem.tokenKey.grant(role, 'kms:Encrypt', 'kms:Decrypt');
      resources.stateSystem.credentials.grantRead(role);
      this.function.addEnvironment('TOKEN_KMS_KEY_ID', resources.stateSystem.tokenKey.keyArn);
      this.function.addEnvironment('NYAPI_CREDENTIALS_SECRET', resources.stateSystem.credentials.secretArn);
      this.function.addEnvironment('NYAPI_BASE_URL', endpoint.baseUrl);
      this.function.addEnvironment('NYAPI_TOKEN_PATH', endpoint.tokenPath);
      this.function.addEnvironment('NYAPI_AUTHORIZE_PATH', endpoint.authorizePath);
      resources.stateSystem.metrcVendorKey.grantRead(role);
      this.function.addEnvironment('METRC_BASE_URL', endpoint.metrcBaseUrl);
      this.function.addEnvironment('METRC_VENDOR_KEY_SECRET', resources.stateSystem.metrcVendorKey.secretArn);
    }
    if (definition.receiptLinkKey) {
      // Derives tokens only: no VerifyMac (a token is looked up by its hash), nothing else on any other key.
      resources.receiptLinkKey.grant(role, 'kms:GenerateMac');
      this.function.addEnvironment('RECEIPT_LINK_KEY_ID', resources.receiptLinkKey.keyArn);
    }
    if (definition.cursorKey) {
      // Derives the cursor sealing key once per instance; nothing else on any other key.
      resources.cursorKey.grant(role, 'kms:GenerateMac');
      this.function.addEnvironment('CURSOR_KEY_ID', resources.cursorKey.keyArn);
    }
    for (const bucket of definition.browserUploads ?? []) {
      // A presigned POST is signed with the function's own credentials: it must be allowed to write there.
      const writes = definition.buckets?.some((b) => b.bucket.name === bucket.name && b.access === 'readWrite');
      if (!writes) throw new Error(`${definition.entry} takes browser uploads to ${bucket.name} but may not write to it`);
      const resource = resourceFor(resources.buckets, bucket);
      this.node.addValidation({
        validate: () => (hasCors(resource) ? [] : [`${definition.entry} takes browser uploads to ${bucket.name}, which has no CORS rule`]),
      });
    }

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions.',
    });
    this.node.addValidation({
      validate: () => {
        acknowledgeGrantWildcards(role);
        return [];
      },
    });
  }
}

/** Whether the bucket answers browsers' cross-origin requests (the stateful stack adds the rule). */
function hasCors(bucket: Bucket): boolean {
  const cfn = bucket.node.defaultChild as CfnBucket;
  return Stack.of(bucket).resolve(cfn.corsConfiguration) !== undefined;
}

/** Names are not privileges: every function learns every resource name, IAM decides what it may do. */
function resourceEnvironment(resources: StatefulResources): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const definition of tables) {
    environment[definition.env] = resourceFor(resources.tables, definition).tableName;
  }
  for (const definition of buckets) {
    environment[definition.env] = resourceFor(resources.buckets, definition).bucketName;
  }
  for (const definition of queues as readonly QueueDefinition[]) {
    const hubQueue = resourceFor(resources.queues, definition);
    environment[definition.env] = hubQueue.queue.queueUrl;
    if (definition.deadLetter && hubQueue.deadLetterQueue) {
      environment[definition.deadLetter.env] = hubQueue.deadLetterQueue.queueUrl;
    }
  }
  return environment;
}

/** The wildcards CDK's grants put in a hub function's policy, and why each is acceptable. */
const acceptedGrantWildcards = [
  {
    finding: /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*$/,
    reason: "CDK's S3 read/readWrite grant action groups, on the declared bucket only.",
  },
  { finding: /^Resource::[^*]+\/index\/\*$/, reason: 'Queries on the secondary indexes of one declared table.' },
  { finding: /^Resource::[^*]+\/\*$/, reason: 'Objects of one declared bucket.' },
] as const;

/**
 * cdk-nag 3 acknowledges IAM5 findings by exact id only, and a granted resource appears in the id as
 * its rendered cross-stack reference, which exists only once references are resolved. Construct
 * validations run right after that and before cdk-nag, so the findings are acknowledged there.
 */
function acknowledgeGrantWildcards(role: Role): void {
  const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
  if (!CfnResource.isCfnResource(policy)) return;
  const findings = rules.iam.IAMNoWildcardPermissions(policy);
  if (!Array.isArray(findings)) return;
  for (const finding of findings) {
    const accepted = acceptedGrantWildcards.find((w) => w.finding.test(finding));
    if (accepted) Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: accepted.reason });
  }
}
