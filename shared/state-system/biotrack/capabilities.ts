/**
 * What BioTrack's NY-API does for a transfer: every step by API call, the hub numbers the
 * manifest, and a receipt may follow only a reported arrival (the NY-API refuses it otherwise).
 */
import type { StateSystemCapabilities } from '../port.ts';
import { stateSystemSteps } from '../port.ts';

/** The name tenant records give this adapter. */
export const bioTrackSystem = 'biotrack-ny';

export const biotrackCapabilities: StateSystemCapabilities = {
  displayName: 'BioTrack',
  byApi: stateSystemSteps,
  byPerson: [],
  observed: [],
  issuesManifestNumber: false,
  packageTag: { pattern: /^\d{16}$/, description: 'a BioTrack package tag: 16 digits' },
  // A receipt through a link is the non-integrated receiver's: nobody reports it to the state.
  hubReceiptIsStateReceipt: { byApi: true, byLink: false },
  receiveOnlyAfterArrival: true,
};
