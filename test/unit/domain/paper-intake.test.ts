import { describe, expect, it } from 'vitest';
import { packageTagFormatOf } from '#shared/state-system/capabilities.ts';
import * as z from 'zod';
import { submissionId } from '#shared/domain/submission/submission.ts';
import { submissionsOwed } from '#shared/submissions/planning.ts';
import { NOT_ON_PAPER, jsonPointer, paperManifestBody, payloadHash, takeInPaperManifest } from '#shared/domain/transfer/index.ts';
import type { PaperManifestBody, PartySnapshot } from '#shared/domain/transfer/index.ts';
import { NOW, biotrackTag, expectOk, metrcTag, minutesAfter, pointersOf, problemsOf, receiveContext, receiver, receiverActor, withRules } from './fixtures.ts';

const integratedReceiver: PartySnapshot = { ...receiver, stateSystem: 'biotrack-ny' };
const [first, second, third] = [biotrackTag(1), biotrackTag(2), biotrackTag(3)];
type IntakeLine = PaperManifestBody['lines'][number];

const shipped = (tag: string, quantity: number, unit: IntakeLine['unit'] = 'each') => ({ tag, productName: `Package ${tag.slice(-1)}`, quantity, unit });
const accepted = (tag: string, quantity: number, extra: Partial<Extract<IntakeLine, { outcome: 'accepted' }>> = {}): IntakeLine => ({
  ...shipped(tag, quantity, extra.unit),
  outcome: 'accepted',
  ...extra,
});
const rejected = (tag: string, quantity: number, reason: 'damaged' | 'other' = 'damaged', note?: string): IntakeLine => ({
  ...shipped(tag, quantity),
  outcome: 'rejected',
  reason,
  ...(note === undefined ? {} : { note }),
});

/** What the paper says, with a whole accepted line, a 100 g line to try variances on, and a rejected line. */
const paper = (overrides: Partial<PaperManifestBody> = {}): PaperManifestBody => ({
  shipperLicenseNumber: 'OCM-MICR-25-000207',
  shipperName: 'Catskill Craft Microbusiness LLC',
  manifestNumber: 'CC-2026-0117',
  departedAt: minutesAfter(-120).toISOString(),
  arrivedAt: minutesAfter(-30).toISOString(),
  driverNames: ['Rosa Diaz'],
  receivedBy: { name: 'Kai Jensen', title: 'Receiver' },
  lines: [accepted(first, 20), accepted(second, 100, { unit: 'g', acceptedQuantity: 97, confirmVariance: true }), rejected(third, 12, 'other', 'Crushed box')],
  ...overrides,
});

const takeIn = (body: PaperManifestBody = paper(), overrides: Parameters<typeof receiveContext>[1] = {}, party: PartySnapshot = integratedReceiver) =>
  takeInPaperManifest({ id: 'tr-paper', receiver: party, body }, { ...receiveContext(NOW, overrides), receiverTags: packageTagFormatOf(party.stateSystem) });

/** The second line of the default paper with another answer. */
const withSecond = (answer: Partial<Extract<IntakeLine, { outcome: 'accepted' }>>) => {
  const [one, , three] = paper().lines;
  if (!one || !three) throw new Error('fixture');
  return paper({ lines: [one, accepted(second, 100, { unit: 'g', ...answer }), three] });
};

