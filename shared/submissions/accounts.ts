/**
 * State-system accounts from the tenant records: which adapter a licensee reports through, and
 * the license number and the other identifiers the state system knows it by.
 */
import type { LicenseeRepository } from '../tenants/repository.ts';
import { linkIdentityOf } from '../state-system/capabilities.ts';
import type { StateAccount } from '../state-system/port.ts';
import type { StateAccounts } from './deliver.ts';

export function createStateAccounts(licensees: LicenseeRepository): StateAccounts {
  async function account(licenseeId: string, actingApiKeyId?: string): Promise<StateAccount | undefined> {
    const licensee = await licensees.get(licenseeId);
    const link = licensee?.stateSystem;
    if (!link || link.adapter === 'none' || !link.stateLicenseNumber) return undefined;
    return {
      licenseeId,
      system: link.adapter,
      stateLicenseNumber: link.stateLicenseNumber,
      identity: linkIdentityOf(link),
      ...(actingApiKeyId ? { actingApiKeyId } : {}),
    };
  }
  return {
    account,
    async stateLicenseOf(party) {
      const licenseeId = party.licenseeId ?? (await licensees.findIdByLicenseNumber(party.licenseNumber));
      const found = licenseeId ? await account(licenseeId) : undefined;
      // A partner that is not a tenant: the state system is taken to know it by its OCM license number.
      return found?.stateLicenseNumber ?? party.licenseNumber;
    },
  };
}
