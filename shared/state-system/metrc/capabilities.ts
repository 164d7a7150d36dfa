/**
 * What Metrc (New York) does for a transfer (docs/metrc.md §2): the API creates a transfer
 * template; a person registers it in Metrc's web app (Metrc issues the manifest number there),
 * receives there, voids a registered transfer there and takes rejected packages back there.
 * Departure, arrival and receipt have no API action: the hub reads them back. The adapter comes
 * with the next issue; these are its capabilities already.
 */
import type { StateSystemCapabilities } from '../port.ts';

/** The name tenant records give this adapter. */
export const metrcSystem = 'metrc';

export const metrcCapabilities: StateSystemCapabilities = {
  displayName: 'Metrc',
  // `register` by API is the template push; the registration itself is the person's.
  byApi: ['register', 'amend', 'void'],
  byPerson: ['register', 'receive', 'void-registered', 'accept-returned'],
  observed: ['depart', 'arrive', 'receive'],
  issuesManifestNumber: true,
  packageTag: { pattern: /^[0-9A-Z]{24}$/, description: 'a Metrc package tag: 24 upper-case letters and digits' },
  // Only the receipt a person records in Metrc is the state's; the hub's is the licensees' own record.
  hubReceiptIsStateReceipt: { byApi: false, byLink: false },
  // Metrc records a receipt without a separate arrival (it has no arrival action for licensed transfers).
  receiveOnlyAfterArrival: false,
};
