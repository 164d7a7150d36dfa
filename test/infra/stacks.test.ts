import type { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { testApp } from '../support/cdk-app.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyFiles } from '#infra/constructs/hub-function.ts';
import { StatefulStack } from '#infra/stateful-stack.ts';
import type { StatefulStackProps } from '#infra/stateful-stack.ts';
import { manifestFonts } from '#shared/manifests/fonts.ts';
import { StatelessStack } from '#infra/stateless-stack.ts';
import type { StatelessStackProps } from '#infra/stateless-stack.ts';
import { buckets, documentsBucket, exportsBucket, hubTable, idempotencyTable, queues, stateSubmissionsQueue, tables, uploadsBucket } from '#shared/resources.ts';
import type { KeyAttribute, QueueDefinition } from '#shared/resources.ts';
import { AUTHORIZER_CACHE_SECONDS, functions, routes } from '#shared/routes.ts';
import type { FunctionDefinition } from '#shared/routes.ts';

const hubQueues: readonly QueueDefinition[] = queues;
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));


function hubApp(stateless: Omit<StatelessStackProps, 'resources'> = {}, statefulProps: StatefulStackProps = {}) {
  const app = testApp();
  const env = { account: '123456789012', region: 'us-east-1' };
  const stateful = new StatefulStack(app, 'Stateful', { env, ...statefulProps });
  return { stateful, stateless: new StatelessStack(app, 'Stateless', { env, resources: stateful, ...stateless }) };
}

function keySchema(key: { readonly partitionKey: KeyAttribute; readonly sortKey?: KeyAttribute }) {
  return [
    { AttributeName: key.partitionKey.name, KeyType: 'HASH' },
    ...(key.sortKey ? [{ AttributeName: key.sortKey.name, KeyType: 'RANGE' }] : []),
  ];
}

interface ResourceJson {
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

interface PolicyJson {
  readonly Properties: {
    readonly Roles: unknown;
    readonly PolicyDocument: { readonly Statement: readonly { Effect: string; Action: string | string[]; Resource: unknown }[] };
  };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

/** The template entry of one L2 construct. */
function resourceOf(stack: Stack, construct: IConstruct) {
  const id = logicalId(stack, construct);
  const resource = (Template.fromStack(stack).toJSON() as { Resources: Record<string, ResourceJson | undefined> })
    .Resources[id];
  if (!resource) throw new Error(`No resource ${id} in ${stack.stackName}`);
  return { id, ...resource };
}

function resourcesOfType(template: Template, type: string): ResourceJson[] {
  return Object.values(template.findResources(type)) as ResourceJson[];
}

/** Every action the IAM policies attached to a role allow. */
function allowedActions(template: Template, roleLogicalId: string): string[] {
  return (Object.values(template.findResources('AWS::IAM::Policy')) as PolicyJson[])
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) => [statement.Action].flat());
}

