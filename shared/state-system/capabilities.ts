/**
 * Each state system's capabilities, by the name a tenant record gives its adapter. The domain
 * reads them through its contexts and never sees a system's name.
 */
import type { StateSystem, Transfer, TransferCapabilities } from '../domain/transfer/index.ts';
import { hubLifecycle } from '../domain/transfer/index.ts';
import { biotrackCapabilities } from './biotrack/capabilities.ts';
import { metrcCapabilities } from './metrc/capabilities.ts';
import type { StateSystemCapabilities } from './port.ts';

export const capabilities: Readonly<Record<Exclude<StateSystem, 'none'>, StateSystemCapabilities>> = {
  'biotrack-ny': biotrackCapabilities,
  metrc: metrcCapabilities,
};

/** A licensee without a state system follows the hub's own lifecycle. */
export const transferCapabilitiesOf = (system: StateSystem): TransferCapabilities => (system === 'none' ? hubLifecycle : capabilities[system]);

/**
 * Whose rules a receipt follows: the receiver's state system when it reports the receipt, else
 * the shipper's (which recorded the shipment).
 */
export function receiptCapabilities(transfer: Pick<Transfer, 'manifest'>): TransferCapabilities {
  const parties = transfer.manifest?.parties;
  if (!parties) return hubLifecycle;
  return transferCapabilitiesOf(parties.receiver.stateSystem !== 'none' ? parties.receiver.stateSystem : parties.shipper.stateSystem);
}
