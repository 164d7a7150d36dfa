/**
 * A licensee's connection to Metrc: a user key (docs/metrc.md §1), with no expiry clock. The hub
 * stores no Metrc user keys yet (the adapter comes with the next issue), so every licensee's is missing.
 */
import type { ConnectionHealthView } from '../connections.ts';

/** Its segment in `/v1/integrations/{system}`. */
export const metrcIntegrationPath = 'metrc';

export const metrcConnectionHealth = (): ConnectionHealthView => ({ health: 'missing' });