describe('stateful stack', () => {
  const { stateful } = hubApp();
  const template = Template.fromStack(stateful);

  it.each(tables)('builds the $name table from its definition, retained and recoverable', (definition) => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: keySchema(definition),
        GlobalSecondaryIndexes:
          definition.globalSecondaryIndexes.length > 0
            ? definition.globalSecondaryIndexes.map((index) =>
                Match.objectLike({
                  IndexName: index.indexName,
                  KeySchema: keySchema(index),
                  Projection:
                    index.projection.type === 'INCLUDE'
                      ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.attributes] }
                      : { ProjectionType: 'ALL' },
                }),
              )
            : Match.absent(),
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
        StreamSpecification: 'stream' in definition ? { StreamViewType: definition.stream } : Match.absent(),
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      }),
    });
  });

  it('streams old and new images of the hub table', () => {
    const table = resourceOf(stateful, stateful.tables[hubTable.name]);
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('keeps documents private, encrypted, versioned and logged', () => {
    const bucket = resourceOf(stateful, stateful.buckets[documentsBucket.name]);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stateful, stateful.node.findChild('AccessLogs')) } },
    });
  });

  it('never expires current documents (manifests are kept at least five years)', () => {
    const bucket = resourceOf(stateful, stateful.buckets[documentsBucket.name]);
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    for (const rule of rules) {
      expect(rule).not.toHaveProperty('ExpirationInDays');
      expect(rule).not.toHaveProperty('ExpirationDate');
      const noncurrent = rule.NoncurrentVersionExpiration as { NoncurrentDays: number } | undefined;
      if (noncurrent) expect(noncurrent.NoncurrentDays).toBeGreaterThanOrEqual(5 * 366);
    }
  });

  it('locks every document version for five years in compliance mode by default', () => {
    const bucket = resourceOf(stateful, stateful.buckets[documentsBucket.name]);
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 5 * 365 } } },
    });
  });

  it('keeps report exports private and short-lived, without Object Lock (they are made again on demand)', () => {
    const bucket = resourceOf(stateful, stateful.buckets[exportsBucket.name]);
    expect(bucket.Properties).not.toHaveProperty('ObjectLockEnabled');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 1, Status: 'Enabled' })] },
    });
  });

  it('takes a longer retention or governance mode, and refuses less than five years', () => {
    const app = testApp();
    const longer = new StatefulStack(app, 'Longer', { documentRetention: { years: 7, mode: 'GOVERNANCE' } });
    expect(resourceOf(longer, longer.buckets[documentsBucket.name]).Properties).toMatchObject({
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 7 * 365 } } },
    });
    expect(() => new StatefulStack(app, 'Shorter', { documentRetention: { years: 4, mode: 'COMPLIANCE' } })).toThrow(/at least 5/);
  });

  it.each(buckets)('allows only TLS requests to the $name bucket', (definition) => {
    const bucket = resourceOf(stateful, stateful.buckets[definition.name]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket.id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('builds the FIFO state submissions queue with its FIFO dead-letter queue', () => {
    const { queue, deadLetterQueue } = stateful.queues[stateSubmissionsQueue.name];
    if (!deadLetterQueue) throw new Error('the state submissions queue has no dead-letter queue');
    const dlq = resourceOf(stateful, deadLetterQueue);
    expect(resourceOf(stateful, queue).Properties).toMatchObject({
      FifoQueue: true,
      VisibilityTimeout: stateSubmissionsQueue.visibilityTimeoutSeconds,
      MessageRetentionPeriod: stateSubmissionsQueue.retentionPeriodSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] },
        maxReceiveCount: stateSubmissionsQueue.deadLetter.maxReceiveCount,
      },
    });
    expect(dlq.Properties).toMatchObject({
      FifoQueue: true,
      MessageRetentionPeriod: stateSubmissionsQueue.deadLetter.retentionPeriodSeconds,
      SqsManagedSseEnabled: true,
    });
  });

  it('builds one queue per definition and dead-letter queue, all TLS-only', () => {
    const expected = hubQueues.reduce((count, q) => count + (q.deadLetter ? 2 : 1), 0);
    template.resourceCountIs('AWS::SQS::Queue', expected);
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      expected,
    );
  });
});

