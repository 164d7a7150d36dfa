/**
 * The registries' two-way sync with the license's state system (drivers and vehicles), run by a
 * schedule for every connected licensee. There is no queue: each run compares the hub's entries
 * with the state system's whole list (`state-link.ts`) and does what is due, so a push that failed
 * (the state system down, a lost answer) is simply due again at the next run, and a create whose
 * answer was lost is found in the list by its driver's license or plate and linked, not made twice.
 * Every write to an entry is conditional on the version read: a person's change in between wins,
 * and the sync looks again next run.
 */
import { ulid } from 'ulid';
import { StaleVersionError } from '../errors.ts';
import type { StateSystem } from '../domain/transfer/index.ts';
import { logger } from '../observability.ts';
import type { StateAccount, StateTrackingSystem } from '../state-system/port.ts';
import type { StateTransporters, TransporterFields, TransporterKind } from '../state-system/transporters.ts';
import type { StateAccounts } from '../submissions/deliver.ts';
import type { RegistryRecord, RegistryRepository } from './repository.ts';
import type { DriverData, RegistryData, VehicleData } from './schemas.ts';
import { planSync } from './state-link.ts';
import type { RegistryStateLink, SyncAction, SyncEntry } from './state-link.ts';

export interface RegistrySyncDeps {
  readonly registries: RegistryRepository;
  readonly accounts: Pick<StateAccounts, 'account'>;
  readonly systems: Partial<Record<StateSystem, StateTrackingSystem>>;
  readonly now: () => Date;
}

export interface RegistrySyncTotals {
  created: number;
  pushed: number;
  pulled: number;
  imported: number;
  conflicts: number;
  /** Actions left to the next run: a person's change came in between, or the state system refused or failed. */
  deferred: number;
}

const emptyTotals = (): RegistrySyncTotals => ({ created: 0, pushed: 0, pulled: 0, imported: 0, conflicts: 0, deferred: 0 });

/** Hub fields the state system does not keep: an entry it made waits for them. */
const onlyInTheHub: Readonly<Record<TransporterKind, readonly string[]>> = {
  driver: ['phone'],
  vehicle: ['conveyance', 'year', 'color', 'attestations'],
};

function fieldsOf<K extends TransporterKind>(kind: K, data: RegistryData[K]): TransporterFields[K] | undefined {
  if (kind === 'driver') {
    const driver = data as DriverData;
    return { name: driver.name, employeeId: driver.employeeId, driversLicenseNumber: driver.driversLicenseNumber } as TransporterFields[K];
  }
  const vehicle = data as VehicleData;
  return vehicle.plate === undefined ? undefined : ({ make: vehicle.make, model: vehicle.model, plate: vehicle.plate } as TransporterFields[K]);
}

function withFields<K extends TransporterKind>(data: RegistryData[K], fields: TransporterFields[K]): RegistryData[K] {
  return { ...data, ...fields };
}

/** What the state system holds of one it made, with the hub's defaults (New York) where it says nothing. */
function importedData<K extends TransporterKind>(kind: K, fields: TransporterFields[K]): RegistryData[K] {
  // Partial on purpose: the entry stays inactive (no transfer can name it) until a person's PUT completes it.
  const known = kind === 'driver' ? { ...fields, driversLicenseState: 'NY' } : { ...fields, plateState: 'NY' };
  return known as unknown as RegistryData[K];
}

