/**
 * cdk-nag 3 is a policy validation plugin, not an aspect: its findings never become annotations, so
 * `Annotations.fromStack` cannot see them. `validateScope` runs the checks `cdk synth` runs; it is
 * called after the app is synthesized because the cross-stack grant wildcards are acknowledged
 * only then (see `infra/constructs/hub-function.ts`).
 */
import { Stack } from 'aws-cdk-lib';
import type { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { testApp } from '../support/cdk-app.ts';
import { StatefulStack } from '#infra/stateful-stack.ts';
import { StatelessStack } from '#infra/stateless-stack.ts';


function newApp(): App {
  return testApp();
}

/** Readable findings: rule, offending construct paths and the rule's explanation. */
function awsSolutionsFindings(scope: IConstruct, severity: 'error' | 'warning'): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations
    .filter((violation) => violation.severity === severity)
    .map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}: ${violation.description}`,
    );
}

function readable(messages: readonly { id: string; entry: { data?: unknown } }[]): string[] {
  return messages.map((message) => `${message.id}: ${String(message.entry.data)}`);
}

describe('compliance of the hub stacks', () => {
  const app = newApp();
  const env = { account: '123456789012', region: 'us-east-1' };
  const stateful = new StatefulStack(app, 'Stateful', { env });
  const stateless = new StatelessStack(app, 'Stateless', { env, resources: stateful });
  app.synth();
  const stacks = [
    ['stateful', stateful],
    ['stateless', stateless],
  ] as const;

  it.each(stacks)('leaves no AwsSolutions finding unacknowledged in the %s stack', (_name, stack) => {
    expect(awsSolutionsFindings(stack, 'error')).toEqual([]);
    expect(awsSolutionsFindings(stack, 'warning')).toEqual([]);
  });

  it.each(stacks)('has no CDK errors or warnings in the %s stack', (_name, stack) => {
    const annotations = Annotations.fromStack(stack);
    expect(readable(annotations.findError('*', Match.anyValue()))).toEqual([]);
    expect(readable(annotations.findWarning('*', Match.anyValue()))).toEqual([]);
  });

  it('reports findings at all (guards against a check that silently sees nothing)', () => {
    const probe = newApp();
    new Queue(new Stack(probe, 'Probe'), 'Bare');
    probe.synth();
    expect(awsSolutionsFindings(probe, 'error')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SQS3 /), expect.stringMatching(/^AwsSolutions-SQS4 /)]),
    );
  });
});
