/**
 * The demo people local mode seeds: one per role for each demo tenant, each with a sign-in link
 * that opens a session once; seeding again reuses the people and issues new links.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { demoEmail, describePeople, seedPeople } from '#infra/local/seed-people.ts';
import { roles } from '#shared/people/person.ts';
import { request } from '../../support/hub-api.ts';
import { Visitor } from '../../support/people.ts';

describe('demo people', () => {
  it('seeds one person per role for each demo tenant, each with a working single-use sign-in link', { timeout: 90_000 }, async () => {
    const tenants = inject('tenants');
    const seeded = await seedPeople({ env: inject('hub').env }, tenants);
    expect(seeded.map((t) => t.licenseNumber)).toEqual(tenants.map((t) => t.licenseNumber));
    for (const tenant of seeded) {
      expect(tenant.people.map((p) => p.roles)).toEqual(roles.map((role) => [role]));
      expect(tenant.people.map((p) => p.email)).toEqual(roles.map((role) => demoEmail(role, tenant.name)));
      const listed = await request('GET', '/v1/people?limit=100', { apiKey: tenant.apiKey });
      const emails = (listed.body['items'] as { email: string; status: string }[]).filter((p) => p.email.endsWith('.demo.example'));
      expect(emails.map((p) => p.status)).toEqual(roles.map(() => 'active'));
    }

    const admin = seeded[0]?.people[0];
    if (!admin) throw new Error('No demo admin');
    const visitor = new Visitor();
    const confirm = await visitor.open(admin.signInLink);
    expect(confirm.html).toContain(admin.email);
    expect((await visitor.submit(confirm)).location).toBe('/console');
    const people = await visitor.open('/console/people');
    expect(people.status).toBe(200);
    expect(people.html).toContain('Invite someone');
    expect((await new Visitor().open(admin.signInLink)).status).toBe(410);

    // A driver is no admin: the people page says so and invites nobody.
    const driver = seeded[0]?.people.find((p) => p.roles.includes('driver'));
    if (!driver) throw new Error('No demo driver');
    const driving = new Visitor();
    await driving.submit(await driving.open(driver.signInLink));
    expect((await driving.open('/console/people')).status).toBe(403);

    const again = await seedPeople({ env: inject('hub').env }, tenants);
    expect(again[0]?.people.map((p) => p.email)).toEqual(seeded[0]?.people.map((p) => p.email));
    expect(again[0]?.people[0]?.signInLink).not.toBe(admin.signInLink);
    expect(describePeople(again)).toContain(again[0]?.people[0]?.signInLink);
  });
});
