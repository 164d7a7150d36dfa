/**
 * Metrc's side of the demo: the demo tenants on Metrc as facilities of our emulator (with their
 * user keys, packages, drivers, vehicles and transfer types, `metrc-demo-data.ts`), seeded through
 * its control route at every start since the emulator keeps its state in memory; and each one's
 * user key kept in the hub as the Metrc adapter reads it, the licensee connected so the reconciler
 * polls it.
 */
import { createDynamoDbClients } from '#shared/adapters/aws-clients.ts';
import { readConfig, resourceName } from '#shared/config.ts';
import { hubTable } from '#shared/resources.ts';
import { metrcSystem } from '#shared/state-system/capabilities.ts';
import { createConnectionStore, DEFAULT_STATE_USER } from '#shared/state-system/connections.ts';
import { tokenCipherFrom } from '#shared/state-system/wiring.ts';
import { createLicenseeRepository } from '#shared/tenants/repository.ts';
import type { FacilityRole } from './metrc/config.ts';
import { demoUserKey, metrcDemoSeed } from './metrc-demo-data.ts';
import type { MetrcDemoFacility } from './metrc-demo-data.ts';
import { demoDrivers, demoVehicles, outsidePartner } from './seed.ts';
import type { DemoRole, DemoTenant } from './seed.ts';

export interface MetrcSeedTarget {
  /** The hub's functions' environment: the table, and the key that seals state-system secrets. */
  readonly env: Readonly<Record<string, string>>;
  /** Our Metrc emulator. */
  readonly metrcUrl: string;
}

const facilityRoles: Readonly<Record<DemoRole, FacilityRole>> = { distributor: 'distributor', processor: 'processor', 'retail dispensary': 'dispensary' };

/** The demo tenants whose link names Metrc, as Metrc knows them. */
export function metrcFacilitiesOf(tenants: readonly DemoTenant[]): (MetrcDemoFacility & { readonly tenant: DemoTenant })[] {
  return tenants.flatMap((tenant) =>
    tenant.stateSystem === metrcSystem && tenant.stateLicenseNumber
      ? [{ tenant, licenseNumber: tenant.stateLicenseNumber, name: tenant.name, role: facilityRoles[tenant.role] }]
      : [],
  );
}

/** The partner that is no tenant is on Metrc too (every New York licensee is), under its OCM license number. */
const outsideFacility: MetrcDemoFacility = { licenseNumber: outsidePartner.licenseNumber, name: outsidePartner.legalName, role: 'microbusiness' };

/** Seeds the emulator and connects each Metrc tenant; answers the tenants with the user key of each one on Metrc. */
export async function seedMetrc(target: MetrcSeedTarget, tenants: readonly DemoTenant[]): Promise<DemoTenant[]> {
  const facilities = metrcFacilitiesOf(tenants);
  const seed = metrcDemoSeed(
    facilities.map(({ licenseNumber, name, role }) => ({ licenseNumber, name, role })),
    [outsideFacility],
    {
      drivers: demoDrivers.map(({ name, employeeId, driversLicenseNumber }) => ({ name, employeeId, driversLicenseNumber })),
      vehicles: demoVehicles.flatMap((v) => (v.plate ? [{ make: v.make, model: v.model, plate: v.plate }] : [])),
    },
  );
  const seeded = await fetch(`${target.metrcUrl}/_emulator/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
  if (!seeded.ok) throw new Error(`Seeding the Metrc emulator: HTTP ${seeded.status} ${await seeded.text()}`);

  const config = readConfig(target.env);
  const { dynamodb, dynamodbClient } = createDynamoDbClients(config);
  try {
    const table = resourceName(config, hubTable);
    const connections = createConnectionStore(dynamodb, table, tokenCipherFrom(config));
    const licensees = createLicenseeRepository(dynamodb, table);
    const keyOf = new Map<string, string>();
    const connected = new Set(await connections.connectedLicensees(metrcSystem));
    for (const { tenant, licenseNumber } of facilities) {
      const licenseeId = await licensees.findIdByLicenseNumber(tenant.licenseNumber);
      if (!licenseeId) throw new Error(`The demo tenant ${tenant.licenseNumber} is not in the hub`);
      const userKey = demoUserKey(licenseNumber);
      // The key is the same at every start: stored again (sealed as the default state user, the connection
      // listed for the reconciler) only when the hub holds another, or none.
      const stored = await connections.stateUser(licenseeId, metrcSystem, DEFAULT_STATE_USER);
      if (stored?.password !== userKey || !connected.has(licenseeId)) await connections.putUserKey(licenseeId, metrcSystem, userKey, new Date().toISOString());
      keyOf.set(tenant.licenseNumber, userKey);
    }
    return tenants.map((tenant) => {
      const userKey = keyOf.get(tenant.licenseNumber);
      return userKey ? { ...tenant, metrcUserKey: userKey } : tenant;
    });
  } finally {
    dynamodbClient.destroy();
  }
}
