/**
 * BioTrack's side of the demo: the demo tenants on BioTrack as NY-API licensees in the emulator
 * (vendor directory, an integration user, a pool of inventory tags), their default state users
 * linked in the hub, and the OAuth consent given, as a license admin would click through it; the
 * other demo tenants and the partner that is no tenant in the directory only. The emulator keeps
 * its state in memory, so this runs at every start. (Metrc's side: `seed-metrc.ts`.)
 */
import { demoLicensees, outsidePartner } from './seed.ts';
import type { DemoLicensee, DemoTenant } from './seed.ts';
import { bioTrackSystem } from '#shared/state-system/capabilities.ts';

export interface StateSystemTarget {
  readonly apiUrl: string;
  readonly nyapiUrl: string;
}

/** Sixteen-digit BioTrack tags of a demo license's inventory: stable, and distinct per license. */
export function demoInventoryTags(stateLicenseNumber: string, count = 50): string[] {
  const digits = stateLicenseNumber.replace(/\D/g, '').padStart(6, '0').slice(-6);
  return Array.from({ length: count }, (_, i) => `71${digits}${String(i + 1).padStart(8, '0')}`);
}

export const demoStateUser = (stateLicenseNumber: string) => ({ Username: `integration@${stateLicenseNumber.toLowerCase()}`, Password: `demo-${stateLicenseNumber}` });

async function ok(response: Promise<Response>, what: string): Promise<Response> {
  const answer = await response;
  if (!answer.ok && answer.status !== 302) throw new Error(`${what}: HTTP ${answer.status} ${await answer.text()}`);
  return answer;
}

/** `licensees`: the demo set the hub was seeded with (default: the tests' set, on BioTrack). */
export async function seedStateSystem(target: StateSystemTarget, tenants: readonly DemoTenant[], licensees: readonly DemoLicensee[] = demoLicensees): Promise<void> {
  const integrated = licensees.flatMap(({ registration }) => {
    const link = registration.stateSystem;
    if (link.adapter !== bioTrackSystem || !link.stateLicenseNumber || !link.ubi) return [];
    return [{ registration, stateLicenseNumber: link.stateLicenseNumber, ubi: link.ubi }];
  });
  await ok(
    fetch(`${target.nyapiUrl}/_emulator/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        licensees: [
          ...integrated.map(({ registration, stateLicenseNumber, ubi }) => ({
          LocationLicense: stateLicenseNumber,
          UBI: ubi,
          Name: registration.legalName,
          Address: registration.premisesAddress.street,
          City: registration.premisesAddress.city,
          State: 'NY',
          Zip: registration.premisesAddress.zip,
          Phone: registration.phone,
          users: [demoStateUser(stateLicenseNumber)],
          inventory: demoInventoryTags(stateLicenseNumber).map((ID, i) => ({ ID, ProductName: `Demo package ${i + 1}`, UOM: 'each', RemainingAmount: 1000 })),
          })),
          ...directoryOnly(licensees),
        ],
      }),
    }),
    'Seeding the NY-API emulator',
  );
  for (const { registration, stateLicenseNumber } of integrated) {
    const tenant = tenants.find((t) => t.licenseNumber === registration.licenseNumber);
    if (!tenant) continue;
    await connectTenant(target, tenant.apiKey, demoStateUser(stateLicenseNumber));
  }
}

/**
 * Licensees without an integrator here are still in the state's directory (they use the state's
 * own screens, or another system); a manifest to one of them names it by the license the hub
 * knows, its OCM number (a Metrc tenant's facility license is that number too).
 */
function directoryOnly(licensees: readonly DemoLicensee[]) {
  const parties = [
    ...licensees.filter(({ registration }) => registration.stateSystem.adapter !== bioTrackSystem).map(({ registration }) => registration),
    outsidePartner,
  ];
  return parties.map((party, i) => ({
    LocationLicense: party.licenseNumber,
    UBI: `DEMO-UBI-${i + 1}`,
    Name: party.legalName,
    Address: party.premisesAddress.street,
    City: party.premisesAddress.city,
    State: 'NY',
    Zip: party.premisesAddress.zip,
    Phone: party.phone,
  }));
}

/** Links the default state user and gives consent, following the redirects a browser would. */
export async function connectTenant(target: StateSystemTarget, apiKey: string, user: { Username: string; Password: string }): Promise<void> {
  const auth = { authorization: `Bearer ${apiKey}` };
  await ok(
    fetch(`${target.apiUrl}/v1/integrations/biotrack/users/default`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.Username, password: user.Password }),
    }),
    'Linking the default state user',
  );
  const started = await ok(fetch(`${target.apiUrl}/v1/integrations/biotrack/connect`, { headers: { ...auth, accept: 'application/json' } }), 'Starting consent');
  const { authorizeUrl } = (await started.json()) as { authorizeUrl: string };
  const approved = await ok(fetch(authorizeUrl, { redirect: 'manual' }), 'Approving in the state system');
  const callback = approved.headers.get('location');
  if (!callback) throw new Error('The state system did not redirect back to the hub');
  await ok(fetch(callback, { headers: { accept: 'application/json' } }), 'Completing consent');
}
