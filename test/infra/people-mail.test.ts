/**
 * E-mail in AWS: exactly the functions that send mail may call ses:SendEmail, as the configured
 * sender identity only (the address or its domain), and are told the sender; the people pages are
 * public routes, the people API behind the key authorizer.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { StatefulStack } from '#infra/stateful-stack.ts';
import { StatelessStack } from '#infra/stateless-stack.ts';
import { functions, routes } from '#shared/routes.ts';
import type { FunctionDefinition } from '#shared/routes.ts';
import { testApp } from '../support/cdk-app.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

function hub(mailSender?: string) {
  const app = testApp();
  const env = { account: '123456789012', region: 'us-east-1' };
  const stateful = new StatefulStack(app, 'Stateful', { env });
  const stateless = new StatelessStack(app, 'Stateless', { env, resources: stateful, ...(mailSender ? { mailSender } : {}) });
  return { stateless, template: Template.fromStack(stateless) };
}

describe('e-mail in AWS', () => {
  const { stateless, template } = hub('hub@mail.example.org');
  const statementsOf = (name: string): Statement[] => {
    const role = stateless.functions[name]?.function.role;
    if (!role) throw new Error(`no role for ${name}`);
    const id = stateless.getLogicalId(role.node.defaultChild as CfnResource);
    return (Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown; PolicyDocument: { Statement: Statement[] } } }[])
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${id}"`))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  };
  const environmentOf = (name: string) => {
    const fn = stateless.functions[name]?.function;
    if (!fn) throw new Error(`no function ${name}`);
    const resource = template.toJSON() as { Resources: Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }> };
    return resource.Resources[stateless.getLogicalId(fn.node.defaultChild as CfnResource)]?.Properties.Environment.Variables ?? {};
  };

  it('lets only the mail-sending functions send, as the sender address or its domain, and tells them the sender', () => {
    const sending = Object.entries<FunctionDefinition>(functions).filter(([, d]) => d.sendsMail).map(([name]) => name);
    expect(sending.sort()).toEqual(['people', 'signIn']);
    for (const name of Object.keys(functions)) {
      const ses = statementsOf(name).filter((s) => [s.Action].flat().some((action) => action.startsWith('ses:')));
      if (sending.includes(name)) {
        expect(ses, name).toHaveLength(1);
        expect(ses[0]?.Action).toBe('ses:SendEmail');
        const resources = JSON.stringify(ses[0]?.Resource);
        expect(resources).toContain(':identity/hub@mail.example.org');
        expect(resources).toContain(':identity/mail.example.org');
        expect(resources).not.toContain('*');
        expect(environmentOf(name)['MAIL_SENDER']).toBe('hub@mail.example.org');
      } else {
        expect(ses, name).toEqual([]);
        expect(environmentOf(name), name).not.toHaveProperty('MAIL_SENDER');
      }
      expect(environmentOf(name), name).not.toHaveProperty('MAIL_SMTP_URL');
    }
  });

  it('refuses a sender that is no e-mail address', () => {
    expect(() => hub('not an address')).toThrow(/mailSender must be an e-mail address/);
  });

  it('serves the sign-in pages without the key authorizer and the people API behind it', () => {
    const routeOf = (key: string) =>
      Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find((route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey === key) as
        | { Properties: { AuthorizationType?: string } }
        | undefined;
    for (const route of routes.filter((r) => r.function === 'signIn')) {
      expect(route.auth, route.path).toBe('public');
      expect(routeOf(`${route.method} ${route.path}`)?.Properties.AuthorizationType ?? 'NONE', route.path).toBe('NONE');
    }
    for (const key of ['POST /v1/people/invitations', 'GET /v1/people']) expect(routeOf(key)?.Properties.AuthorizationType, key).toBe('CUSTOM');
  });
});