async function listAll<K extends TransporterKind>(registries: RegistryRepository, kind: K, licenseeId: string): Promise<RegistryRecord<K>[]> {
  const all: RegistryRecord<K>[] = [];
  let cursor: string | undefined;
  do {
    const page = await registries.list(kind, licenseeId, { status: 'all', limit: 100, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

// K ties the kind to its fields and records throughout the body.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
async function syncKind<K extends TransporterKind>(
  deps: RegistrySyncDeps,
  transporters: StateTransporters,
  account: StateAccount,
  kind: K,
  totals: RegistrySyncTotals,
): Promise<void> {
  const records = await listAll(deps.registries, kind, account.licenseeId);
  const rows = await transporters.list(account, kind);
  const entries: SyncEntry<K>[] = records.map((record) => {
    const fields = fieldsOf(kind, record.data);
    return {
      id: record.id,
      deactivated: !record.active && !record.stateSystem?.incomplete,
      ...(fields ? { fields } : {}),
      ...(record.stateSystem ? { link: record.stateSystem as RegistryStateLink<TransporterFields[K]> } : {}),
    };
  });
  const byId = new Map(records.map((record) => [record.id, record]));
  const at = () => deps.now().toISOString();

  /** Writes the entry's next state if nobody changed it since it was read. */
  async function save(record: RegistryRecord<K>, change: { data?: RegistryData[K]; link: RegistryStateLink }): Promise<boolean> {
    const next: RegistryRecord<K> = {
      ...record,
      ...(change.data ? { data: change.data, updatedAt: at() } : {}),
      stateSystem: change.link,
      version: record.version + 1,
    };
    try {
      await deps.registries.replace(next, record.version);
      return true;
    } catch (error) {
      if (error instanceof StaleVersionError) return false;
      throw error;
    }
  }

  const linkOf = (record: RegistryRecord<K>, ref: string, base: TransporterFields[K]): RegistryStateLink => {
    const { conflict: _conflict, ...kept } = record.stateSystem ?? { origin: 'hub' as const };
    return { ...kept, system: account.system, ref, base, syncedAt: at() };
  };

  async function apply(action: SyncAction<K>): Promise<void> {
    if (action.type === 'import') {
      const now = at();
      const record: RegistryRecord<K> = {
        kind,
        id: ulid(),
        licenseeId: account.licenseeId,
        active: false,
        version: 1,
        createdAt: now,
        updatedAt: now,
        data: importedData(kind, action.state),
        stateSystem: { system: account.system, origin: 'state-system', ref: action.ref, base: action.state, syncedAt: now, incomplete: onlyInTheHub[kind] },
      };
      await deps.registries.create(record);
      totals.imported += 1;
      return;
    }
    const record = byId.get(action.id);
    if (!record) return;
    let saved: boolean;
    switch (action.type) {
      case 'create': {
        const ref = await transporters.create(account, kind, action.fields);
        saved = await save(record, { link: linkOf(record, ref, action.fields) });
        totals.created += 1;
        break;
      }
      case 'adopt': {
        const differs = JSON.stringify(action.fields) !== JSON.stringify(action.state);
        if (differs) await transporters.update(account, kind, action.ref, action.fields);
        saved = await save(record, { link: linkOf(record, action.ref, action.fields) });
        if (differs) totals.pushed += 1;
        break;
      }
      case 'push': {
        await transporters.update(account, kind, action.ref, action.fields);
        saved = await save(record, { link: linkOf(record, action.ref, action.fields) });
        totals.pushed += 1;
        break;
      }
      case 'pull': {
        const link = record.stateSystem;
        if (!link) return;
        saved = await save(record, { data: withFields(record.data, action.state), link: linkOf(record, link.ref, action.state) });
        if (saved) totals.pulled += 1;
        break;
      }
      case 'agree': {
        const link = record.stateSystem;
        if (!link) return;
        saved = await save(record, { link: linkOf(record, link.ref, action.fields) });
        break;
      }
      case 'conflict': {
        const link = record.stateSystem;
        if (!link) return;
        saved = await save(record, { link: { ...link, conflict: { hub: action.hub, stateSystem: action.state, seenAt: at() } } });
        if (saved) totals.conflicts += 1;
        break;
      }
    }
    if (!saved) totals.deferred += 1;
  }

  for (const action of planSync(kind, entries, rows)) {
    try {
      await apply(action);
    } catch (error) {
      totals.deferred += 1;
      logger.warn('A registry entry was not synced with the state system', { kind, action: action.type, licenseeId: account.licenseeId, error: error as Error });
    }
  }
}

/** One licensee's drivers and vehicles, both ways. A licensee on a system without a transporter list: nothing. */
export async function syncLicenseeRegistries(deps: RegistrySyncDeps, licenseeId: string): Promise<RegistrySyncTotals> {
  const totals = emptyTotals();
  const account = await deps.accounts.account(licenseeId);
  const transporters = account ? deps.systems[account.system]?.transporters : undefined;
  if (!account || !transporters) return totals;
  for (const kind of ['driver', 'vehicle'] as const) await syncKind(deps, transporters, account, kind, totals);
  return totals;
}
