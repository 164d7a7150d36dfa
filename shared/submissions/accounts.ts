/**
 * State-system accounts from the tenant records: which adapter a licensee reports through, and
 * the licence number and UBI the state system knows it by.
 */
import type { LicenseeRepository } from '../tenants/repository.ts';
import type { StateAccount } from '../state-system/port.ts';
import type { StateAccounts } from './deliver.ts';

export function createStateAccounts(licensees: LicenseeRepository): StateAccounts {
  async function account(licenseeId: string, actingApiKeyId?: string): Promise<StateAccount | undefined> {
    const licensee = await licensees.get(licenseeId);
    const link = licensee?.stateSystem;
    if (!link || link.adapter === 'none' || !link.stateLicenceNumber) return undefined;
    return {
      licenseeId,
      system: link.adapter,
      stateLicenceNumber: link.stateLicenceNumber,
      ...(link.ubi ? { ubi: link.ubi } : {}),
      ...(actingApiKeyId ? { actingApiKeyId } : {}),
    };
  }
  return {
    account,
    async stateLicenceOf(party) {
      const licenseeId = party.licenseeId ?? (await licensees.findIdByLicenceNumber(party.licenceNumber));
      const found = licenseeId ? await account(licenseeId) : undefined;
      // A partner that is not a tenant: the state system is taken to know it by its OCM licence number.
      return found?.stateLicenceNumber ?? party.licenceNumber;
    },
  };
}
