/**
 * Drivers and vehicles as a state system keeps them on a license's transporter list, in the hub's
 * words: the fields both sides hold, and the state system's own id of each (`ref`, opaque to the
 * hub). An adapter whose system keeps such a list offers `transporters` on the port.
 */
import type { StateAccount } from './port.ts';

export interface TransporterFields {
  readonly driver: { readonly name: string; readonly employeeId: string; readonly driversLicenseNumber: string };
  readonly vehicle: { readonly make: string; readonly model: string; readonly plate: string };
}
export type TransporterKind = keyof TransporterFields;

export interface StateTransporter<K extends TransporterKind> {
  /** The state system's id, as text; the hub stores it and hands it back, never reads inside it. */
  readonly ref: string;
  readonly fields: TransporterFields[K];
}

export interface StateTransporters {
  /** Every active one at the license (the whole list: the state system keeps no change window for them). */
  list<K extends TransporterKind>(account: StateAccount, kind: K): Promise<StateTransporter<K>[]>;
  /** Returns the new one's ref. */
  create<K extends TransporterKind>(account: StateAccount, kind: K, fields: TransporterFields[K]): Promise<string>;
  update<K extends TransporterKind>(account: StateAccount, kind: K, ref: string, fields: TransporterFields[K]): Promise<void>;
}
