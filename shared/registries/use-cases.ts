/**
 * Keeping drivers, vehicles and partners on file. A licensee only ever reaches its own records;
 * another licensee's id answers exactly like an id that does not exist.
 */
import { ulid } from 'ulid';
import { ConflictError, NotFoundError } from '../errors.ts';
import { requireVersion } from '../versions.ts';
import type { ExpectedVersion } from '../versions.ts';
import type { Caller } from '../http/caller.ts';
import type { RegistryRecord, RegistryRepository } from './repository.ts';
import type { Page } from '../repositories/paging.ts';
import type { RegistryData, RegistryKind } from './schemas.ts';
import type { RegistryStateLink } from './state-link.ts';

export interface RegistryDeps {
  readonly registries: RegistryRepository;
  readonly now: () => Date;
}

export async function addEntry<K extends RegistryKind>(
  deps: RegistryDeps,
  caller: Caller,
  kind: K,
  data: RegistryData[K],
): Promise<RegistryRecord<K>> {
  const at = deps.now().toISOString();
  const record: RegistryRecord<K> = {
    kind,
    id: ulid(),
    licenseeId: caller.licenseeId,
    active: true,
    version: 1,
    createdAt: at,
    updatedAt: at,
    data,
  };
  await deps.registries.create(record);
  return record;
}

export async function getEntry<K extends RegistryKind>(deps: RegistryDeps, caller: Caller, kind: K, id: string): Promise<RegistryRecord<K>> {
  const record = await deps.registries.get(kind, caller.licenseeId, id);
  if (!record) throw new NotFoundError(kind);
  return record;
}

export function listEntries<K extends RegistryKind>(
  deps: RegistryDeps,
  caller: Caller,
  kind: K,
  options: { status: 'active' | 'inactive' | 'all'; limit: number; cursor?: string },
): Promise<Page<RegistryRecord<K>>> {
  return deps.registries.list(kind, caller.licenseeId, options);
}


export async function replaceEntry<K extends RegistryKind>(
  deps: RegistryDeps,
  caller: Caller,
  kind: K,
  id: string,
  data: RegistryData[K],
  expected: ExpectedVersion,
): Promise<RegistryRecord<K>> {
  const current = await getEntry(deps, caller, kind, id);
  requireVersion(current.version, expected);
  const link = current.stateSystem;
  // An entry the state system made waits, inactive, for the fields only the hub keeps: this PUT enters them.
  if (!current.active && !link?.incomplete) {
    throw new ConflictError('deactivated', `This ${kind} is deactivated and cannot be changed`, { id });
  }
  const next: RegistryRecord<K> = {
    ...current,
    active: true,
    data,
    version: current.version + 1,
    updatedAt: deps.now().toISOString(),
    ...(link ? { stateSystem: resolved(link) } : {}),
  };
  await deps.registries.replace(next, current.version);
  return next;
}

/**
 * A person's PUT settles what the sync left open: the values chosen over a conflict are the hub's
 * change against what the state system showed then (so the next sync pushes them, or finds both
 * agree), and an entry the state system made is complete.
 */
function resolved(link: RegistryStateLink): RegistryStateLink {
  const { conflict, incomplete: _incomplete, ...rest } = link;
  return conflict ? { ...rest, base: conflict.stateSystem } : rest;
}

/** Deactivation keeps the record: drafts and history still point at it. Repeating it changes nothing. */
export async function deactivateEntry<K extends RegistryKind>(
  deps: RegistryDeps,
  caller: Caller,
  kind: K,
  id: string,
  expected: ExpectedVersion,
): Promise<RegistryRecord<K>> {
  const current = await getEntry(deps, caller, kind, id);
  requireVersion(current.version, expected);
  if (!current.active) return current;
  const at = deps.now().toISOString();
  const next: RegistryRecord<K> = { ...current, active: false, deactivatedAt: at, updatedAt: at, version: current.version + 1 };
  await deps.registries.replace(next, current.version);
  return next;
}
