/**
 * The parties and crew a manifest names, snapshotted from the shipper's registry and the tenants'
 * own profiles, and the check that a draft names only the shipper's own registry records.
 */
import type { DriverSnapshot, PartySnapshot, Transfer, UpdateTransferBody, VehicleSnapshot } from '../domain/transfer/index.ts';
import { RuleViolationError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import type { LicenseeProfile, TransferDeps } from './deps.ts';

export async function profileOf(deps: TransferDeps, licenseeId: string): Promise<LicenseeProfile> {
  const profile = await deps.licensees.get(licenseeId);
  if (!profile) throw new Error(`Licensee ${licenseeId} has no profile`);
  return profile;
}

/** Ids in a draft must name the shipper's own registry records; any other id is as good as unknown. */
export async function requireOwnRecords(
  deps: TransferDeps,
  caller: Caller,
  content: Pick<UpdateTransferBody, 'receiverPartnerId' | 'transporterPartnerId' | 'driverIds' | 'vehicleId'>,
): Promise<void> {
  const checks: [string, 'partner' | 'driver' | 'vehicle', string][] = [];
  if (content.receiverPartnerId) checks.push(['/receiverPartnerId', 'partner', content.receiverPartnerId]);
  if (content.transporterPartnerId) checks.push(['/transporterPartnerId', 'partner', content.transporterPartnerId]);
  if (content.vehicleId) checks.push(['/vehicleId', 'vehicle', content.vehicleId]);
  (content.driverIds ?? []).forEach((id, i) => checks.push([`/driverIds/${i}`, 'driver', id]));
  const found = await Promise.all(checks.map(([, kind, id]) => deps.registries.get(kind, caller.licenseeId, id)));
  const problems = checks.flatMap(([pointer, kind], i) => {
    const record = found[i];
    if (!record) return [{ pointer, code: 'unknown-reference', message: `No ${kind} with this id in your registry` }];
    if (!record.active) return [{ pointer, code: 'deactivated-reference', message: `This ${kind} is deactivated` }];
    return [];
  });
  if (problems.length > 0) throw new RuleViolationError(problems);
}

export function partyFromProfile(profile: LicenseeProfile): PartySnapshot {
  return {
    licenseeId: profile.id,
    legalName: profile.legalName,
    ...(profile.dba ? { dba: profile.dba } : {}),
    licenseNumber: profile.licenseNumber,
    premisesAddress: profile.premisesAddress,
    phone: profile.phone,
    stateSystem: profile.stateSystem,
    stateAccessLost: profile.stateAccessLost,
  };
}

/** A partner as the shipper keeps it; when it is a tenant, its own profile is the authority. */
export async function partnerParty(deps: TransferDeps, caller: Caller, partnerId: string | undefined): Promise<PartySnapshot | undefined> {
  if (!partnerId) return undefined;
  const partner = await deps.registries.get('partner', caller.licenseeId, partnerId);
  if (!partner?.active) return undefined;
  const tenant = await deps.licensees.findByLicenseNumber(partner.data.licenseNumber);
  if (tenant) return { ...partyFromProfile(tenant), partnerId };
  return {
    partnerId,
    legalName: partner.data.legalName,
    ...(partner.data.dba ? { dba: partner.data.dba } : {}),
    licenseNumber: partner.data.licenseNumber,
    premisesAddress: partner.data.premisesAddress,
    phone: partner.data.phone,
    stateSystem: partner.data.integrated ? deps.defaultStateSystem : 'none',
    stateAccessLost: false,
  };
}

/** The drivers and vehicle of the draft that are still active in the shipper's registry. */
export async function crew(deps: TransferDeps, caller: Caller, transfer: Transfer): Promise<{ drivers: DriverSnapshot[]; vehicle?: VehicleSnapshot }> {
  const drivers = await Promise.all(
    (transfer.content.driverIds ?? []).map(async (driverId): Promise<DriverSnapshot | undefined> => {
      const driver = await deps.registries.get('driver', caller.licenseeId, driverId);
      if (!driver?.active) return undefined;
      const { name, employeeId, driversLicenseNumber, driversLicenseState, phone } = driver.data;
      return { driverId, name, employeeId, driversLicenseNumber, driversLicenseState, phone };
    }),
  );
  const vehicleId = transfer.content.vehicleId;
  const vehicle = vehicleId ? await deps.registries.get('vehicle', caller.licenseeId, vehicleId) : undefined;
  return {
    drivers: drivers.filter((d) => d !== undefined),
    ...(vehicle?.active && vehicleId ? { vehicle: { vehicleId, ...vehicle.data } } : {}),
  };
}
