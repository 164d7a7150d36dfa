/**
 * The registries' two-way sync rules: a change on one side wins, the same change on both is
 * agreement, different changes on both are a conflict that touches neither side, a hub entry the
 * state system already holds is linked rather than made twice, and what the state system made alone
 * is imported.
 */
import { describe, expect, it } from 'vitest';
import { mergeLinked, planSync } from '#shared/registries/state-link.ts';
import type { RegistryStateLink, SyncEntry } from '#shared/registries/state-link.ts';
import type { TransporterFields } from '#shared/state-system/transporters.ts';

type Driver = TransporterFields['driver'];
const base: Driver = { name: 'Zoë Peña', employeeId: 'E-104', driversLicenseNumber: '512884301' };
const link = (over: Partial<RegistryStateLink<Driver>> = {}): RegistryStateLink<Driver> => ({ system: 'metrc', origin: 'hub', ref: '7001', base, syncedAt: '2026-12-01T10:00:00.000Z', ...over });
const linked = (fields: Driver, over: Partial<RegistryStateLink<Driver>> = {}) => ({ id: 'D1', deactivated: false, fields, link: link(over) });

describe('merging a linked driver', () => {
  it('does nothing when neither side changed', () => {
    expect(mergeLinked(linked(base), base)).toBeUndefined();
  });

  it('pushes a change made in the hub only', () => {
    const hub = { ...base, name: 'Zoë Peña-Ortiz' };
    expect(mergeLinked(linked(hub), base)).toEqual({ type: 'push', id: 'D1', ref: '7001', fields: hub });
  });

  it('applies a change made in the state system only', () => {
    const state = { ...base, employeeId: 'E-200' };
    expect(mergeLinked(linked(base), state)).toEqual({ type: 'pull', id: 'D1', state });
  });

  it('takes the same change on both sides as agreement', () => {
    const both = { ...base, name: 'Zoe Pena' };
    expect(mergeLinked(linked(both), both)).toEqual({ type: 'agree', id: 'D1', fields: both });
  });

  it('records different changes on both sides as a conflict with both shown', () => {
    const hub = { ...base, name: 'Zoë Peña-Ortiz' };
    const state = { ...base, name: 'Zoe Ortiz' };
    expect(mergeLinked(linked(hub), state)).toEqual({ type: 'conflict', id: 'D1', hub, state });
  });

  it('leaves a conflict already recorded as it is while neither side moves', () => {
    const hub = { ...base, name: 'A' };
    const state = { ...base, name: 'B' };
    expect(mergeLinked(linked(hub, { conflict: { hub, stateSystem: state, seenAt: 'x' } }), state)).toBeUndefined();
    const later = { ...base, name: 'C' };
    expect(mergeLinked(linked(hub, { conflict: { hub, stateSystem: state, seenAt: 'x' } }), later)).toEqual({ type: 'conflict', id: 'D1', hub, state: later });
  });

  it('clears a conflict once both sides hold the same again', () => {
    const hub = { ...base, name: 'A' };
    expect(mergeLinked(linked(hub, { conflict: { hub, stateSystem: { ...base, name: 'B' }, seenAt: 'x' } }), hub)).toEqual({ type: 'agree', id: 'D1', fields: hub });
  });

  it('after a resolution (the base is what the state system showed), pushes the values the person chose', () => {
    const state = { ...base, name: 'B' };
    const chosen = { ...base, name: 'A', employeeId: 'E-9' };
    expect(mergeLinked(linked(chosen, { base: state }), state)).toEqual({ type: 'push', id: 'D1', ref: '7001', fields: chosen });
  });
});

describe('planning a sync of drivers', () => {
  const row = (ref: string, fields: Driver) => ({ ref, fields });

  it('creates an unlinked hub entry, adopts one the state system holds under the same license, imports the rest', () => {
    const entries: SyncEntry<'driver'>[] = [
      { id: 'NEW', deactivated: false, fields: { name: 'New Driver', employeeId: 'E-1', driversLicenseNumber: '111' } },
      { id: 'SAME', deactivated: false, fields: { name: 'Sam Lee', employeeId: 'E-2', driversLicenseNumber: '222 333' } },
      { id: 'OFF', deactivated: true, fields: { name: 'Gone', employeeId: 'E-3', driversLicenseNumber: '444' } },
    ];
    const rows = [row('1', { name: 'Sam  Lee', employeeId: 'E-2', driversLicenseNumber: '222333' }), row('2', { name: 'Made in Metrc', employeeId: 'M-1', driversLicenseNumber: '555' })];
    expect(planSync('driver', entries, rows)).toEqual([
      { type: 'create', id: 'NEW', fields: entries[0]?.fields },
      { type: 'adopt', id: 'SAME', ref: '1', fields: entries[1]?.fields, state: { name: 'Sam Lee', employeeId: 'E-2', driversLicenseNumber: '222333' } },
      { type: 'import', ref: '2', state: { name: 'Made in Metrc', employeeId: 'M-1', driversLicenseNumber: '555' } },
    ]);
  });

  it('neither imports nor touches a row a deactivated entry is linked to, and leaves an entry whose row is gone', () => {
    const entries: SyncEntry<'driver'>[] = [
      { id: 'OFF', deactivated: true, fields: { ...base, name: 'Changed in hub' }, link: link({ ref: '9' }) },
      { id: 'GONE', deactivated: false, fields: { ...base, name: 'Changed' }, link: link({ ref: '10' }) },
    ];
    expect(planSync('driver', entries, [row('9', { ...base, name: 'Changed in Metrc' })])).toEqual([]);
  });

  it('links an entry whose row is gone to the row the state system now holds under its license (a sandbox wiped and seeded again), importing no copy', () => {
    const entries: SyncEntry<'driver'>[] = [{ id: 'D1', deactivated: false, fields: base, link: link({ ref: '7001' }) }];
    expect(planSync('driver', entries, [row('7400', base)])).toEqual([{ type: 'adopt', id: 'D1', ref: '7400', fields: base, state: base }]);
  });

  it('compares vehicles with spaces trimmed and plates in capitals', () => {
    const fields = { make: 'Ford', model: 'Transit', plate: 'KXT4410' };
    const entries: SyncEntry<'vehicle'>[] = [{ id: 'V', deactivated: false, fields, link: { system: 'metrc', origin: 'hub', ref: '8', base: fields, syncedAt: 'x' } }];
    expect(planSync('vehicle', entries, [{ ref: '8', fields: { make: 'Ford ', model: 'Transit', plate: 'kxt4410' } }])).toEqual([]);
    expect(planSync('vehicle', entries, [{ ref: '8', fields: { make: 'Ford', model: 'Transit Connect', plate: 'KXT4410' } }])).toEqual([
      { type: 'pull', id: 'V', state: { make: 'Ford', model: 'Transit Connect', plate: 'KXT4410' } },
    ]);
  });
});
