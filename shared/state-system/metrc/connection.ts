/**
 * A licensee's connection to Metrc: a user key (docs/metrc.md §1) the license admin creates in
 * Metrc's web app and enters in the hub. Keys do not expire; Metrc may stop accepting one (the
 * user lost access, or revoked it), which the adapter records and only a new key repairs.
 */
import type { ConnectionHealthView, ConsentDates } from '../connections.ts';

/** Its segment in `/v1/integrations/{system}`. */
export const metrcIntegrationPath = 'metrc';

/** Why the adapter marks a connection refused: Metrc no longer accepts the key. */
export const KEY_REFUSED = 'CREDENTIALS_REVOKED';

export function metrcConnectionHealth(dates: ConsentDates | undefined): ConnectionHealthView {
  if (!dates) return { health: 'missing' };
  if (dates.refreshFailedAt) return { health: 'revoked', since: dates.refreshFailedAt };
  return { health: 'connected', since: dates.consentGrantedAt };
}
