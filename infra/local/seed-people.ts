/**
 * Demo people for local mode: one person per role for each demo tenant, with a sign-in link ready
 * in `.local/run.json` and the banner. Idempotent: a person kept from an earlier start is reused
 * (only a new link is issued). The links follow the sign-in rules (single use, kept hashed) but
 * last a day instead of 15 minutes, so the link of a morning's start still works in the afternoon;
 * after one use, sign in by e-mail through the local mailbox.
 */
import { monotonicFactory } from 'ulid';
import { createDynamoDbClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { issueLink } from '#shared/people/one-time-links.ts';
import { activated, invitedPerson, roles } from '#shared/people/person.ts';
import type { Role } from '#shared/people/person.ts';
import { createPeopleRepository } from '#shared/people/repository.ts';
import { issueSignInLink } from '#shared/people/use-cases.ts';
import { hubTable } from '#shared/resources.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import type { DemoTenant } from './seed.ts';

/** One entry of a tenant's `people` in `.local/run.json`. */
export interface DemoPerson {
  readonly name: string;
  readonly email: string;
  readonly roles: readonly Role[];
  /** Signs this person in once, for a day from the start. */
  readonly signInLink: string;
}

export const DEMO_SIGN_IN_LINK_MS = 24 * 60 * 60 * 1000;

const demoNames: Readonly<Record<Role, string>> = {
  admin: 'Alex Admin',
  shipping: 'Sam Shipping',
  receiving: 'Riley Receiving',
  driver: 'Dana Driver',
  viewer: 'Vic Viewer',
};

/** `admin@capital-district-distribution.demo.example`: one address per role and tenant. */
export const demoEmail = (role: Role, tenantName: string) =>
  `${role}@${tenantName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.demo.example`;

export async function seedPeople<T extends DemoTenant>(target: { readonly env: Readonly<Record<string, string>> }, tenants: readonly T[]): Promise<(T & { readonly people: readonly DemoPerson[] })[]> {
  const config = readConfig(target.env);
  const { dynamodb, dynamodbClient } = createDynamoDbClients(config);
  try {
    const table = resourceName(config, hubTable);
    const people = createPeopleRepository(dynamodb, table);
    const licensees = createLicenseeRepository(dynamodb, table);
    const newId = monotonicFactory();
    const deps = { people, baseUrl: config.publicBaseUrl ?? '', now: () => new Date() };
    const seeded = [];
    for (const tenant of tenants) {
      const licenseeId = await licensees.findIdByLicenseNumber(tenant.licenseNumber);
      if (!licenseeId) throw new Error(`The demo tenant ${tenant.licenseNumber} is not in the hub`);
      const demo: DemoPerson[] = [];
      for (const role of roles) {
        const email = demoEmail(role, tenant.name);
        let person = await people.findByEmail(email);
        if (!person) {
          const now = new Date();
          const invited = invitedPerson({ email, name: demoNames[role], roles: [role] }, { id: newId(), licenseeId }, now.toISOString(), { apiKeyId: 'demo-seed' });
          const { link } = issueLink('invitation', { licenseeId, personId: invited.id }, now);
          await people.createInvited(invited, link);
          person = activated(invited, invited.name, now.toISOString());
          if (!(await people.useLink(link, now.toISOString(), person))) throw new Error(`Could not set up the demo person ${email}`);
        }
        demo.push({ name: person.name, email, roles: person.roles, signInLink: await issueSignInLink(deps, person, DEMO_SIGN_IN_LINK_MS) });
      }
      seeded.push({ ...tenant, people: demo });
    }
    return seeded;
  } finally {
    dynamodbClient.destroy();
  }
}

/** The banner's lines: each demo tenant's people and their sign-in links. */
export function describePeople(tenants: readonly DemoTenant[]): string {
  return tenants
    .flatMap((tenant) => {
      const people = (tenant as DemoTenant & { people?: readonly DemoPerson[] }).people ?? [];
      return people.length ? [`    ${tenant.name}`, ...people.map((p) => `      ${p.roles.join(', ').padEnd(10)} ${p.email}\n        ${p.signInLink}`)] : [];
    })
    .join('\n');
}
