/**
 * The registry of state systems: each system's id (its folder exports it), its capabilities and
 * the fields a tenant's link to it carries. The rest of the hub asks here by the id a tenant
 * record gives, and the domain is handed what it needs (a tag format, the transfer rules)
 * without ever seeing a system's name.
 */
// From the modules themselves, not the domain's index: the authorizer reads this registry at every cold start.
import { hubLifecycle } from '../domain/transfer/lifecycle.ts';
import type { TransferCapabilities } from '../domain/transfer/lifecycle.ts';
import { anyTagFormat, noStateSystem } from '../domain/transfer/tags.ts';
import type { PackageTagFormat, StateSystem } from '../domain/transfer/tags.ts';
import type { Transfer } from '../domain/transfer/transfer.ts';
import { bioTrackConnectionHealth, bioTrackIntegrationPath, bioTrackSystem, biotrackCapabilities } from './biotrack/capabilities.ts';
import { bioTrackLink } from './biotrack/link.ts';
import type { ConnectionHealthView, ConnectionStore, ConsentDates, StateSystemConnection } from './connections.ts';
import { metrcCapabilities, metrcSystem } from './metrc/capabilities.ts';
import { metrcConnectionHealth, metrcIntegrationPath } from './metrc/connection.ts';
import { metrcLink } from './metrc/link.ts';
import type { StateSystemCapabilities } from './port.ts';

export { bioTrackSystem, metrcSystem };

/** Every state system the hub has an adapter folder for. */
export const stateSystems = [bioTrackSystem, metrcSystem] as const;
export type KnownStateSystem = (typeof stateSystems)[number];
/** What a tenant's link or a party snapshot may name: a system, or none. */
export const linkableStateSystems = [...stateSystems, noStateSystem] as const;

export const isKnownStateSystem = (system: string): system is KnownStateSystem => (stateSystems as readonly string[]).includes(system);

export const capabilities: Readonly<Record<KnownStateSystem, StateSystemCapabilities>> = {
  [bioTrackSystem]: biotrackCapabilities,
  [metrcSystem]: metrcCapabilities,
};

/** A system's capabilities; throws for an id no adapter folder exports (a record naming a system the hub lost). */
export function capabilitiesOf(system: StateSystem): StateSystemCapabilities {
  if (!isKnownStateSystem(system)) throw new Error(`No state system has the id ${system}`);
  return capabilities[system];
}

/** A licensee without a state system follows the hub's own lifecycle. */
export const transferCapabilitiesOf = (system: StateSystem): TransferCapabilities => (system === noStateSystem ? hubLifecycle : capabilitiesOf(system));

/** The package tag format a licensee's tags must have; one without a state system may hold any system's tags. */
export const packageTagFormatOf = (system: StateSystem): PackageTagFormat => (system === noStateSystem ? anyTagFormat : capabilitiesOf(system).packageTag);

/**
 * Whose rules a receipt follows: the receiver's state system when it reports the receipt, else
 * the shipper's (which recorded the shipment).
 */
export function receiptCapabilities(transfer: Pick<Transfer, 'manifest'>): TransferCapabilities {
  const parties = transfer.manifest?.parties;
  if (!parties) return hubLifecycle;
  return transferCapabilitiesOf(parties.receiver.stateSystem !== noStateSystem ? parties.receiver.stateSystem : parties.shipper.stateSystem);
}

const links = { [bioTrackSystem]: bioTrackLink, [metrcSystem]: metrcLink };

/**
 * The identity fields a tenant's link may carry, every system's together (each optional in the
 * shape: a system requires its own, see `requiredLinkFields`).
 */
export const linkIdentityFields = { ...bioTrackLink.fields, ...metrcLink.fields };

/** The fields a system requires on a tenant's link, each with the message for its absence. */
export const requiredLinkFields = (system: KnownStateSystem): Readonly<Record<string, string>> => links[system].required;

/** The identity a system's adapter reads from a tenant's link (`StateAccount.identity`): only that system's own fields. */
export function linkIdentityOf(link: { readonly adapter: string } & Readonly<Record<string, unknown>>): Readonly<Record<string, string>> {
  if (!isKnownStateSystem(link.adapter)) return {};
  return Object.fromEntries(Object.keys(links[link.adapter].fields).flatMap((field) => (typeof link[field] === 'string' ? [[field, link[field]]] : [])));
}

/** Each system's reading of the connection record the hub keeps for a licensee (none: never connected). */
const connectionHealth: Readonly<Record<KnownStateSystem, (dates: ConsentDates | undefined, now: Date) => ConnectionHealthView>> = {
  [bioTrackSystem]: bioTrackConnectionHealth,
  [metrcSystem]: metrcConnectionHealth,
};

/** A licensee's connection to one system, in neutral terms. */
export async function stateSystemConnection(
  store: Pick<ConnectionStore, 'consentDates'>,
  licenseeId: string,
  system: KnownStateSystem,
  now: Date,
): Promise<StateSystemConnection> {
  const health = connectionHealth[system](await store.consentDates(licenseeId, system), now);
  return { system, displayName: capabilities[system].displayName, ...health };
}

/** A licensee's connections to every system, the one its link names first. */
export async function stateSystemConnections(store: Pick<ConnectionStore, 'consentDates'>, licenseeId: string, linked: StateSystem, now: Date): Promise<StateSystemConnection[]> {
  const ordered = [...stateSystems].sort((a, b) => Number(b === linked) - Number(a === linked));
  return Promise.all(ordered.map((system) => stateSystemConnection(store, licenseeId, system, now)));
}

/** `/v1/integrations/{system}`: each system's segment. */
const integrationPaths: Readonly<Record<KnownStateSystem, string>> = { [bioTrackSystem]: bioTrackIntegrationPath, [metrcSystem]: metrcIntegrationPath };
export const integrationPathSegments = stateSystems.map((system) => integrationPaths[system]);
export const systemAtIntegrationPath = (segment: string): KnownStateSystem | undefined => stateSystems.find((system) => integrationPaths[system] === segment);
