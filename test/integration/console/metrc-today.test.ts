/**
 * What the state system still needs from a person, on the console: a licensee on Metrc manifests,
 * the hub pushes the template, and until someone registers it in Metrc's own app, Today lists the
 * step with Metrc's instruction and the transfer's page says it is theirs to do. Through the local
 * hub and its Metrc emulator.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '#shared/http/html.ts';
import { request } from '../../support/hub-api.ts';
import { eventually } from '../../support/nyapi.ts';
import { hubLink, nextMail, uniqueEmail, Visitor } from '../../support/people.ts';
import { connectShipper, metrcHubWorld } from '../metrc/hub-world.ts';

describe('the console on Metrc', { timeout: 120_000 }, () => {
  it("lists the manifest still to register in Metrc on Today, with Metrc's instruction", async () => {
    const w = await metrcHubWorld([{ n: 1 }]);
    await connectShipper(w);
    const id = await w.draft([{ n: 1 }]);
    const manifested = await w.manifest(id);
    expect(manifested.status, JSON.stringify(manifested.body)).toBe(200);
    const awaited = await eventually(
      async () =>
        ((await w.call('GET', `/v1/transfers/${id}/submissions`)).body['items'] as { step: string; status: string; awaitingPerson?: { instruction: string } }[]).find(
          (s) => s.step === 'manifest' && s.status === 'awaiting-person',
        ),
      30_000,
      'the template pushed',
    );
    const instruction = awaited.awaitingPerson?.instruction ?? '';
    expect(instruction).not.toBe('');

    const email = uniqueEmail('console-metrc');
    expect((await request('POST', '/v1/people/invitations', { apiKey: w.apiKey, body: { email, name: 'Robin Hale', roles: ['shipping'] } })).status).toBe(201);
    const clerk = new Visitor();
    await clerk.submit(await clerk.open(hubLink(await nextMail(email), 'invitations')), { name: 'Robin Hale' });

    const today = await clerk.open('/console/today');
    expect(today.status).toBe(200);
    const section = today.html.slice(today.html.indexOf('To do in the state system'), today.html.indexOf('Overdue'));
    expect(section).toContain(`href="/console/transfers/${id}"`);
    expect(section).toContain(escapeHtml(instruction));
    expect(section).toContain('the manifest');

    const page = await clerk.open(`/console/transfers/${id}`);
    expect(page.html).toContain('Your step in the state system');
    expect(page.html).toContain(escapeHtml(instruction));
    expect(page.html).toContain('Waits for a person in the state system');
    expect(page.html).not.toContain('awaiting-person');
  });
});
