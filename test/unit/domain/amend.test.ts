import { describe, expect, it } from 'vitest';
import { amend, amendBody, depart } from '#shared/domain/transfer/index.ts';
import type { DriverSnapshot, Transfer, VehicleSnapshot } from '#shared/domain/transfer/index.ts';
import { context, draft, driver, expectOk, expectRefused, manifested, minutesAfter, parties, pointersOf, receiver, shipper, vehicle } from './fixtures.ts';

const relief: DriverSnapshot = { ...driver, driverId: 'driver-bo', name: 'Bo Łukasik', employeeId: 'E-0077' };
const truck: VehicleSnapshot = { ...vehicle, vehicleId: 'vehicle-truck', conveyance: 'truck', plate: 'HUD 9', vin: '1FTBR1C82MKA99999' };
const crew = { drivers: [driver, relief], vehicle: truck };
const later = context(minutesAfter(10));

describe('amend', () => {
  it('issues the next version of the same manifest and keeps the one it replaces', () => {
    const before = manifested();
    const { transfer, event } = expectOk(amend(before, { driverIds: ['driver-bo'], vehicleId: 'vehicle-truck' }, crew, later));

    expect(transfer.status).toBe('MANIFESTED');
    expect(transfer.version).toBe(before.version + 1);
    expect(transfer.manifest).toMatchObject({ number: before.manifest?.number, version: 2, manifestedAt: minutesAfter(10).toISOString() });
    expect(transfer.manifest?.parties.drivers).toEqual([relief]);
    expect(transfer.manifest?.parties.vehicle).toEqual(truck);
    // Shipper and receiver stay exactly as issued.
    expect(transfer.manifest?.parties.shipper).toEqual(shipper);
    expect(transfer.manifest?.parties.receiver).toEqual(receiver);
    expect(transfer.manifest?.contentHash).not.toBe(before.manifest?.contentHash);
    const { lines: _lines, ...terms } = before.content;
    expect(transfer.manifestHistory).toEqual([{ manifest: before.manifest, terms }]);
    expect(transfer.content.lines).toEqual(before.content.lines);
    expect(event).toMatchObject({ action: 'amend', from: 'MANIFESTED', to: 'MANIFESTED', sequence: transfer.version });
    expect(event.summary).toContain('version 2');
  });

  it('stacks every earlier version, oldest first', () => {
    const v2 = expectOk(amend(manifested(), { plannedRoute: 'Taconic Pkwy S' }, parties, later)).transfer;
    const v3 = expectOk(amend(v2, { layover: { location: 'Depot, 5 Elm St, Fishkill', at: '2026-03-02T11:00:00-05:00' } }, parties, context(minutesAfter(20)))).transfer;

    expect(v3.manifest?.version).toBe(3);
    expect(v3.manifestHistory?.map((v) => v.manifest.version)).toEqual([1, 2]);
    expect(v3.manifestHistory?.[1]?.terms.plannedRoute).toBe('Taconic Pkwy S');
    expect(v3.manifestHistory?.[0]?.terms.plannedRoute).toBe(manifested().content.plannedRoute);
  });

  it('clears an optional field with null: the shipper carries the goods itself again', () => {
    const carrier = { ...receiver, partnerId: 'partner-carrier', licenseeId: 'lic-carrier', legalName: 'Carrier Co', licenseNumber: 'OCM-DIST-24-000999' };
    const withCarrier = expectOk(amend(manifested(), { transporterPartnerId: 'partner-carrier' }, { ...parties, transporter: carrier }, later)).transfer;
    expect(withCarrier.manifest?.parties.transporter?.legalName).toBe('Carrier Co');

    const without = expectOk(amend(withCarrier, { transporterPartnerId: null }, parties, context(minutesAfter(20)))).transfer;
    expect(without.manifest?.parties.transporter).toBeUndefined();
    expect(without.content.transporterPartnerId).toBeUndefined();
  });

  it('checks the amended manifest as the first: crew, vehicle and times', () => {
    const before = manifested();
    expect(pointersOf(amend(before, { driverIds: ['driver-unknown'] }, parties, later))).toEqual(['/driverIds/0']);
    expect(pointersOf(amend(before, { vehicleId: 'vehicle-truck' }, { drivers: [driver] }, later))).toEqual(['/vehicleId']);
    expect(pointersOf(amend(before, { estimatedDeparture: '2026-03-02T08:00:00-05:00' }, parties, later))).toContain('/estimatedDeparture');
  });

  it('is refused once the shipment left, and for a draft', () => {
    const left = expectOk(depart(manifested(), {}, context(minutesAfter(60)))).transfer;
    expect(expectRefused(amend(left, { plannedRoute: 'x' }, parties, context(minutesAfter(70))))).toMatchObject({ kind: 'invalid-transition', current: 'IN_TRANSIT' });
    expect(expectRefused(amend(draft(), { plannedRoute: 'x' }, parties, later))).toMatchObject({ kind: 'invalid-transition', current: 'DRAFT' });
  });

  it('accepts only what an amendment may change, and at least one field', () => {
    expect(amendBody.safeParse({ lines: [] }).success).toBe(false);
    expect(amendBody.safeParse({ receiverPartnerId: 'p' }).success).toBe(false);
    expect(amendBody.safeParse({}).success).toBe(false);
    expect(amendBody.safeParse({ driverIds: ['a', 'a'] }).success).toBe(false);
    expect(amendBody.safeParse({ driverIds: null }).success).toBe(false);
    expect(amendBody.safeParse({ layover: null, transporterPartnerId: null, vehicleId: 'v' }).success).toBe(true);
  });

  it('keeps the transfer it amends unchanged', () => {
    const before: Transfer = manifested();
    const copy = structuredClone(before);
    amend(before, { plannedRoute: 'elsewhere' }, parties, later);
    expect(before).toEqual(copy);
  });
});