describe('taking in a paper manifest', () => {
  it('records the transfer as the paper has it, arrived, then received by the same rules as any receipt', () => {
    const body = paper();
    const { recorded, received } = expectOk(takeIn(body));

    expect(recorded.transfer).toMatchObject({
      id: 'tr-paper',
      shipperId: 'paper:OCM-MICR-25-000207',
      status: 'ARRIVED',
      version: 1,
      departedAt: body.departedAt,
      arrivedAt: body.arrivedAt,
      origin: { kind: 'paper-manifest', manifestNumber: 'CC-2026-0117', shipperLicenseNumber: 'OCM-MICR-25-000207', recordedAt: NOW.toISOString() },
    });
    const manifest = recorded.transfer.manifest;
    expect(manifest?.number).toBe('CC-2026-0117');
    expect(manifest?.parties.receiver).toEqual(integratedReceiver);
    expect(manifest?.parties.shipper).toMatchObject({ legalName: 'Catskill Craft Microbusiness LLC', licenseNumber: 'OCM-MICR-25-000207', phone: NOT_ON_PAPER, stateSystem: 'none' });
    expect(manifest?.parties.drivers).toEqual([
      { driverId: 'paper-driver-1', name: 'Rosa Diaz', employeeId: NOT_ON_PAPER, driversLicenseNumber: NOT_ON_PAPER, driversLicenseState: NOT_ON_PAPER, phone: NOT_ON_PAPER },
    ]);
    expect(recorded.transfer.content.lines[1]).toEqual({
      tag: second,
      productName: 'Package 2',
      category: NOT_ON_PAPER,
      productionBatch: NOT_ON_PAPER,
      quantity: 100,
      unit: 'g',
      labTestStatus: 'not-required',
      finishedGoods: false,
      sample: false,
    });
    expect(recorded.event).toMatchObject({ sequence: 1, action: 'create', from: null, to: 'ARRIVED', actor: receiverActor, payloadHash: payloadHash(body) });
    expect(recorded.event.summary).toBe('Recorded from paper manifest CC-2026-0117 of Catskill Craft Microbusiness LLC, 3 packages');

    expect(received.transfer.status).toBe('PARTIALLY_ACCEPTED');
    expect(received.transfer.version).toBe(2);
    expect(received.transfer.receipt).toEqual({
      at: NOW.toISOString(),
      receivedBy: { name: 'Kai Jensen', title: 'Receiver' },
      lines: [
        // Without acceptedQuantity, the quantity shipped.
        { tag: first, outcome: 'accepted', unit: 'each', shippedQuantity: 20, acceptedQuantity: 20, varianceConfirmed: false },
        { tag: second, outcome: 'accepted', unit: 'g', shippedQuantity: 100, acceptedQuantity: 97, varianceConfirmed: true },
        { tag: third, outcome: 'rejected', unit: 'each', shippedQuantity: 12, reason: 'other', note: 'Crushed box' },
      ],
    });
    expect(received.event).toMatchObject({ sequence: 2, action: 'receive', from: 'ARRIVED', to: 'PARTIALLY_ACCEPTED', summary: 'Received: 2 accepted, 1 rejected' });
  });

  it('ends ACCEPTED when every package is accepted and REJECTED when none is', () => {
    expect(expectOk(takeIn(paper({ lines: [accepted(first, 20), accepted(second, 4)] }))).received.transfer.status).toBe('ACCEPTED');
    expect(expectOk(takeIn(paper({ lines: [rejected(first, 20), rejected(second, 4, 'damaged')] }))).received.transfer.status).toBe('REJECTED');
  });

  it('marks what the paper does not say instead of guessing: no departure, no drivers, no address', () => {
    const { departedAt: _d, arrivedAt: _a, driverNames: _n, ...bare } = paper();
    const { received } = expectOk(takeIn(bare));

    expect(received.transfer.departedAt).toBeUndefined();
    expect(received.transfer.arrivedAt).toBe(NOW.toISOString());
    expect(received.transfer.manifest?.parties.drivers).toEqual([]);
    expect(received.transfer.manifest?.parties.shipper.premisesAddress).toEqual({ street: NOT_ON_PAPER, city: NOT_ON_PAPER, state: 'NY', zip: '00000' });
  });

  describe('variance, as on the API receipt', () => {
    it('up to 5% needs confirmation, at the pointer of the paper’s line', () => {
      expect(problemsOf(takeIn(withSecond({ acceptedQuantity: 97 })))).toEqual([
        {
          pointer: '/lines/1/confirmVariance',
          code: 'variance-unconfirmed',
          message: 'Received 97 g of 100 g shipped (3% off): send confirmVariance: true to accept a quantity other than the one shipped',
        },
      ]);
      expect(takeIn(withSecond({ acceptedQuantity: 95, confirmVariance: true })).ok).toBe(true);
    });

    it('above 5% is refused even when confirmed', () => {
      expect(problemsOf(takeIn(withSecond({ acceptedQuantity: 94.9, confirmVariance: true })))).toMatchObject([
        { pointer: '/lines/1/acceptedQuantity', code: 'variance-too-large' },
      ]);
    });

    it('follows the configured threshold', () => {
      const strict = withRules({ receivingVariance: { enabled: true, threshold: 0.02 } });
      expect(pointersOf(takeIn(withSecond({ acceptedQuantity: 97, confirmVariance: true }), { rules: strict }))).toEqual(['/lines/1/acceptedQuantity']);
    });

    it('refuses a fractional count at the accepted quantity', () => {
      expect(problemsOf(takeIn(paper({ lines: [accepted(first, 20, { acceptedQuantity: 19.5, confirmVariance: true })] })))).toMatchObject([
        { pointer: '/lines/0/acceptedQuantity', code: 'fractional-each' },
      ]);
    });
  });

  it('refuses tags that are not the receiver’s state system’s, naming every problem in one answer', () => {
    const body = paper({ lines: [accepted(metrcTag(1), 20), accepted(second, 100, { unit: 'g', acceptedQuantity: 90, confirmVariance: true })] });

    expect(problemsOf(takeIn(body))).toEqual([
      { pointer: '/lines/0/tag', code: 'tag-format', message: "The receiver's state system expects a BioTrack package tag: 16 digits" },
      expect.objectContaining({ pointer: '/lines/1/acceptedQuantity', code: 'variance-too-large' }),
    ]);
    expect(takeIn(body, {}, { ...integratedReceiver, stateSystem: 'metrc' }).ok).toBe(false);
    expect(takeIn(paper({ lines: [accepted(metrcTag(1), 20)] }), {}, { ...integratedReceiver, stateSystem: 'metrc' }).ok).toBe(true);
  });

  it('refuses the receiver as its own shipper, and times the paper cannot have', () => {
    expect(problemsOf(takeIn(paper({ shipperLicenseNumber: receiver.licenseNumber })))).toMatchObject([{ pointer: '/shipperLicenseNumber', code: 'shipper-is-receiver' }]);
    expect(problemsOf(takeIn(paper({ arrivedAt: minutesAfter(60).toISOString() })))).toMatchObject([{ pointer: '/arrivedAt', code: 'time-in-future' }]);
    expect(problemsOf(takeIn(paper({ departedAt: minutesAfter(-10).toISOString() })))).toMatchObject([{ pointer: '/arrivedAt', code: 'time-out-of-order' }]);
    expect(problemsOf(takeIn(paper({ departedAt: minutesAfter(30).toISOString() })))).toMatchObject([{ pointer: '/departedAt', code: 'time-in-future' }]);
  });

  it('an arrival a little ahead of the hub’s clock is taken as now, so the receipt never precedes it', () => {
    const { received } = expectOk(takeIn(paper({ arrivedAt: minutesAfter(2).toISOString() })));
    expect(received.transfer.arrivedAt).toBe(NOW.toISOString());
  });

  it('refuses a receiver that lost access to the state system (the receipt rule)', () => {
    expect(problemsOf(takeIn(paper(), { receiverStateAccessLost: true }))).toMatchObject([{ pointer: '', code: 'state-access-lost' }]);
  });

  it('owes the state system one intake, reported by the integrated receiver, and no receipt', () => {
    const { recorded, received } = expectOk(takeIn());

    expect(submissionsOwed(recorded)).toEqual([]);
    expect(submissionsOwed(received)).toEqual([
      expect.objectContaining({
        id: submissionId('tr-paper', 2, 'intake'),
        step: 'intake',
        sequence: 2,
        licenseeId: receiverActor.licenseeId,
        actingApiKeyId: receiverActor.apiKeyId,
        system: 'biotrack-ny',
        status: 'pending',
      }),
    ]);
    expect(submissionsOwed(expectOk(takeIn(paper(), {}, receiver)).received)).toEqual([]);
  });
});