describe('stateless stack', () => {
  const { stateless } = hubApp();
  const template = Template.fromStack(stateless);

  it('serves GET /health and every shared route through a payload v2 Lambda integration', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /health' });
    for (const route of routes) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${route.path}` });
    }
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles and access-logs the default stage, and outputs the API URL', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context\\.requestId') },
    });
    template.hasOutput('ApiUrl', {});
  });

  it('pins every function to nodejs24.x on arm64 with active tracing and bounded logs', () => {
    const lambdas = resourcesOfType(template, 'AWS::Lambda::Function');
    // Every route target, and the API key authorizer.
    expect(lambdas).toHaveLength(Object.keys(functions).length + 1);
    for (const lambda of lambdas) {
      expect(lambda.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(lambda.Properties).toHaveProperty('LoggingConfig.LogGroup.Ref');
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('gives every function the name of every hub resource', () => {
    const expected = [
      ...tables.map((t) => t.env),
      ...buckets.map((b) => b.env),
      ...hubQueues.flatMap((q) => [q.env, ...(q.deadLetter ? [q.deadLetter.env] : [])]),
    ];
    for (const lambda of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const variables = (lambda.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables)).toEqual(expect.arrayContaining([...expected, 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME']));
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it("points every function at the API's own URL for manifests' QR codes, or at a configured public address", () => {
    for (const lambda of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const variables = (lambda.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.stringify(variables.PUBLIC_BASE_URL)).toContain(logicalId(stateless, stateless.api));
    }
    const custom = Template.fromStack(hubApp({ publicBaseUrl: 'https://hub.example.org' }).stateless);
    for (const lambda of resourcesOfType(custom, 'AWS::Lambda::Function')) {
      expect((lambda.Properties.Environment as { Variables: Record<string, unknown> }).Variables.PUBLIC_BASE_URL).toBe('https://hub.example.org');
    }
  });

  it('copies the manifest fonts beside the bundle of the function that renders manifests', () => {
    const files = functions.transfers.files;
    expect(files).toEqual(Object.values(manifestFonts));
    for (const file of files) expect(existsSync(join(repositoryRoot, 'node_modules', file))).toBe(true);
    const commands = copyFiles(files).afterBundling('/src', '/asset');
    for (const file of files) expect(commands).toContain(`cp "/src/node_modules/${file}" "/asset/node_modules/${file}"`);
  });

  it('puts the API key authorizer (simple responses, Authorization header, short cache) on every licensee route, IAM on operator routes', () => {
    const authorizers = template.findResources('AWS::ApiGatewayV2::Authorizer', {
      Properties: {
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: ['$request.header.Authorization'],
        AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
      },
    });
    const [authorizerId] = Object.keys(authorizers);
    expect(Object.keys(authorizers)).toHaveLength(1);
    for (const route of routes) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        ...{
          public: { AuthorizationType: 'NONE', AuthorizerId: Match.absent() },
          licensee: { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } },
          operator: { AuthorizationType: 'AWS_IAM', AuthorizerId: Match.absent() },
        }[route.auth],
      });
    }
  });

  it('lets the authorizer only read the hub table', () => {
    const role = stateless.authorizer.function.role;
    if (!role) throw new Error('the authorizer has no role');
    const actions = allowedActions(template, stateless.getLogicalId(role.node.defaultChild as CfnResource));
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions.filter((action) => /^(s3|sqs):/.test(action))).toEqual([]);
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(actions).not.toContain(write);
    }
  });

  it('grants the health function only what its definition declares', () => {
    const role = stateless.functions.health?.function.role;
    if (!role) throw new Error('the health function has no role');
    const actions = allowedActions(template, stateless.getLogicalId(role.node.defaultChild as CfnResource));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 's3:GetObject*', 'sqs:GetQueueAttributes']));
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions).not.toContain('sqs:ReceiveMessage');
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).not.toContain('s3:DeleteObject*');
  });

  it('wires an injected queue consumer with partial batch failures', () => {
    const consumer = hubApp({
      functions: {
        ...functions,
        stateSubmitter: {
          entry: 'test/fixtures/batch-consumer.ts',
          description: 'Test consumer of state submissions',
          timeoutSeconds: 30,
          memoryMb: 256,
          queues: [{ queue: stateSubmissionsQueue, access: 'consume' }],
        },
      },
      queueConsumers: [{ queue: stateSubmissionsQueue, function: 'stateSubmitter', batchSize: 5, maxConcurrency: 2 }],
    }).stateless;
    const consumerTemplate = Template.fromStack(consumer);
    consumerTemplate.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    consumerTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: consumer.getLogicalId(consumer.functions.stateSubmitter?.function.node.defaultChild as CfnResource) },
    });
    const role = consumer.functions.stateSubmitter?.function.role;
    if (!role) throw new Error('the consumer has no role');
    expect(allowedActions(consumerTemplate, consumer.getLogicalId(role.node.defaultChild as CfnResource))).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
  });
});

describe('the state-system pipeline in AWS', () => {
  const { stateful, stateless } = hubApp();
  const template = Template.fromStack(stateless);
  const roleActions = (name: string) => {
    const role = stateless.functions[name]?.function.role;
    if (!role) throw new Error(`no role for ${name}`);
    return allowedActions(template, stateless.getLogicalId(role.node.defaultChild as CfnResource));
  };
  const environmentOf = (name: string) => {
    const fn = stateless.functions[name]?.function;
    if (!fn) throw new Error(`no function ${name}`);
    return (resourceOf(stateless, fn).Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
  };

  it('keeps a rotating KMS key for state-system tokens and a secret for the integrator credentials, both retained', () => {
    const statefulTemplate = Template.fromStack(stateful);
    statefulTemplate.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    statefulTemplate.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  it('lets exactly the functions that talk to the state system seal and open tokens and read the credentials', () => {
    const talking = Object.entries(functions).filter(([, d]) => 'stateSystem' in d && d.stateSystem).map(([name]) => name);
    // The transfers function checks a manifest's packages at the state before numbering it (pre-flight); statePackages lists them for a picker;
    // registrySync syncs drivers and vehicles with the state system's transporter list; the console's pages call the transfers use-cases.
    expect(talking.sort()).toEqual(['console', 'consoleAdmin', 'consoleForms', 'inboundPull', 'integrations', 'registrySync', 'statePackages', 'stateSubmitter', 'transfers']);
    for (const name of Object.keys(functions)) {
      const actions = roleActions(name);
      const env = environmentOf(name);
      if (talking.includes(name)) {
        expect(actions, name).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'secretsmanager:GetSecretValue']));
        expect(env, name).toMatchObject({ NYAPI_BASE_URL: 'https://licensee-api.sandbox-ny.biotr.ac', NYAPI_TOKEN_PATH: '/oauth/token' });
        expect(Object.keys(env)).toEqual(expect.arrayContaining(['TOKEN_KMS_KEY_ID', 'NYAPI_CREDENTIALS_SECRET']));
        // Metrc's New York sandbox unless `-c metrcBaseUrl=…` says otherwise; the vendor key is a secret, never a variable.
        expect(env, name).toMatchObject({ METRC_BASE_URL: 'https://sandbox-api-ny.metrc.com' });
        expect(Object.keys(env)).toContain('METRC_VENDOR_KEY_SECRET');
        expect(Object.keys(env)).not.toContain('METRC_VENDOR_KEY');
      } else {
        // kms:GenerateMac is the receipt-link key's, on that key alone (see 'receipt links in AWS').
        const stateSystemActions = actions.filter((a) => (a.startsWith('kms:') && a !== 'kms:GenerateMac') || a.startsWith('secretsmanager:'));
        expect(stateSystemActions, name).toEqual([]);
        expect(env, name).not.toHaveProperty('NYAPI_BASE_URL');
        expect(env, name).not.toHaveProperty('METRC_VENDOR_KEY_SECRET');
      }
    }
  });

  it('feeds the submitter from the FIFO queue with partial batch failures and bounded concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
      FunctionName: { Ref: logicalId(stateless, stateless.functions['stateSubmitter']?.function as IConstruct) },
    });
  });

  it('runs the sweeper every minute, the inbound pull every five and the registry sync every fifteen on EventBridge schedules', () => {
    for (const [name, rate] of [['outboxSweeper', 'rate(1 minute)'], ['inboundPull', 'rate(5 minutes)'], ['registrySync', 'rate(15 minutes)']] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: rate,
        Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stateless, stateless.functions[name]?.function as IConstruct), 'Arn'] } })]),
      });
    }
  });

  it('alarms on any dead-lettered or refused submission, on a submission pending over 15 minutes and on any step overdue for a person, to an encrypted topic', () => {
    const topic = logicalId(stateless, stateless.alerts);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'NyTransferHub',
      MetricName: 'SubmissionsFailed',
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: [{ Ref: topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'NyTransferHub',
      MetricName: 'OldestPendingSubmissionAge',
      Threshold: 900,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'NyTransferHub',
      MetricName: 'OverdueSubmissions',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topic }],
    });
  });

  it('lets inboundPull send the steps that waited behind a person’s step once the state shows it done, and take nothing from the queue', () => {
    const actions = roleActions('inboundPull');
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).not.toContain('sqs:ReceiveMessage');
    expect(actions).not.toContain('sqs:DeleteMessage');
  });

  it.each(['stateSubmitter', 'inboundPull'] as const)(
    'lets %s store the manifest version that prints the state number: the documents bucket, fonts beside the bundle',
    (name) => {
      const actions = roleActions(name);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 's3:PutObject', 's3:GetObject*']));
      const policies = JSON.stringify(
        (Object.values(template.findResources('AWS::IAM::Policy')) as PolicyJson[]).filter((p) =>
          JSON.stringify(p.Properties.Roles).includes(`"${stateless.getLogicalId(stateless.functions[name]?.function.role?.node.defaultChild as CfnResource)}"`),
        ),
      );
      expect(policies).toContain(logicalId(stateful, stateful.buckets[documentsBucket.name]));
      expect(policies).not.toContain(logicalId(stateful, stateful.buckets[exportsBucket.name]));
      expect(policies).not.toContain(logicalId(stateful, stateful.buckets[uploadsBucket.name]));
      expect(functions[name].files).toEqual(functions.transfers.files);
      expect(functions[name].memoryMb).toBeGreaterThanOrEqual(functions.transfers.memoryMb);
      expect(environmentOf(name)).toHaveProperty('PUBLIC_BASE_URL');
    },
  );

  it('lets the operations function take from the DLQ and put back on the queue, nothing else', () => {
    const actions = roleActions('operations');
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage']));
    expect(actions.filter((a) => a.startsWith('dynamodb:') || a.startsWith('s3:'))).toEqual([]);
  });
});

describe('receipt links in AWS', () => {
  const { stateful, stateless } = hubApp();
  const statefulTemplate = Template.fromStack(stateful);
  const template = Template.fromStack(stateless);
  const keyId = logicalId(stateful, stateful.receiptLinkKey);
  const roleOf = (name: string) => {
    const role = stateless.functions[name]?.function.role;
    if (!role) throw new Error(`no role for ${name}`);
    return stateless.getLogicalId(role.node.defaultChild as CfnResource);
  };
  /** The statements of a role's policies that allow an action, with their resources as rendered. */
  const statementsAllowing = (name: string, action: string) =>
    (Object.values(template.findResources('AWS::IAM::Policy')) as PolicyJson[])
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleOf(name)}"`))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes(action));
  const environmentOf = (name: string) => {
    const fn = stateless.functions[name]?.function;
    if (!fn) throw new Error(`no function ${name}`);
    return (resourceOf(stateless, fn).Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
  };
  const corsOf = (stack: StatefulStack, bucket: (typeof buckets)[number]) => resourceOf(stack, stack.buckets[bucket.name]).Properties.CorsConfiguration;

  it('keeps a retained KMS HMAC key that derives the tokens', () => {
    const key = resourceOf(stateful, stateful.receiptLinkKey);
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect(key.Properties.Description).toMatch(/receipt-link tokens.*manifests/);
    // KMS cannot rotate HMAC keys, and a new key would break every printed link.
    expect(key.Properties.EnableKeyRotation).not.toBe(true);
    statefulTemplate.resourceCountIs('AWS::KMS::Key', 3);
  });

  /** The resources a function may call kms:GenerateMac on, as rendered. */
  const macResources = (name: string) =>
    statementsAllowing(name, 'kms:GenerateMac').flatMap((statement) => [statement.Resource].flat().map((resource) => JSON.stringify(resource)));

  it('lets only the functions that issue receipt links (the API and the console) derive tokens: its key id, and kms:GenerateMac on that key alone', () => {
    const deriving = Object.entries<FunctionDefinition>(functions).filter(([, d]) => d.receiptLinkKey).map(([name]) => name);
    expect(deriving.sort()).toEqual(['console', 'consoleForms', 'transfers']);
    for (const name of Object.keys(functions)) {
      const onKey = macResources(name).filter((resource) => resource.includes(keyId));
      for (const statement of statementsAllowing(name, 'kms:GenerateMac')) expect(statement.Action, name).toBe('kms:GenerateMac');
      if (deriving.includes(name)) {
        expect(JSON.stringify(environmentOf(name).RECEIPT_LINK_KEY_ID), name).toContain(keyId);
        expect(onKey, name).toHaveLength(1);
      } else {
        expect(environmentOf(name), name).not.toHaveProperty('RECEIPT_LINK_KEY_ID');
        expect(onKey, name).toEqual([]);
      }
    }
    const authorizerRole = stateless.getLogicalId(stateless.authorizer.function.role?.node.defaultChild as CfnResource);
    expect(allowedActions(template, authorizerRole).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('seals list cursors with a KMS HMAC key of their own that only the list-answering functions may use', () => {
    const cursorKeyId = logicalId(stateful, stateful.cursorKey);
    const key = resourceOf(stateful, stateful.cursorKey);
    expect(key.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const sealing = Object.entries<FunctionDefinition>(functions).filter(([, d]) => d.cursorKey).map(([name]) => name);
    expect(sealing.sort()).toEqual(['apiKeys', 'console', 'consoleAdmin', 'consoleForms', 'people', 'registries', 'signIn', 'statePackages', 'transfers']);
    for (const name of Object.keys(functions)) {
      const onCursorKey = macResources(name).filter((resource) => resource.includes(cursorKeyId));
      if (sealing.includes(name)) {
        expect(JSON.stringify(environmentOf(name).CURSOR_KEY_ID), name).toContain(cursorKeyId);
        expect(onCursorKey, name).toHaveLength(1);
      } else {
        expect(environmentOf(name), name).not.toHaveProperty('CURSOR_KEY_ID');
        expect(onCursorKey, name).toEqual([]);
      }
      // Nothing but the cursor key and (transfers only) the receipt-link key.
      expect(macResources(name).filter((resource) => !resource.includes(cursorKeyId) && !resource.includes(keyId)), name).toEqual([]);
    }
  });

  it('serves the receipt-link pages from the receiptLinks function without an authorizer', () => {
    const pages = routes.filter((route) => route.function === 'receiptLinks');
    expect(pages.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      ['GET /r/{token}', 'GET /r/{token}/receipt.pdf', 'POST /r/{token}', 'POST /r/{token}/photos'],
    );
    const target = logicalId(stateless, stateless.functions['receiptLinks']?.function as IConstruct);
    const resourcesById = (template.toJSON() as { Resources: Record<string, ResourceJson> }).Resources;
    for (const route of pages) {
      expect(route.auth).toBe('public');
      const found = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: `${route.method} ${route.path}` } }),
      ) as ResourceJson[];
      expect(found, `${route.method} ${route.path}`).toHaveLength(1);
      expect(found[0]?.Properties).toMatchObject({ AuthorizationType: 'NONE' });
      expect(found[0]?.Properties).not.toHaveProperty('AuthorizerId');
      const integrationId = /"integrations\/",\{"Ref":"([^"]+)"\}/.exec(JSON.stringify(found[0]?.Properties.Target))?.[1] ?? '';
      expect(resourcesById[integrationId]?.Properties.IntegrationUri, `${route.method} ${route.path}`).toEqual({ 'Fn::GetAtt': [target, 'Arn'] });
    }
    for (const path of ['/v1/transfers/{id}/receipt-link', '/v1/transfers/{id}/receipt.pdf']) {
      for (const route of routes.filter((r) => r.path === path)) {
        expect(route.function).toBe('transfers');
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${route.method} ${path}`, AuthorizationType: 'CUSTOM' });
      }
    }
  });

  it('grants the receiptLinks function only what its definition declares', () => {
    const actions = allowedActions(template, roleOf('receiptLinks'));
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 's3:PutObject', 's3:GetObject*', 'sqs:SendMessage']),
    );
    for (const denied of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'secretsmanager:GetSecretValue']) expect(actions).not.toContain(denied);
    expect(actions.filter((a) => a.startsWith('kms:'))).toEqual([]);
    const policies = JSON.stringify(
      (Object.values(template.findResources('AWS::IAM::Policy')) as PolicyJson[]).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes(`"${roleOf('receiptLinks')}"`),
      ),
    );
    // The hub table and the documents bucket, not the idempotency table or the exports bucket.
    expect(policies).toContain(logicalId(stateful, stateful.tables[hubTable.name]));
    expect(policies).toContain(logicalId(stateful, stateful.buckets[documentsBucket.name]));
    expect(policies).not.toContain(logicalId(stateful, stateful.tables[idempotencyTable.name]));
    expect(policies).not.toContain(logicalId(stateful, stateful.buckets[exportsBucket.name]));
    expect(environmentOf('receiptLinks')).toHaveProperty('PUBLIC_BASE_URL');
  });

  it("lets pages post files to the uploads bucket from the hub's public origin, and nowhere else", () => {
    expect(functions.receiptLinks.browserUploads).toEqual([uploadsBucket]);
    const configured = hubApp({ publicBaseUrl: 'https://hub.example.org/' }, { publicBaseUrl: 'https://hub.example.org/' }).stateful;
    expect(corsOf(configured, uploadsBucket)).toEqual({
      CorsRules: [
        {
          Id: 'browser-uploads',
          AllowedOrigins: ['https://hub.example.org'],
          AllowedMethods: ['POST'],
          AllowedHeaders: ['*'],
          ExposedHeaders: ['ETag'],
          MaxAge: 3600,
        },
      ],
    });
    // Without a public address the pages come from the API's execute-api URL, made after this stack.
    expect(JSON.stringify(corsOf(stateful, uploadsBucket))).toMatch(/https:\/\/\*\.execute-api\./);
    for (const bucket of [documentsBucket, exportsBucket]) {
      expect(corsOf(stateful, bucket)).toBeUndefined();
      expect(corsOf(configured, bucket)).toBeUndefined();
    }
  });

  it('keeps uploads out of the records: the uploads bucket has no Object Lock and expires everything after a day', () => {
    const bucket = resourceOf(stateful, stateful.buckets[uploadsBucket.name]);
    expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 1, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }));
    expect(resourceOf(stateful, stateful.buckets[documentsBucket.name]).Properties.ObjectLockEnabled).toBe(true);
  });

  it('refuses browser uploads to a bucket the function may not write to, or that has no CORS rule', () => {
    const uploading = (definition: Partial<FunctionDefinition>) => () =>
      hubApp({
        functions: {
          uploader: { entry: 'test/fixtures/batch-consumer.ts', description: 'Test uploader', timeoutSeconds: 5, memoryMb: 256, ...definition },
        },
        routes: [],
        queueConsumers: [],
        schedules: [],
      }).stateless.node.findAll().flatMap((construct) => construct.node.validate());
    expect(uploading({ browserUploads: [uploadsBucket], buckets: [{ bucket: uploadsBucket, access: 'read' }] })).toThrow(/may not write/);
    expect(uploading({ browserUploads: [exportsBucket], buckets: [{ bucket: exportsBucket, access: 'readWrite' }] })().join()).toMatch(/no CORS rule/);
    expect(uploading({ browserUploads: [uploadsBucket], buckets: [{ bucket: uploadsBucket, access: 'readWrite' }] })()).toEqual([]);
  });
});
