/**
 * Licensee profiles as the transfers read them, from the tenants' own repository.
 */
import type { Licensee } from '../tenants/licensee.ts';
import type { LicenseeRepository } from '../tenants/repository.ts';
import type { LicenseeDirectory, LicenseeProfile } from './use-cases.ts';

function toProfile(licensee: Licensee): LicenseeProfile {
  return {
    id: licensee.id,
    licenseNumber: licensee.licenseNumber,
    legalName: licensee.legalName,
    ...(licensee.dba ? { dba: licensee.dba } : {}),
    premisesAddress: licensee.premisesAddress,
    phone: licensee.phone,
    stateSystem: licensee.stateSystem.adapter,
    stateAccessLost: licensee.stateSystemAccess === 'lost',
  };
}

export function createLicenseeDirectory(licensees: LicenseeRepository): LicenseeDirectory {
  const get = async (licenseeId: string) => {
    const licensee = await licensees.get(licenseeId);
    return licensee ? toProfile(licensee) : undefined;
  };
  return {
    get,
    async findByLicenseNumber(licenseNumber) {
      const id = await licensees.findIdByLicenseNumber(licenseNumber);
      return id ? get(id) : undefined;
    },
  };
}
