/**
 * Drivers and vehicles synced both ways with Metrc's transporter list, against DynamoDB Local and
 * the run's strict Metrc emulator: the registries are changed over HTTP through the local hub, the
 * Metrc side through Metrc's own API with the license's user key (another user or app in Metrc),
 * and the sync runs with its own wiring (the world's license is not listed as connected, so the
 * hub's schedule leaves it to the test); the last test connects a license and lets the schedule do it.
 */
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '#shared/adapters/aws-clients.ts';
import { readConfig } from '#shared/config.ts';
import { syncLicenseeRegistries } from '#shared/registries/state-sync.ts';
import { hubTable } from '#shared/resources.ts';
import { metrcSystem } from '#shared/state-system/capabilities.ts';
import { createConnectionStore, DEFAULT_STATE_USER } from '#shared/state-system/connections.ts';
import { tokenCipherFrom } from '#shared/state-system/wiring.ts';
import { registrySyncDeps } from '#shared/wiring/registry-sync.ts';
import { eventually } from '../../support/nyapi.ts';
import { MetrcClient } from '../metrc/client.ts';
import type { Envelope } from '../metrc/client.ts';
import { metrcHubWorld, metrcUrl } from '../metrc/hub-world.ts';
import type { MetrcHubWorld } from '../metrc/hub-world.ts';

const config = readConfig();
const aws = createAwsClients(config);
const connections = createConnectionStore(aws.dynamodb, hubTable.name, tokenCipherFrom(config));
const deps = await registrySyncDeps(config, aws);

interface MetrcDriver {
  readonly Id: number;
  readonly Name: string;
  readonly EmployeeId: string;
  readonly DriversLicenseNumber: string;
}
interface MetrcVehicle {
  readonly Id: number;
  readonly Make: string;
  readonly Model: string;
  readonly LicensePlateNumber: string;
}
type Row = Record<string, unknown> & { readonly id: string; readonly version: number; readonly stateSystem?: Record<string, unknown> };

async function sides(w: MetrcHubWorld) {
  const me = await w.call('GET', '/v1/me');
  const licenseeId = (me.body['licensee'] as { id?: string } | undefined)?.id ?? (me.body['id'] as string);
  const stored = await connections.stateUser(licenseeId, metrcSystem, DEFAULT_STATE_USER);
  if (!stored) throw new Error('the world stores a user key');
  const vendorKey = config.metrc.vendorKey;
  if (!vendorKey) throw new Error('the test run has a Metrc vendor key');
  const metrc = new MetrcClient(metrcUrl(), vendorKey, stored.password);
  const at = { licenseNumber: w.shipperLicense };
  return {
    licenseeId,
    userKey: stored.password,
    sync: () => syncLicenseeRegistries(deps, licenseeId),
    async drivers() {
      const reply = await metrc.get<Envelope<MetrcDriver>>('/transporters/v2/drivers', { ...at, pageNumber: 1, pageSize: 20 });
      expect(reply.status, reply.text).toBe(200);
      return reply.body.Data;
    },
    async vehicles() {
      const reply = await metrc.get<Envelope<MetrcVehicle>>('/transporters/v2/vehicles', { ...at, pageNumber: 1, pageSize: 20 });
      expect(reply.status, reply.text).toBe(200);
      return reply.body.Data;
    },
    async inMetrc(method: 'POST' | 'PUT', path: string, body: unknown) {
      const reply = await metrc.send(method, path, body, at);
      expect(reply.status, reply.text).toBe(200);
      return reply.body;
    },
  };
}

async function one(w: MetrcHubWorld, collection: string, id: string): Promise<Row> {
  const answer = await w.call('GET', `/v1/${collection}/${id}`);
  expect(answer.status).toBe(200);
  return answer.body as Row;
}

async function rows(w: MetrcHubWorld, collection: string): Promise<Row[]> {
  const answer = await w.call('GET', `/v1/${collection}?status=all&limit=100`);
  expect(answer.status).toBe(200);
  return answer.body['items'] as Row[];
}

async function put(w: MetrcHubWorld, collection: string, row: Row, change: Record<string, unknown>): Promise<Row> {
  const { id, version, active: _a, createdAt: _c, updatedAt: _u, deactivatedAt: _d, stateSystem: _s, ...body } = row;
  const answer = await w.call('PUT', `/v1/${collection}/${id}`, { ...body, ...change }, { 'if-match': `"${version}"` });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as Row;
}

