/**
 * What a state system shows about a transfer, in the hub's terms: the reconciler reads it back
 * (a person registered, departed, received or voided it there) and hands it to the domain, which
 * decides what it means for the transfer. Every system's adapter speaks these; none of them is a
 * system's own word.
 */
import type { Unit } from '../transfer/quantities.ts';

/** One package as the state system shows it received. */
export interface ObservedPackage {
  readonly tag: string;
  readonly accepted: boolean;
  /** What the receiver took in (0 when rejected). */
  readonly receivedQuantity: number;
  readonly unit?: Unit;
  readonly rejectReason?: string;
}

/** One package as the state system shows it shipped (on a registration or after a person's edit). */
export interface ObservedLine {
  readonly tag: string;
  readonly quantity: number;
  readonly unit?: Unit;
}

export type StateObservation =
  /** A person registered the hub's report there; the state issued its manifest number. */
  | {
      readonly kind: 'registered';
      readonly at?: string;
      readonly manifestNumber: string;
      readonly receiverLicenseNumber?: string;
      readonly lines?: readonly ObservedLine[];
    }
  | { readonly kind: 'departed'; readonly at?: string }
  | { readonly kind: 'arrived'; readonly at?: string }
  /** The receipt as the state system recorded it, package by package. */
  | { readonly kind: 'received'; readonly at?: string; readonly packages: readonly ObservedPackage[] }
  | { readonly kind: 'voided'; readonly at?: string }
  /** The shipper took the rejected packages back into its stock there. */
  | { readonly kind: 'taken-back'; readonly at?: string }
  /** Someone changed the transfer at the state after it was reported. */
  | { readonly kind: 'edited'; readonly at?: string; readonly receiverLicenseNumber?: string; readonly lines?: readonly ObservedLine[] };
