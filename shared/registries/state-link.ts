/**
 * A driver's or vehicle's link to its copy in the license's state system, and the rules of the
 * two-way sync (pure). The sync is a three-way merge: `base` holds the shared fields as both sides
 * last agreed on them, so a side whose fields differ from `base` changed since the last sync. A
 * change on one side only wins (the hub's is pushed, the state system's applied); the same change
 * on both is agreement; different changes on both are a conflict, kept on the entry with both
 * sides until a person resolves it, and neither side is touched meanwhile.
 */
import type { StateTransporter, TransporterFields, TransporterKind } from '../state-system/transporters.ts';

export interface RegistryConflict<F> {
  readonly hub: F;
  readonly stateSystem: F;
  readonly seenAt: string;
}

export interface RegistryStateLink<F = TransporterFields[TransporterKind]> {
  readonly system: string;
  /** Who made the entry: a person in the hub, or someone in the state system (added by the sync). */
  readonly origin: 'hub' | 'state-system';
  /** The state system's id of its copy (the adapter's, opaque). */
  readonly ref: string;
  /** The shared fields as both sides last agreed on them. */
  readonly base: F;
  readonly syncedAt: string;
  /** Hub fields the state system does not hold: an entry it made stays inactive until a person enters them (`PUT`). */
  readonly incomplete?: readonly string[];
  readonly conflict?: RegistryConflict<F>;
}

/** One registry entry as the sync sees it. `fields`: undefined when it has nothing the state system could keep (a bicycle has no plate). */
export interface SyncEntry<K extends TransporterKind> {
  readonly id: string;
  /** Deactivated in the hub (an entry the state system made and nobody completed yet is not). */
  readonly deactivated: boolean;
  readonly fields?: TransporterFields[K];
  readonly link?: RegistryStateLink<TransporterFields[K]>;
}

export type SyncAction<K extends TransporterKind> =
  | { readonly type: 'create'; readonly id: string; readonly fields: TransporterFields[K] }
  /** An unlinked hub entry the state system already holds (same driver's license or plate): linked, then pushed if they differ. */
  | { readonly type: 'adopt'; readonly id: string; readonly ref: string; readonly fields: TransporterFields[K]; readonly state: TransporterFields[K] }
  | { readonly type: 'push'; readonly id: string; readonly ref: string; readonly fields: TransporterFields[K] }
  | { readonly type: 'pull'; readonly id: string; readonly state: TransporterFields[K] }
  /** Both sides hold the same fields now: the base moves to them and any conflict clears. */
  | { readonly type: 'agree'; readonly id: string; readonly fields: TransporterFields[K] }
  | { readonly type: 'conflict'; readonly id: string; readonly hub: TransporterFields[K]; readonly state: TransporterFields[K] }
  | { readonly type: 'import'; readonly ref: string; readonly state: TransporterFields[K] };

const clean = (value: string) => value.trim().replace(/\s+/g, ' ');

/** The fields as compared and stored: spaces trimmed, a plate in capitals. */
export function normalized<K extends TransporterKind>(kind: K, fields: TransporterFields[K]): TransporterFields[K] {
  if (kind === 'driver') {
    const d = fields as TransporterFields['driver'];
    return { name: clean(d.name), employeeId: clean(d.employeeId), driversLicenseNumber: clean(d.driversLicenseNumber) } as TransporterFields[K];
  }
  const v = fields as TransporterFields['vehicle'];
  return { make: clean(v.make), model: clean(v.model), plate: clean(v.plate).toUpperCase() } as TransporterFields[K];
}

export function sameFields<F extends object>(a: F, b: F): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key]);
}

/** What identifies one person or vehicle on both sides when no link exists yet. */
export function identityOf<K extends TransporterKind>(kind: K, fields: TransporterFields[K]): string {
  const raw = kind === 'driver' ? (fields as TransporterFields['driver']).driversLicenseNumber : (fields as TransporterFields['vehicle']).plate;
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

/** The merge of one linked entry with the state system's row of it. */
export function mergeLinked<K extends TransporterKind>(entry: SyncEntry<K> & { readonly link: RegistryStateLink<TransporterFields[K]>; readonly fields: TransporterFields[K] }, state: TransporterFields[K]): SyncAction<K> | undefined {
  const { id, link, fields: hub } = entry;
  if (sameFields(hub, state)) return sameFields(link.base, hub) && !link.conflict ? undefined : { type: 'agree', id, fields: hub };
  const hubChanged = !sameFields(hub, link.base);
  const stateChanged = !sameFields(state, link.base);
  if (hubChanged && stateChanged) {
    const known = link.conflict && sameFields(link.conflict.hub, hub) && sameFields(link.conflict.stateSystem, state);
    return known ? undefined : { type: 'conflict', id, hub, state };
  }
  if (hubChanged) return { type: 'push', id, ref: link.ref, fields: hub };
  return { type: 'pull', id, state };
}

/** Every action one sync of one kind takes, from the hub's entries and the state system's whole list. */
export function planSync<K extends TransporterKind>(kind: K, entries: readonly SyncEntry<K>[], rows: readonly StateTransporter<K>[]): SyncAction<K>[] {
  const byRef = new Map(rows.map((row) => [row.ref, normalized(kind, row.fields)]));
  const claimed = new Set(entries.flatMap((entry) => (entry.link ? [entry.link.ref] : [])));
  const actions: SyncAction<K>[] = [];
  /** Linked to a row the state system no longer lists: archived there (left as it is), or the state system lost it and holds it again under another id. */
  const orphans = new Set<string>();
  for (const entry of entries) {
    if (!entry.link || entry.deactivated || !entry.fields) continue;
    const state = byRef.get(entry.link.ref);
    if (!state) {
      orphans.add(entry.id);
      continue;
    }
    const action = mergeLinked({ ...entry, link: entry.link, fields: normalized(kind, entry.fields) }, state);
    if (action) actions.push(action);
  }
  const unclaimed = new Map<string, StateTransporter<K>>();
  for (const row of rows) {
    const identity = identityOf(kind, row.fields);
    if (!claimed.has(row.ref) && identity !== '' && !unclaimed.has(identity)) unclaimed.set(identity, row);
  }
  for (const entry of entries) {
    const orphan = orphans.has(entry.id);
    if ((entry.link && !orphan) || entry.deactivated || !entry.fields) continue;
    const fields = normalized(kind, entry.fields);
    const row = unclaimed.get(identityOf(kind, fields));
    if (row) {
      unclaimed.delete(identityOf(kind, fields));
      claimed.add(row.ref);
      actions.push({ type: 'adopt', id: entry.id, ref: row.ref, fields, state: normalized(kind, row.fields) });
    } else if (!orphan) {
      actions.push({ type: 'create', id: entry.id, fields });
    }
  }
  for (const row of rows) {
    if (!claimed.has(row.ref)) actions.push({ type: 'import', ref: row.ref, state: normalized(kind, row.fields) });
  }
  return actions;
}

/** The link as clients see it: no ref, no base (the state system's and the sync's own). */
export function stateLinkView(link: RegistryStateLink | undefined) {
  if (!link) return undefined;
  return {
    system: link.system,
    origin: link.origin,
    syncedAt: link.syncedAt,
    ...(link.incomplete ? { incomplete: link.incomplete } : {}),
    ...(link.conflict ? { conflict: link.conflict } : {}),
  };
}
