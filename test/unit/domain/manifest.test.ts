import { describe, expect, it } from 'vitest';
import { packageTagFormatOf } from '#shared/state-system/capabilities.ts';
import { defaultTransferRules, isSameLicensee, licenseTypeOf, manifest } from '#shared/domain/transfer/index.ts';
import type { ManifestParties, PartySnapshot, Transfer } from '#shared/domain/transfer/index.ts';
import {
  NOW,
  biotrackTag,
  draft,
  draftBody,
  driver,
  expectOk,
  expectRefused,
  line,
  manifestContext,
  manifested,
  metrcTag,
  minutesAfter,
  parties,
  pointersOf,
  problemsOf,
  receiver,
  shipper,
  vehicle,
  withRules,
} from './fixtures.ts';

// As the use-case does: the tag format follows the shipper's state system.
const manifestWith = (transfer: Transfer, overrides: Partial<ManifestParties> = {}, context = manifestContext()) =>
  manifest(transfer, { ...parties, ...overrides }, { ...context, shipperTags: packageTagFormatOf((overrides.shipper ?? parties.shipper).stateSystem) });

describe('manifest', () => {
  it('freezes the content with a snapshot of parties, drivers and vehicle, and numbers it', () => {
    const before = draft();
    const { transfer, event, warnings } = expectOk(manifest(before, parties, manifestContext()));

    expect(transfer.status).toBe('MANIFESTED');
    expect(transfer.version).toBe(2);
    expect(transfer.content).toEqual(before.content);
    expect(transfer.manifest).toEqual({
      number: '000042',
      version: 1,
      manifestedAt: NOW.toISOString(),
      contentHash: event.payloadHash,
      parties: { shipper, receiver, drivers: [driver], vehicle },
    });
    expect(event).toMatchObject({ action: 'manifest', from: 'DRAFT', to: 'MANIFESTED', sequence: 2, summary: 'Manifest 000042 issued' });
    expect(event.payloadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(warnings).toEqual([]);
  });

  it('snapshots the transporter and the drivers in the order of the draft', () => {
    const second = { ...driver, driverId: 'driver-bo', name: 'Bo Chen' };
    const carrier: PartySnapshot = { ...receiver, partnerId: 'partner-carrier', licenseNumber: 'OCM-DIST-25-000200', legalName: 'Empire Carriers' };
    const before = draft(draftBody({ driverIds: ['driver-bo', 'driver-ana'], transporterPartnerId: 'partner-carrier' }));
    const { transfer } = expectOk(manifestWith(before, { drivers: [driver, second], transporter: carrier }));

    expect(transfer.manifest?.parties.drivers.map((d) => d.name)).toEqual(['Bo Chen', 'Ana Ruiz']);
    expect(transfer.manifest?.parties.transporter).toEqual(carrier);
  });

  it('hashes the manifest content: another number, another hash', () => {
    const a = expectOk(manifest(draft(), parties, manifestContext())).transfer.manifest?.contentHash;
    const b = expectOk(manifest(draft(), parties, manifestContext({ manifestNumber: '000043' }))).transfer.manifest?.contentHash;

    expect(a).not.toBe(b);
  });

  it('is allowed from DRAFT only', () => {
    expect(expectRefused(manifest(manifested(), parties, manifestContext()))).toMatchObject({ kind: 'invalid-transition', current: 'MANIFESTED', action: 'manifest' });
  });

  describe('refuses, pointing at the field', () => {
    it('a receiver that is the shipper', () => {
      const self: PartySnapshot = { ...shipper, partnerId: 'partner-self' };
      const sameLicense: PartySnapshot = { ...receiver, licenseeId: 'someone', licenseNumber: 'ocm-dist-24-000114 ' };

      expect(problemsOf(manifestWith(draft(), { receiver: self }))).toEqual([
        { pointer: '/receiverPartnerId', code: 'shipper-is-receiver', message: 'The receiver must be another licensee than the shipper' },
      ]);
      expect(pointersOf(manifestWith(draft(), { receiver: sameLicense }))).toEqual(['/receiverPartnerId']);
    });

    it('a receiver or transporter that is not on file', () => {
      const { receiver: _receiver, ...withoutReceiver } = parties;

      expect(problemsOf(manifest(draft(), withoutReceiver, manifestContext()))[0]).toMatchObject({ pointer: '/receiverPartnerId', code: 'unknown-partner' });
      expect(pointersOf(manifestWith(draft(draftBody({ transporterPartnerId: 'partner-gone' }))))).toEqual(['/transporterPartnerId']);
    });

    it('missing drivers and vehicle, and ids that are not on file', () => {
      const bare = draft(draftBody({ driverIds: undefined, vehicleId: undefined }));

      expect(problemsOf(manifestWith(bare))).toEqual([
        { pointer: '/driverIds', code: 'required-to-manifest', message: 'At least one driver is required to manifest' },
        { pointer: '/vehicleId', code: 'required-to-manifest', message: 'A vehicle is required to manifest' },
      ]);
      expect(pointersOf(manifestWith(draft(draftBody({ driverIds: ['driver-ana', 'driver-gone'] }))))).toEqual(['/driverIds/1']);
      expect(problemsOf(manifestWith(draft(), { vehicle: undefined }))).toEqual([
        { pointer: '/vehicleId', code: 'unknown-vehicle', message: 'No active vehicle with this id is on file' },
      ]);
    });

    it('a vehicle without a plate, unless it is a bicycle or the rule is off', () => {
      const { plate: _plate, ...unplated } = vehicle;

      expect(problemsOf(manifestWith(draft(), { vehicle: unplated }))).toMatchObject([{ pointer: '/vehicleId', code: 'plate-required' }]);
      expect(manifestWith(draft(), { vehicle: { ...unplated, conveyance: 'bicycle' } }).ok).toBe(true);
      const relaxed = manifestContext({ rules: withRules({ plateUnlessBicycle: { enabled: false } }) });
      expect(manifestWith(draft(), { vehicle: unplated }, relaxed).ok).toBe(true);
    });

    it('a missing tax payer, route or estimated times', () => {
      const bare = draft(draftBody({ taxPayer: undefined, plannedRoute: undefined, estimatedDeparture: undefined, estimatedArrival: undefined }));

      expect(pointersOf(manifestWith(bare))).toEqual(['/taxPayer', '/plannedRoute', '/estimatedDeparture', '/estimatedArrival']);
    });

    it('an estimated departure that has passed, beyond the clock skew', () => {
      // The draft departs at NOW + 60 min.
      expect(manifestWith(draft(), {}, manifestContext({ now: minutesAfter(65) })).ok).toBe(true);
      expect(problemsOf(manifestWith(draft(), {}, manifestContext({ now: minutesAfter(66) })))).toMatchObject([
        { pointer: '/estimatedDeparture', code: 'departure-in-past' },
      ]);
      const relaxed = withRules({ departureNotInPast: { enabled: false } });
      expect(manifestWith(draft(), {}, manifestContext({ now: minutesAfter(600), rules: relaxed })).ok).toBe(true);
    });

    it("tags in another format than the shipper's state system", () => {
      expect(pointersOf(manifestWith(draft(), { shipper: { ...shipper, stateSystem: 'metrc' } }))).toEqual(['/lines/0/tag', '/lines/1/tag']);
    });

    it('a wholesale line without a unit price', () => {
      // A draft saved while the rule was off is still checked when it is manifested.
      const body = draftBody({ lines: [line({ unitPrice: undefined })] });
      const lenient = { ...draft(), content: body };

      expect(pointersOf(manifestWith(lenient))).toEqual(['/lines/0/unitPrice']);
    });

    it('more packages than the configured limit', () => {
      const context = manifestContext({ rules: withRules({ maxLines: { enabled: true, max: 1 } }) });

      expect(problemsOf(manifestWith(draft(), {}, context))).toMatchObject([{ pointer: '/lines', code: 'too-many-lines' }]);
    });

    it('a shipper or receiver that lost access to the state system', () => {
      expect(problemsOf(manifestWith(draft(), { shipper: { ...shipper, stateAccessLost: true } }))).toEqual([
        {
          pointer: '',
          code: 'state-access-lost',
          message: 'The shipper has lost access to the state tracking system and may not send transfers until access returns',
        },
      ]);
      expect(problemsOf(manifestWith(draft(), { receiver: { ...receiver, stateAccessLost: true } }))).toEqual([
        {
          pointer: '/receiverPartnerId',
          code: 'state-access-lost',
          message: 'The receiver has lost access to the state tracking system and may not receive transfers until access returns',
        },
      ]);
    });

    it('every problem at once', () => {
      const bare = draft(draftBody({ driverIds: undefined, taxPayer: undefined }));

      expect(pointersOf(manifestWith(bare, { receiver: { ...shipper } }))).toEqual(['/receiverPartnerId', '/driverIds', '/taxPayer']);
    });
  });

  describe('from 2026, distributor to dispensary', () => {
    const notReady = draftBody({
      lines: [line({ finishedGoods: false }), line({ tag: biotrackTag(2), labTestStatus: 'pending' }), line({ tag: biotrackTag(3), labTestStatus: 'failed', finishedGoods: false })],
    });

    it('requires finished goods with a passed lab test', () => {
      expect(problemsOf(manifestWith(draft(notReady)))).toEqual([
        { pointer: '/lines/0/finishedGoods', code: 'finished-goods-required', message: 'A distributor may send a dispensary finished goods only' },
        { pointer: '/lines/1/labTestStatus', code: 'passed-lab-test-required', message: 'A distributor may send a dispensary only packages that passed their lab test' },
        { pointer: '/lines/2/finishedGoods', code: 'finished-goods-required', message: 'A distributor may send a dispensary finished goods only' },
        { pointer: '/lines/2/labTestStatus', code: 'passed-lab-test-required', message: 'A distributor may send a dispensary only packages that passed their lab test' },
      ]);
    });

    it('applies from its effective date only', () => {
      const rules = withRules({ finishedGoodsToDispensary: { ...defaultTransferRules.finishedGoodsToDispensary, effectiveFrom: '2026-04-01T00:00:00-04:00' } });

      expect(manifestWith(draft(notReady), {}, manifestContext({ rules })).ok).toBe(true);
    });

    it('applies to the configured license types only, and can be turned off', () => {
      const processor: PartySnapshot = { ...shipper, licenseNumber: 'OCM-PROC-26-000331-P1' };
      const lab: PartySnapshot = { ...receiver, licenseNumber: 'OCM-LAB-24-000007' };
      const off = withRules({ finishedGoodsToDispensary: { ...defaultTransferRules.finishedGoodsToDispensary, enabled: false } });

      expect(manifestWith(draft(notReady), { shipper: processor }).ok).toBe(true);
      expect(manifestWith(draft(notReady), { receiver: lab }).ok).toBe(true);
      expect(manifestWith(draft(notReady), { receiver: { ...receiver, licenseNumber: 'OCM-RETL-25-000900' } }).ok).toBe(false);
      expect(manifestWith(draft(notReady), {}, manifestContext({ rules: off })).ok).toBe(true);
    });
  });

  it('warns, without refusing, about a package over 100 lb', () => {
    const heavy = draftBody({
      type: 'transfer',
      lines: [
        line({ unit: 'lb', quantity: 100.001, netWeight: undefined, grossWeight: undefined, finishedGoods: true }),
        line({ tag: biotrackTag(2), grossWeight: { value: 46, unit: 'kg' } }),
        line({ tag: biotrackTag(3), unit: 'lb', quantity: 100, netWeight: undefined, grossWeight: undefined }),
      ],
    });
    const result = expectOk(manifestWith(draft(heavy)));

    expect(result.warnings.map((w) => [w.pointer, w.code])).toEqual([
      ['/lines/0/quantity', 'package-over-weight'],
      ['/lines/1/grossWeight', 'package-over-weight'],
    ]);
    expect(expectOk(manifestWith(draft(heavy), {}, manifestContext({ rules: withRules({ packageWeightWarning: { enabled: false, maxPounds: 100 } }) }))).warnings).toEqual([]);
  });

  it('takes metrc tags from a metrc shipper', () => {
    const body = draftBody({ lines: [line({ tag: metrcTag(1) })] });
    const metrcDraft = { ...draft(), content: body };

    expect(manifestWith(metrcDraft, { shipper: { ...shipper, stateSystem: 'metrc' } }).ok).toBe(true);
  });
});

describe('licensees', () => {
  it('read the type code of an OCM license number', () => {
    expect(licenseTypeOf('OCM-DIST-24-000114-DX1')).toBe('DIST');
    expect(licenseTypeOf('ocm-caurd-24-000321')).toBe('CAURD');
    expect(licenseTypeOf('not a license')).toBeUndefined();
  });

  it('are the same by tenant or by license number; another site is other premises', () => {
    expect(isSameLicensee(shipper, { ...receiver, licenseeId: shipper.licenseeId })).toBe(true);
    expect(isSameLicensee(shipper, { ...receiver, licenseNumber: shipper.licenseNumber })).toBe(true);
    expect(isSameLicensee(shipper, { ...receiver, licenseNumber: `${shipper.licenseNumber}-DX2` })).toBe(false);
    expect(isSameLicensee({ ...shipper, licenseeId: undefined }, { ...receiver, licenseeId: undefined })).toBe(false);
  });
});
