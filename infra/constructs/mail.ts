/**
 * E-mail in AWS: a function that sends mail (`sendsMail` in `shared/routes.ts`) may send through SES
 * as the configured sender identity only (the address, or its verified domain), and is told the
 * sender. The identity is verified in SES by the operator; the stack does not create it, so one
 * verified domain can serve several stacks.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { HubFunction } from './hub-function.ts';

/** The SES identity ARNs a sender may send as: the address itself and its domain. */
export function senderIdentityArns(stack: Stack, sender: string): string[] {
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  return [sender, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
}

export function grantSendMail(fn: HubFunction, sender: string): void {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(sender)) throw new Error(`mailSender must be an e-mail address, not ${sender}`);
  fn.function.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: senderIdentityArns(Stack.of(fn), sender) }));
  fn.function.addEnvironment('MAIL_SENDER', sender);
}
