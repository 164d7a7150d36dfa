/**
 * Where a transfer's receipt must be recorded by a person in a state system's own app (Metrc's:
 * the receiver receives it there, whatever the hub recorded), in that system's words: its name and
 * the menu path. The rest of the hub (the receiving sheet, the receipt link's page and PDF) asks
 * here, never naming a system.
 */
import type { Transfer } from '../domain/transfer/index.ts';
import { noStateSystem } from '../domain/transfer/index.ts';
import { capabilitiesOf, isKnownStateSystem, metrcSystem } from './capabilities.ts';
import type { KnownStateSystem } from './capabilities.ts';
import { metrcReceivingMenu } from './metrc/receiving.ts';

export interface ReceivingPlace {
  readonly system: KnownStateSystem;
  /** The state system's name, as people know it. */
  readonly displayName: string;
  readonly menuPath: readonly string[];
}

const menus: Partial<Record<KnownStateSystem, readonly string[]>> = { [metrcSystem]: metrcReceivingMenu };

/** The system that records the receipt (the receiver's, else the shipper's), when a person must record it there. */
export function receivingPlaceOf(transfer: Pick<Transfer, 'manifest'>): ReceivingPlace | undefined {
  const parties = transfer.manifest?.parties;
  if (!parties) return undefined;
  const system = parties.receiver.stateSystem !== noStateSystem ? parties.receiver.stateSystem : parties.shipper.stateSystem;
  if (!isKnownStateSystem(system)) return undefined;
  const capabilities = capabilitiesOf(system);
  const menuPath = menus[system];
  if (!capabilities.byPerson.includes('receive') || !menuPath) return undefined;
  return { system, displayName: capabilities.displayName, menuPath };
}
