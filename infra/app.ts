/**
 * The CDK app (`cdk.json` runs it with Node 24's type stripping). Data lives in the stateful stack;
 * the stateless stack receives it through typed props, which also orders the deployments.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defaultDocumentRetention, StatefulStack } from './stateful-stack.ts';
import type { DocumentRetention } from './stateful-stack.ts';
import { defaultMailSender, defaultStateSystemEndpoint, StatelessStack } from './stateless-stack.ts';

const app = new App();
const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
};

/** `-c documentRetentionYears=7 -c documentRetentionMode=GOVERNANCE`; defaults in cdk.json. */
const retentionMode: unknown = app.node.tryGetContext('documentRetentionMode') ?? defaultDocumentRetention.mode;
if (retentionMode !== 'COMPLIANCE' && retentionMode !== 'GOVERNANCE') {
  throw new Error(`documentRetentionMode must be COMPLIANCE or GOVERNANCE, not ${String(retentionMode)}`);
}
const documentRetention: DocumentRetention = {
  years: Number(app.node.tryGetContext('documentRetentionYears') ?? defaultDocumentRetention.years),
  mode: retentionMode,
};
const publicBaseUrl = app.node.tryGetContext('publicBaseUrl') as string | undefined;
/** `-c nyApiBaseUrl=https://…` points the adapters at another NY-API (production, once approved). */
const context = (name: string, fallback: string) => (app.node.tryGetContext(name) as string | undefined) ?? fallback;
const stateSystem = {
  baseUrl: context('nyApiBaseUrl', defaultStateSystemEndpoint.baseUrl),
  tokenPath: context('nyApiTokenPath', defaultStateSystemEndpoint.tokenPath),
  authorizePath: context('nyApiAuthorizePath', defaultStateSystemEndpoint.authorizePath),
  // `-c metrcBaseUrl=https://api-ny.metrc.com` for production.
  metrcBaseUrl: context('metrcBaseUrl', defaultStateSystemEndpoint.metrcBaseUrl),
};

const stateful = new StatefulStack(app, 'NyTransferHub-Stateful', {
  env,
  documentRetention,
  description: 'NY transfer hub: tables, queues and document buckets',
  terminationProtection: true,
  // The origin browsers upload from (bucket CORS), as the stateless stack's links point at it.
  ...(publicBaseUrl ? { publicBaseUrl } : {}),
});
new StatelessStack(app, 'NyTransferHub-Stateless', {
  env,
  description: 'NY transfer hub: functions and HTTP API',
  resources: stateful,
  stateSystem,
  ...(publicBaseUrl ? { publicBaseUrl } : {}),
  // `-c mailSender=hub@your-domain`: the verified SES identity sign-in and invitation e-mails come from.
  mailSender: context('mailSender', defaultMailSender),
});

// cdk-nag 3 is a policy validation plugin: any unacknowledged finding fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
