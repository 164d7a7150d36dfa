/**
 * The CDK app (`cdk.json` runs it with Node 24's type stripping). Data lives in the stateful stack;
 * the stateless stack receives it through typed props, which also orders the deployments.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

const app = new App();
const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1',
};

const stateful = new StatefulStack(app, 'NyTransferHub-Stateful', {
  env,
  description: 'NY transfer hub: tables, queues and document buckets',
  terminationProtection: true,
});
new StatelessStack(app, 'NyTransferHub-Stateless', {
  env,
  description: 'NY transfer hub: functions and HTTP API',
  resources: stateful,
});

// cdk-nag 3 is a policy validation plugin: any unacknowledged finding fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
