/**
 * The admin pages as rendered: every value escaped, each problem in plain words at its field (tied
 * to it for screen readers), the new key's secret shown once with the warning, every form with the
 * session's token, and the admin navigation on each page and on the people page.
 */
import { describe, expect, it } from 'vitest';
import type { Frame } from '#shared/console/layout.ts';
import { emptyRegistryForm, readRegistryForm, registryBodyFromForm, reportQueryFromForm } from '#shared/console-admin/forms.ts';
import { apiKeysPage, registryFormPage, registryListPage, reportsPage } from '#shared/console-admin/pages.ts';
import { peoplePage } from '#shared/people/pages.ts';
import type { Person } from '#shared/people/person.ts';
import type { RegistryRecord } from '#shared/registries/repository.ts';

const person: Person = {
  id: 'P1',
  licenseeId: 'L1',
  email: 'ada@example.com',
  name: 'Ada <b>Admin</b>',
  roles: ['admin'],
  status: 'active',
  invitedAt: '2026-01-01T00:00:00.000Z',
  invitedBy: { apiKeyId: 'K' },
  sessionGeneration: 1,
  version: 1,
};
const frame: Frame = { nonce: 'n0nce', person, company: 'Acme & <Sons>', csrf: 'tok"en' };
const hostile = '<script>alert(1)</script>';

const partner = (legalName: string): RegistryRecord<'partner'> => ({
  kind: 'partner',
  id: 'R1',
  licenseeId: 'L1',
  active: true,
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  data: { legalName, licenseNumber: 'OCM-RETL-24-000001', premisesAddress: { street: '1 Main St', city: 'Albany', state: 'NY', zip: '12207' }, phone: '(518) 555-0100', integrated: false },
});

const forms = (markup: string) => markup.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];

describe('the admin pages', () => {
  it('escape every value and carry the form token in every form', () => {
    const keys = apiKeysPage(frame, { keys: [{ id: 'K1', label: hostile, status: 'active', createdAt: '2026-01-01T00:00:00.000Z' }], label: hostile });
    const list = registryListPage(frame, { collection: 'partners', rows: [partner(hostile)], showing: 'active' });
    for (const page of [keys, list]) {
      expect(page.html).not.toContain('<script>alert');
      expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.html).toContain('Acme &amp; &lt;Sons&gt;');
      expect(page.html).not.toContain('Ada <b>');
      const posted = forms(page.html);
      expect(posted.length).toBeGreaterThan(1);
      for (const form of posted) expect(form).toContain('name="csrf" value="tok&quot;en"');
    }
  });

  it('shows a new key once, with the warning, and marks the admin navigation', () => {
    const page = apiKeysPage(frame, { keys: [], created: { label: 'ERP', apiKey: 'nyth_SECRET' } });
    expect(page.status).toBe(201);
    expect(page.html).toContain('Copy it now: it will not be shown again.');
    expect(page.html).toContain('value="nyth_SECRET"');
    expect(page.html).toMatch(/<nav aria-label="Admin"[\s\S]*href="\/console\/admin\/api-keys" aria-current="page">API keys/);
    expect(apiKeysPage(frame, { keys: [] }).html).not.toContain('nyth_');
  });

  it('says each registry problem in plain words next to its field', () => {
    const form = readRegistryForm('partner', new URLSearchParams({ legalName: hostile, licenseNumber: 'nope', 'premisesAddress.street': '1 Main St', 'premisesAddress.city': 'Albany', 'premisesAddress.state': 'ny', 'premisesAddress.zip': '1220', phone: '(518) 555-0100', email: 'not-mail' }));
    const checked = registryBodyFromForm('partner', form);
    if (!('problems' in checked)) throw new Error('expected problems');
    const byField = Object.fromEntries(checked.problems.map((p) => [p.field, p.message]));
    expect(byField['licenseNumber']).toContain('Not an OCM license number');
    expect(byField).toMatchObject({
      'premisesAddress.zip': 'A ZIP code: 5 digits, optionally -4',
      email: 'Enter an e-mail address such as name@example.com',
    });
    expect(Object.keys(byField)).not.toContain('premisesAddress.state');
    for (const message of Object.values(byField)) expect(message).not.toMatch(/Invalid input|undefined|Too small|Too big|expected string/i);
    const page = registryFormPage(frame, { collection: 'partners', form, problems: checked.problems });
    expect(page.status).toBe(422);
    expect(page.html).toContain('id="f-premisesAddress-zip" name="premisesAddress.zip" value="1220"');
    expect(page.html).toMatch(/<p class="problem" id="f-premisesAddress-zip-problem">A ZIP code[^<]*<\/p><input[^>]*aria-invalid="true" aria-describedby="f-premisesAddress-zip-problem"/);
    expect(page.html).toContain('<a href="#f-email">E-mail: Enter an e-mail address');
    expect(page.html).toContain(`value="&lt;script&gt;alert(1)&lt;/script&gt;"`);
  });

  it('asks for what is missing in words, and accepts a complete vehicle as the API would', () => {
    const empty = registryBodyFromForm('driver', readRegistryForm('driver', new URLSearchParams()));
    expect('problems' in empty && empty.problems.find((p) => p.field === 'name')?.message).toBe('Enter the name');
    const vehicle = registryBodyFromForm('vehicle', { ...emptyRegistryForm('vehicle'), make: 'Ford', model: 'Transit', year: '2022', color: 'White', plate: 'abc 123', 'attestations.gpsFitted': 'on' });
    expect(vehicle).toMatchObject({ body: { conveyance: 'van', year: 2022, plate: 'ABC 123', attestations: { gpsFitted: true, lockedBox: false, temperatureControl: false } } });
    const badYear = registryBodyFromForm('vehicle', { ...emptyRegistryForm('vehicle'), make: 'Ford', model: 'T', year: 'soon', color: 'W', plate: 'A1' });
    expect('problems' in badYear && badYear.problems.find((p) => p.field === 'year')?.message).toBe('Type the year as four digits, e.g. 2022');
  });

  it("checks the report's period with the API's schema, in words", () => {
    expect(reportQueryFromForm({ from: '', to: '2026-01-31', format: 'csv' })).toEqual({ problems: [{ field: 'from', message: 'Choose the first day of the period' }] });
    expect(reportQueryFromForm({ from: '2026-02-01', to: '2026-01-01', format: 'csv' })).toEqual({ problems: [{ field: 'to', message: 'The last day is before the first day' }] });
    expect(reportQueryFromForm({ from: '2026-01-01', to: '2026-01-31', format: 'json' })).toMatchObject({ query: { format: 'json', from: '2026-01-01T05:00:00.000Z' } });
    const page = reportsPage(frame, { from: '2026-02-01', to: '2026-01-01', format: 'csv' }, [{ field: 'to', message: 'The last day is before the first day' }]);
    expect(page.status).toBe(422);
    expect(page.html).toContain('id="f-to-problem">The last day is before the first day');
  });

  it('puts the admin navigation on the people page too', () => {
    const page = peoplePage('n0nce', { people: [], csrf: 'c' });
    expect(page.html).toMatch(/<nav aria-label="Admin"[\s\S]*href="\/console\/people" aria-current="page">People[\s\S]*Reports/);
  });
});
