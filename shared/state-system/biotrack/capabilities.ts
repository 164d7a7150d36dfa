/**
 * What BioTrack's NY-API does for a transfer: every step by API call, the hub numbers the
 * manifest, and a receipt may follow only a reported arrival (the NY-API refuses it otherwise).
 */
import type { ConnectionHealthView, ConsentDates } from '../connections.ts';
import type { StateSystemCapabilities } from '../port.ts';
import { stateSystemSteps } from '../port.ts';

/** The name tenant records give this adapter. */
export const bioTrackSystem = 'biotrack-ny';
/** Its segment in `/v1/integrations/{system}`, as the consent routes have always had it. */
export const bioTrackIntegrationPath = 'biotrack';

/** The hub warns this many days before the license admin's 100-day consent runs out. */
export const CONSENT_WARNING_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

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

/**
 * The consent in neutral terms: connected since it was granted, expiring in its last 14 days,
 * and reconnect-required once it ran out or the NY-API refused the hub's refresh token (only a
 * new approval helps either way).
 */
export function bioTrackConnectionHealth(dates: ConsentDates | undefined, now: Date): ConnectionHealthView {
  // A BioTrack consent always runs out; a record without its end was never a consent.
  const expiresAt = dates?.consentExpiresAt;
  if (!dates || !expiresAt) return { health: 'missing' };
  const end = Date.parse(expiresAt);
  if (end <= now.getTime()) return { health: 'reconnect-required', expiresAt, since: expiresAt };
  if (dates.refreshFailedAt) return { health: 'reconnect-required', expiresAt, since: dates.refreshFailedAt };
  const warnFrom = end - CONSENT_WARNING_DAYS * DAY_MS;
  if (now.getTime() >= warnFrom) return { health: 'expiring', expiresAt, since: new Date(warnFrom).toISOString() };
  return { health: 'connected', expiresAt, since: dates.consentGrantedAt };
}
