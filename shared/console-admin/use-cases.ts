/**
 * What the console's admin pages do, through the API's own use-cases with the admin as the caller:
 * API keys (`shared/tenants`), the state-system connections (`shared/state-system`: the neutral
 * connection, BioTrack's consent and state users, Metrc's user key), the registries
 * (`shared/registries`) and the inventory-movements report (`shared/reports`). Each section opens
 * only to a role that allows it; the person's licensee is the caller's, so another licensee's
 * records answer as if they did not exist.
 */
import { ForbiddenError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import { newYorkDate } from '../manifests/new-york-time.ts';
import type { Permission } from '../people/person.ts';
import { allows } from '../people/person.ts';
import type { CurrentSession } from '../people/use-cases.ts';
import type { RegistryRecord } from '../registries/repository.ts';
import type { RegistryData, RegistryKind } from '../registries/schemas.ts';
import type { RegistryDeps } from '../registries/use-cases.ts';
import { addEntry, deactivateEntry, getEntry, listEntries, replaceEntry } from '../registries/use-cases.ts';
import type { ReportExports } from '../reports/exports.ts';
import type { ReportDeps } from '../reports/inventory-movements.ts';
import { inventoryMovements, movementsCsv } from '../reports/inventory-movements.ts';
import type { ConsentDeps } from '../state-system/biotrack/consent.ts';
import { integrationStatus, linkStateUser, startConsent } from '../state-system/biotrack/consent.ts';
import { bioTrackSystem, metrcSystem, stateSystemConnections } from '../state-system/capabilities.ts';
import type { StateSystemConnection } from '../state-system/connections.ts';
import type { CredentialsDeps, KeyConnectionView } from '../state-system/metrc/credentials.ts';
import { enterUserKey } from '../state-system/metrc/credentials.ts';
import type { ApiKeyView } from '../tenants/licensee.ts';
import type { TenantDeps } from '../tenants/use-cases.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../tenants/use-cases.ts';
import type { PeopleDeps } from '../people/use-cases.ts';
import type { ExpectedVersion } from '../versions.ts';

export interface ConsoleAdminDeps {
  readonly people: PeopleDeps;
  readonly secureCookies: boolean;
  readonly apiKeys: Pick<TenantDeps, 'apiKeys' | 'now' | 'newId'>;
  readonly consent: ConsentDeps;
  readonly credentials: CredentialsDeps;
  readonly registries: RegistryDeps;
  readonly reports: ReportDeps & { readonly exports: ReportExports; readonly inlineLimitBytes: number; readonly now: () => Date };
}

/** The admin pages' sections, each with the permission that opens it (all the admin role's). */
export const adminSections = ['api-keys', 'connections', 'registries', 'reports'] as const;
export type AdminSection = (typeof adminSections)[number];

/**
 * The registries and the report have no permission of their own in `shared/people/person.ts`: they
 * are the admin's, as people are, so they ask what managing people asks.
 */
export const sectionPermissions: Readonly<Record<AdminSection, Permission>> = {
  'api-keys': 'manage-keys',
  connections: 'manage-connections',
  registries: 'manage-people',
  reports: 'manage-people',
};

export const mayOpen = (session: Pick<CurrentSession, 'person'>, section: AdminSection): boolean => allows(session.person.roles, sectionPermissions[section]);

export function requireSection(session: Pick<CurrentSession, 'person'>, section: AdminSection): void {
  if (!mayOpen(session, section)) throw new ForbiddenError('role-not-allowed', 'Only a person with the admin role may open this page');
}

/** Every key of the licensee, newest first, a page of the API's size at a time (the list stops at 10 pages: a licensee has a handful). */
export async function allApiKeys(deps: ConsoleAdminDeps, caller: Caller): Promise<ApiKeyView[]> {
  const keys: ApiKeyView[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10; pages += 1) {
    const page = await listApiKeys(deps.apiKeys, caller, { limit: 100, ...(cursor ? { cursor } : {}) });
    keys.push(...page.items);
    cursor = page.cursor;
    if (!cursor) break;
  }
  return keys.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

export const newApiKey = (deps: ConsoleAdminDeps, caller: Caller, label: string) => createApiKey(deps.apiKeys, caller.licenseeId, label, caller.apiKeyId);

export const revokeKey = (deps: ConsoleAdminDeps, caller: Caller, keyId: string) => revokeApiKey(deps.apiKeys, caller, keyId);

/** What the connections page shows: each system's connection as `/v1/integrations/{system}` reports it, and BioTrack's own status. */
export interface ConnectionsView {
  /** The system the licensee reports to (`none`: not integrated). */
  readonly linked: string;
  readonly connections: readonly StateSystemConnection[];
  readonly bioTrack: Awaited<ReturnType<typeof integrationStatus>>;
  /** Active keys, to pick which state user a key acts as. */
  readonly keys: readonly ApiKeyView[];
}

export async function connections(deps: ConsoleAdminDeps, session: CurrentSession): Promise<ConnectionsView> {
  const linked = session.licensee.stateSystem.adapter;
  const [all, bioTrack, keys] = await Promise.all([
    stateSystemConnections(deps.consent.connections, session.caller.licenseeId, linked, deps.consent.now()),
    integrationStatus(deps.consent, session.caller),
    allApiKeys(deps, session.caller),
  ]);
  // The page shows the system the licensee reports to; the other only if it ever connected there.
  const shown = all.filter((connection) => connection.system === linked || connection.health !== 'missing');
  return { linked, connections: shown, bioTrack, keys: keys.filter((key) => key.status === 'active') };
}

export const enterMetrcKey = (deps: ConsoleAdminDeps, caller: Caller, userKey: string): Promise<KeyConnectionView> => enterUserKey(deps.credentials, caller, { userKey });

export const connectBioTrack = (deps: ConsoleAdminDeps, caller: Caller) => startConsent(deps.consent, caller);

export const linkBioTrackUser = (deps: ConsoleAdminDeps, caller: Caller, apiKeyId: string, credentials: { readonly username: string; readonly password: string }) =>
  linkStateUser(deps.consent, caller, apiKeyId, credentials);

export { bioTrackSystem, metrcSystem };

export const registryList = <K extends RegistryKind>(deps: ConsoleAdminDeps, caller: Caller, kind: K, status: 'active' | 'inactive', cursor?: string) =>
  listEntries(deps.registries, caller, kind, { status, limit: 50, ...(cursor ? { cursor } : {}) });

export const registryEntry = <K extends RegistryKind>(deps: ConsoleAdminDeps, caller: Caller, kind: K, id: string): Promise<RegistryRecord<K>> =>
  getEntry(deps.registries, caller, kind, id);

export const addRegistryEntry = <K extends RegistryKind>(deps: ConsoleAdminDeps, caller: Caller, kind: K, data: RegistryData[K]) => addEntry(deps.registries, caller, kind, data);

export const replaceRegistryEntry = <K extends RegistryKind>(deps: ConsoleAdminDeps, caller: Caller, kind: K, id: string, data: RegistryData[K], version: ExpectedVersion) =>
  replaceEntry(deps.registries, caller, kind, id, data, version);

export const removeRegistryEntry = <K extends RegistryKind>(deps: ConsoleAdminDeps, caller: Caller, kind: K, id: string, version: ExpectedVersion) =>
  deactivateEntry(deps.registries, caller, kind, id, version);

/** The report as the API answers it: inline, or (too large for a response) a short-lived link to the stored file. */
export type ReportFile =
  | { readonly kind: 'inline'; readonly body: string; readonly contentType: string; readonly filename: string; readonly rows: number }
  | { readonly kind: 'link'; readonly url: string };

/** `GET /v1/reports/inventory-movements`'s answer for the caller and a resolved period, in the format asked. */
export async function inventoryMovementsFile(
  deps: ConsoleAdminDeps,
  caller: Caller,
  query: { readonly from: string; readonly to: string; readonly format: 'csv' | 'json' },
  newId: () => string,
): Promise<ReportFile> {
  const report = deps.reports;
  const rows = await inventoryMovements(report, caller, query);
  const body =
    query.format === 'csv'
      ? [...movementsCsv(rows)].join('')
      : JSON.stringify({ from: query.from, to: query.to, generatedAt: report.now().toISOString(), count: rows.length, items: rows });
  const contentType = query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
  const filename = `inventory-movements-${newYorkDate(query.from)}-${newYorkDate(query.to)}.${query.format}`;
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length > report.inlineLimitBytes) {
    return { kind: 'link', url: await report.exports.put(`reports/${caller.licenseeId}/${newId()}.${query.format}`, bytes, contentType, filename) };
  }
  return { kind: 'inline', body, contentType, filename, rows: rows.length };
}
