/** BioTrack's NY-API adapter keeps the state-system contract, against its own strict emulator. */
import { biotrackCapabilities } from '#shared/state-system/biotrack/capabilities.ts';
import { report, SHIPPER, TAGS, useBioTrackEmulator } from '../../../support/biotrack-world.ts';
import { memoryConnectionStore } from '../../../support/state-connections.ts';
import { adapterContract } from './adapter-contract.ts';

const { control, connected, receiverOf, adapterFor } = useBioTrackEmulator();
const QUANTITY = 20;

adapterContract('BioTrack', {
  async world() {
    // Enough of each package for a receipt 5% short.
    await control('POST', '/_emulator/seed', {
      licensees: [{ LocationLicense: SHIPPER, UBI: 'UBI-1', Name: 'Shipper', inventory: TAGS.map((ID) => ({ ID, ProductName: 'Flower', UOM: 'each', RemainingAmount: QUANTITY })) }],
    });
    const world = await connected(memoryConnectionStore());
    const receiver = await receiverOf(world.store);
    const adapter = adapterFor(world);
    return {
      adapter,
      capabilities: biotrackCapabilities,
      shipper: world.account,
      receiver,
      tags: TAGS,
      quantity: QUANTITY,
      manifest: (submissionKey) => ({ ...report(submissionKey), lines: TAGS.map((tag) => ({ tag, quantity: QUANTITY, unit: 'each' as const, unitPrice: 5 })) }),
      manifestsAtState: async () => ((await control('GET', '/_emulator/state'))['manifests'] as unknown[]).length,
      async loseNextManifestAnswer() {
        await control('PUT', '/_emulator/faults', { rules: [{ route: 'POST /v1/manifest', rateCommitThenDrop: 1, times: 1 }] });
      },
      async failNextCall() {
        await control('PUT', '/_emulator/faults', { rules: [{ route: '*', rate5xx: 1, times: 1 }] });
      },
      async revokeShipper() {
        // The 100 days of consent run out.
        world.now = new Date(world.now.getTime() + 101 * 86_400_000);
        await control('PUT', '/_emulator/clock', { advanceDays: 101 });
      },
      person: async () => {
        throw new Error('BioTrack leaves no step to a person');
      },
      async deliver(refs, submissionKey) {
        const shipped = { ...refs, ...(await adapter.reportShipment(world.account, refs, `${submissionKey}-ship`)) };
        await adapter.reportArrival(world.account, shipped, `${submissionKey}-arrive`);
        return shipped;
      },
      async receiveAtState(refs, packages) {
        await adapter.reportReceipt(receiver, refs, { submissionKey: `receipt-${Date.now()}`, lines: packages });
      },
    };
  },
});

