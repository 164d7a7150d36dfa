/**
 * The Metrc adapter keeps the state-system contract, against the strict Metrc emulator (strict 24 h
 * windows, rate limits on): the person's registration and the receiver's receipt are played through
 * the emulator's web-app routes, as a person does them in Metrc.
 */
import { metrcCapabilities } from '#shared/state-system/metrc/capabilities.ts';
import { metrcRefs } from '#shared/state-system/metrc/refs.ts';
import { useMetrcWorld } from './metrc-world.ts';
import { adapterContract } from './adapter-contract.ts';

const { world } = useMetrcWorld();

adapterContract('Metrc', {
  async world() {
    const w = await world();
    return {
      adapter: w.adapter,
      capabilities: metrcCapabilities,
      shipper: w.shipper,
      receiver: w.receiver,
      tags: w.tags,
      quantity: w.quantity,
      manifest: w.manifest,
      manifestsAtState: w.templatesAtState,
      loseNextManifestAnswer: () => w.faults([{ route: 'POST /transfers/v2/templates/outgoing', rateCommitThenDrop: 1, times: 1 }]),
      failNextCall: () => w.faults([{ route: '*', rate5xx: 1, times: 1 }]),
      revokeShipper: () => w.revokeShipper(),
      async person(_step, refs, task) {
        const { templateId, templateName } = metrcRefs(refs);
        if (templateId === undefined || templateName !== task.resultKey) throw new Error(`no template named ${task.resultKey} in the refs`);
        await w.register(templateId);
      },
      async deliver(refs, transferId) {
        const registered = await w.observedRefs(transferId, refs);
        const { transferId: id, deliveryIds } = metrcRefs(registered);
        await w.ui('/ui/depart', { transferId: id });
        await w.ui('/ui/arrive', { deliveryId: deliveryIds?.[0] });
        return registered;
      },
      receiveAtState: (refs, packages) => w.receive(refs, packages),
    };
  },
});
