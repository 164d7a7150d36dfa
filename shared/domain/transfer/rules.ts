/**
 * The rules a transfer is checked against, as one configurable object. The domain doc
 * (docs/ny-transfers-and-manifests.md) marks which rules are New York law and which are state-system
 * bulletins, practice or inferred; every rule here is on by default and `ruleBasis` records its source
 * so an operator can tell which ones may be relaxed. Hard law (shipper ≠ receiver, drivers and vehicle
 * on board, tax payer on the manifest) is not configurable and does not appear here.
 */
export type RuleBasis = 'regulation' | 'state-system' | 'practice' | 'inferred';

export interface TransferRules {
  /** A received quantity may differ from the shipped one by at most `threshold` (a fraction), with confirmation. */
  readonly receivingVariance: { readonly enabled: boolean; readonly threshold: number };
  /** How far the clocks of clients and the hub may disagree, for every time a client sends. */
  readonly clockSkewMs: number;
  /** Estimated departure must not be before the time of manifesting (less the clock skew). */
  readonly departureNotInPast: { readonly enabled: boolean };
  /** Packages per transfer. The request schemas cap lines at 1000 as well, so `max` can lower the cap, not raise it. */
  readonly maxLines: { readonly enabled: boolean; readonly max: number };
  /**
   * From `effectiveFrom`, a shipper of one of `shipperLicenseTypes` may send a receiver of one of
   * `receiverLicenseTypes` only finished goods with a passed lab test. Types are OCM license type codes.
   */
  readonly finishedGoodsToDispensary: {
    readonly enabled: boolean;
    /** ISO-8601 instant with offset; compared with the time of manifesting. */
    readonly effectiveFrom: string;
    readonly shipperLicenseTypes: readonly string[];
    readonly receiverLicenseTypes: readonly string[];
  };
  /** One package tag covers one container of about 100 lb at most: warn, never refuse. */
  readonly packageWeightWarning: { readonly enabled: boolean; readonly maxPounds: number };
  readonly wholesaleUnitPrice: { readonly enabled: boolean };
  readonly plateUnlessBicycle: { readonly enabled: boolean };
  /**
   * While the state system refuses the manifest, the shipment may not depart (409 `state-refused`);
   * disabled, departure goes ahead with a warning.
   */
  readonly noDepartureWhileStateRefuses: { readonly enabled: boolean };
}

export const defaultTransferRules: TransferRules = {
  receivingVariance: { enabled: true, threshold: 0.05 },
  clockSkewMs: 5 * 60 * 1000,
  departureNotInPast: { enabled: true },
  maxLines: { enabled: true, max: 1000 },
  finishedGoodsToDispensary: {
    enabled: true,
    // Midnight in New York.
    effectiveFrom: '2026-01-01T00:00:00-05:00',
    shipperLicenseTypes: ['DIST'],
    receiverLicenseTypes: ['RETL', 'CAURD'],
  },
  packageWeightWarning: { enabled: true, maxPounds: 100 },
  wholesaleUnitPrice: { enabled: true },
  plateUnlessBicycle: { enabled: true },
  noDepartureWhileStateRefuses: { enabled: true },
};

export const ruleBasis: Readonly<Record<keyof TransferRules, RuleBasis>> = {
  // Metrc NY bulletin, 2026.
  receivingVariance: 'state-system',
  // The doc asks for "a small clock skew"; five minutes is ours.
  clockSkewMs: 'inferred',
  departureNotInPast: 'practice',
  // The state model's limit per transfer.
  maxLines: 'state-system',
  // Metrc NY, 2026.
  finishedGoodsToDispensary: 'state-system',
  packageWeightWarning: 'practice',
  // Numbered invoices (Cannabis Law §84) imply a price; the doc names no explicit rule.
  wholesaleUnitPrice: 'inferred',
  // 9 NYCRR 125.10(e).
  plateUnlessBicycle: 'regulation',
  // A load the state has no manifest for would travel unreported.
  noDepartureWhileStateRefuses: 'practice',
};