describe('drivers and vehicles synced with Metrc', { timeout: 90_000 }, () => {
  it('pushes the hub’s entries, applies Metrc’s changes, shows a conflict without overwriting either side, and clears it on a PUT', async () => {
    const w = await metrcHubWorld([]);
    const s = await sides(w);
    const [driver] = await rows(w, 'drivers');
    const [vehicle] = await rows(w, 'vehicles');
    if (!driver || !vehicle) throw new Error('the world has a driver and a vehicle');
    // Someone adds a driver in Metrc.
    await s.inMetrc('POST', '/transporters/v2/drivers', [{ Name: 'Morgan Reyes', EmployeeId: 'M-77', DriversLicenseNumber: '733100244' }]);

    // Hub create → in Metrc; Metrc's own → in the hub, marked as from the state system.
    expect(await s.sync()).toMatchObject({ created: 2, imported: 1, conflicts: 0, deferred: 0 });
    const metrcZoe = (await s.drivers()).find((d) => d.DriversLicenseNumber === '512884301');
    expect(metrcZoe).toMatchObject({ Name: 'Zoë Peña', EmployeeId: 'E-104' });
    expect(await s.vehicles()).toEqual([expect.objectContaining({ Make: 'Ford', Model: 'Transit', LicensePlateNumber: 'KXT4410' })]);
    expect((await one(w, 'drivers', driver.id)).stateSystem).toMatchObject({ system: 'metrc', origin: 'hub' });
    const imported = (await rows(w, 'drivers')).find((d) => d['driversLicenseNumber'] === '733100244');
    expect(imported).toMatchObject({ name: 'Morgan Reyes', employeeId: 'M-77', active: false, stateSystem: { origin: 'state-system', incomplete: ['phone'] } });
    expect((await rows(w, 'drivers')).filter((d) => d['driversLicenseNumber'] === '733100244')).toHaveLength(1);
    expect(await s.sync()).toEqual({ created: 0, pushed: 0, pulled: 0, imported: 0, conflicts: 0, deferred: 0 });

    // A change made in Metrc → in the hub (Metrc wins for its own changes); a change made in the hub → in Metrc.
    if (!metrcZoe) throw new Error('unreachable');
    await s.inMetrc('PUT', '/transporters/v2/drivers', [{ Id: metrcZoe.Id, Name: 'Zoë Peña-Ortiz', EmployeeId: 'E-104', DriversLicenseNumber: '512884301' }]);
    await put(w, 'vehicles', await one(w, 'vehicles', vehicle.id), { model: 'Transit Connect' });
    expect(await s.sync()).toMatchObject({ pushed: 1, pulled: 1, conflicts: 0 });
    expect(await one(w, 'drivers', driver.id)).toMatchObject({ name: 'Zoë Peña-Ortiz', employeeId: 'E-104', phone: '(518) 555-0142' });
    expect(await s.vehicles()).toEqual([expect.objectContaining({ Model: 'Transit Connect', LicensePlateNumber: 'KXT4410' })]);

    // Both changed since the last sync → a conflict, both sides shown, neither overwritten.
    await put(w, 'drivers', await one(w, 'drivers', driver.id), { employeeId: 'E-105' });
    await s.inMetrc('PUT', '/transporters/v2/drivers', [{ Id: metrcZoe.Id, Name: 'Zoë Peña-Ortiz', EmployeeId: 'E-999', DriversLicenseNumber: '512884301' }]);
    expect(await s.sync()).toMatchObject({ conflicts: 1, pushed: 0, pulled: 0 });
    const conflict = {
      hub: { name: 'Zoë Peña-Ortiz', employeeId: 'E-105', driversLicenseNumber: '512884301' },
      stateSystem: { name: 'Zoë Peña-Ortiz', employeeId: 'E-999', driversLicenseNumber: '512884301' },
    };
    const conflicted = await one(w, 'drivers', driver.id);
    expect(conflicted).toMatchObject({ employeeId: 'E-105', stateSystem: { conflict } });
    expect((await rows(w, 'drivers')).find((d) => d.id === driver.id)).toMatchObject({ stateSystem: { conflict } });
    expect(await s.sync()).toEqual({ created: 0, pushed: 0, pulled: 0, imported: 0, conflicts: 0, deferred: 0 });
    expect((await s.drivers()).find((d) => d.Id === metrcZoe.Id)).toMatchObject({ EmployeeId: 'E-999' });
    expect(await one(w, 'drivers', driver.id)).toMatchObject({ employeeId: 'E-105', version: conflicted.version });

    // A person resolves it with the values chosen: the conflict clears and the next sync makes Metrc agree.
    const resolved = await put(w, 'drivers', conflicted, { employeeId: 'E-105' });
    expect(resolved.stateSystem).toMatchObject({ system: 'metrc', origin: 'hub' });
    expect(resolved.stateSystem).not.toHaveProperty('conflict');
    expect(await s.sync()).toMatchObject({ pushed: 1, conflicts: 0 });
    expect((await s.drivers()).find((d) => d.Id === metrcZoe.Id)).toMatchObject({ EmployeeId: 'E-105' });

    // The driver Metrc made becomes usable once a person enters what only the hub keeps.
    if (!imported) throw new Error('unreachable');
    const completed = await put(w, 'drivers', imported, { phone: '(518) 555-0177' });
    expect(completed).toMatchObject({ active: true, name: 'Morgan Reyes', stateSystem: { origin: 'state-system' } });
    expect(completed.stateSystem).not.toHaveProperty('incomplete');
    expect(await s.sync()).toEqual({ created: 0, pushed: 0, pulled: 0, imported: 0, conflicts: 0, deferred: 0 });
  });

  it('links a hub entry Metrc already holds (same driver’s license) instead of making it twice', async () => {
    const w = await metrcHubWorld([]);
    const s = await sides(w);
    await s.inMetrc('POST', '/transporters/v2/drivers', [{ Name: 'Zoe Pena', EmployeeId: 'E-104', DriversLicenseNumber: '512884301' }]);
    expect(await s.sync()).toMatchObject({ created: 1, pushed: 1, imported: 0 });
    expect(await s.drivers()).toEqual([expect.objectContaining({ Name: 'Zoë Peña', DriversLicenseNumber: '512884301' })]);
  });

  it('runs on the hub’s schedule for a connected license', async () => {
    const w = await metrcHubWorld([]);
    const s = await sides(w);
    await connections.putUserKey(s.licenseeId, metrcSystem, s.userKey, new Date().toISOString());
    const [driver] = await rows(w, 'drivers');
    if (!driver) throw new Error('the world has a driver');
    const inMetrc = await eventually(async () => (await s.drivers()).find((d) => d.DriversLicenseNumber === '512884301'), 30_000, 'the driver pushed to Metrc');
    expect(inMetrc).toMatchObject({ Name: 'Zoë Peña' });
    await eventually(async () => ((await one(w, 'drivers', driver.id)).stateSystem ? true : undefined), 30_000, 'the link kept on the entry');
  });
});
