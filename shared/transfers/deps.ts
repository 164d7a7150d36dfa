/** What the transfer use-cases are given: the repositories, the licensee directory, the rules and the adapters they call. */
import type { StateManifestDeps } from './state-manifest.ts';
import type { PartySnapshot, StateSystem, TransferEvent, TransferRules } from '../domain/transfer/index.ts';
import type { RegistryRepository } from '../registries/repository.ts';
import type { ManifestFiles } from '../manifests/files.ts';
import type { OutboxDeps } from '../submissions/outbox.ts';
import type { ReceiptLinkSettings } from '../receipt-links/tokens.ts';
import type { ReceiptFiles } from '../receipt-links/uploads.ts';
import type { TransferRepository } from './transfer-repository.ts';
import type { StoredTransfer } from './stored-transfer.ts';
import type { StateChecks } from './preflight.ts';
import type { DiscrepancyStore } from '../reconciliation/discrepancies.ts';

/** A licensee as the transfers need it; provided by the tenants module. */
export interface LicenseeProfile {
  readonly id: string;
  readonly licenseNumber: string;
  readonly legalName: string;
  readonly dba?: string;
  readonly premisesAddress: PartySnapshot['premisesAddress'];
  readonly phone: string;
  readonly stateSystem: StateSystem;
  readonly stateAccessLost: boolean;
}

export interface LicenseeDirectory {
  get(licenseeId: string): Promise<LicenseeProfile | undefined>;
  findByLicenseNumber(licenseNumber: string): Promise<LicenseeProfile | undefined>;
}

export interface TransferDeps {
  readonly transfers: TransferRepository<StoredTransfer, TransferEvent>;
  readonly registries: RegistryRepository;
  readonly licensees: LicenseeDirectory;
  readonly rules: TransferRules;
  /** The state system a partner that says it is integrated reports to, when it is not a tenant. */
  readonly defaultStateSystem: StateSystem;
  /** Renders and stores the PDF of every manifest version issued. */
  readonly manifests: ManifestFiles;
  /** Where committed state-system submissions go next. */
  readonly outbox: Omit<OutboxDeps, 'now'>;
  /** Receipt links for receivers that are not integrated. */
  readonly receiptLinks: ReceiptLinkSettings;
  /** Signatures and photos of receipts, for the receipt PDF. */
  readonly receiptFiles: ReceiptFiles;
  /** Where the state system sees a transfer differently; absent: the view counts them without listing. */
  readonly discrepancies?: Pick<DiscrepancyStore, 'ofTransfer' | 'stateReceipt'>;
  /** The state system's word on the lines before a manifest is numbered; absent: no pre-flight. */
  readonly stateChecks?: StateChecks;
  /** The state system's own manifest documents, fetched once and kept; absent: none offered. */
  readonly stateManifests?: StateManifestDeps;
  readonly now: () => Date;
}