describe('paperManifestBody', () => {
  const body = () => JSON.parse(JSON.stringify(paper())) as Record<string, unknown>;
  const issues = (input: unknown) => {
    const result = paperManifestBody.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => jsonPointer(issue.path as (string | number)[]));
  };

  it('accepts the paper, normalizing the license number and trimming the manifest number', () => {
    const parsed = paperManifestBody.parse({ ...body(), shipperLicenseNumber: ' ocm micr 25 000207 ', manifestNumber: '  CC-2026-0117 ' });
    expect(parsed.shipperLicenseNumber).toBe('OCM-MICR-25-000207');
    expect(parsed.manifestNumber).toBe('CC-2026-0117');
  });

  it('points at every field it refuses', () => {
    expect(issues({ ...body(), shipperLicenseNumber: 'MICR-000207' })).toEqual(['/shipperLicenseNumber']);
    expect(issues({ ...body(), manifestNumber: '   ' })).toEqual(['/manifestNumber']);
    expect(issues({ ...body(), manifestNumber: 'x'.repeat(65) })).toEqual(['/manifestNumber']);
    expect(issues({ ...body(), arrivedAt: '2026-03-02 09:00' })).toEqual(['/arrivedAt']);
    expect(issues({ ...body(), carrier: 'unknown' })).toEqual(['']);
    const { receivedBy: _r, ...withoutReceiver } = body();
    expect(issues(withoutReceiver)).toEqual(['/receivedBy']);
    expect(issues({ ...body(), lines: [] })).toEqual(['/lines']);
  });

  it('checks each line as a transfer line and a receipt answer', () => {
    const lines = (...given: unknown[]) => issues({ ...body(), lines: given });
    expect(lines({ ...accepted(first, 2.5) })).toEqual(['/lines/0/quantity']);
    expect(lines({ ...accepted(first, 2), unit: 'bushel' })).toEqual(['/lines/0/unit']);
    expect(lines({ ...accepted(first, 2), tag: '123' })).toEqual(['/lines/0/tag']);
    expect(lines({ ...accepted(first, 2), productName: undefined })).toEqual(['/lines/0/productName']);
    expect(lines({ ...rejected(first, 2), reason: 'smells' })).toEqual(['/lines/0/reason']);
    expect(lines({ ...rejected(first, 2, 'other') })).toEqual(['/lines/0/note']);
    expect(lines({ ...accepted(first, 2), reason: 'damaged' })).toEqual(['/lines/0']);
    expect(lines(accepted(first, 2), accepted(first, 3))).toEqual(['/lines/1/tag']);
  });

  it('is published with its own schema id', () => {
    expect(z.globalRegistry.get(paperManifestBody)?.id).toBe('PaperManifestIntake');
  });
});
