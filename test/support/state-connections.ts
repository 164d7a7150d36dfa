/**
 * State-system connections for tests that drive the BioTrack adapter directly: an in-memory
 * connection store the test can observe, and consent given as a license admin would.
 */
import { authorizeUrl, requestTokens } from '#shared/state-system/biotrack/client.ts';
import type { NyApiSettings } from '#shared/state-system/biotrack/client.ts';
import { DEFAULT_STATE_USER } from '#shared/state-system/connections.ts';
import type { ConnectionStore, StateConnection, StateUserCredentials } from '#shared/state-system/connections.ts';

export type MemoryConnectionStore = ConnectionStore & { readonly connections: Map<string, StateConnection> };

export function memoryConnectionStore(): MemoryConnectionStore {
  const connections = new Map<string, StateConnection>();
  const users = new Map<string, StateUserCredentials>();
  const leases = new Map<string, { holder: string; until: number }>();
  return {
    connections,
    get: async (licenseeId) => connections.get(licenseeId),
    consentDates: async (licenseeId) => connections.get(licenseeId),
    put: async (connection) => {
      const { refreshFailedAt: _at, refreshFailure: _why, ...rest } = connection;
      connections.set(connection.licenseeId, rest);
      leases.delete(connection.licenseeId);
    },
    leaseRefresh: async (licenseeId, _system, holder, now, until) => {
      const lease = leases.get(licenseeId);
      if (!connections.has(licenseeId) || (lease && lease.until >= now.getTime() && lease.holder !== holder)) return false;
      leases.set(licenseeId, { holder, until: until.getTime() });
      return true;
    },
    releaseRefresh: async (licenseeId, _system, holder) => {
      if (leases.get(licenseeId)?.holder === holder) leases.delete(licenseeId);
    },
    markRefreshFailed: async (licenseeId, _system, at, reason) => {
      const connection = connections.get(licenseeId);
      if (connection) connections.set(licenseeId, { ...connection, refreshFailedAt: at, refreshFailure: reason });
    },
    connectedLicensees: async () => [...connections.keys()],
    stateUser: async (licenseeId, _system, apiKeyId) => users.get(`${licenseeId}/${apiKeyId}`),
    putStateUser: async (licenseeId, _system, apiKeyId, credentials) => void users.set(`${licenseeId}/${apiKeyId}`, credentials),
    putUserKey: async (licenseeId, system, userKey, at) => {
      users.set(`${licenseeId}/${DEFAULT_STATE_USER}`, { username: '', password: userKey });
      connections.set(licenseeId, { licenseeId, system, accessToken: '', accessExpiresAt: '', consentGrantedAt: at, consentExpiresAt: '', updatedAt: at });
    },
    stateUsers: async () => [],
  };
}

/**
 * Consent for `license` through the state system's authorize and token endpoints; the tokens go to
 * `store` under `licenseeId`, with `user` as the license's default integration user.
 */
export async function connectInMemory(
  settings: NyApiSettings,
  store: ConnectionStore,
  input: { readonly licenseeId: string; readonly license: string; readonly user: StateUserCredentials; readonly now?: Date },
): Promise<void> {
  const redirectUri = 'http://127.0.0.1/cb';
  const redirect = await fetch(authorizeUrl(settings, { state: 's', redirectUri, license: input.license }), { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const tokens = await requestTokens(settings, fetch, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  const now = input.now ?? new Date();
  await store.put({
    licenseeId: input.licenseeId,
    system: 'biotrack-ny',
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    accessExpiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000).toISOString(),
    consentGrantedAt: now.toISOString(),
    consentExpiresAt: tokens.consentExpiresAt ?? '',
    updatedAt: now.toISOString(),
  });
  await store.putStateUser(input.licenseeId, 'biotrack-ny', DEFAULT_STATE_USER, input.user, now.toISOString());
}
