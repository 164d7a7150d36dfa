/**
 * Pre-flight: before a manifest is numbered, its packages are checked against the shipper's
 * inventory at the state system (where the adapter can: BioTrack looks each package up), so the
 * common refusals (a package the state does not hold for this license, another unit, less than
 * shipped) are a 422 at the line, and never a manifest number the state then refuses.
 */
import { licenseTypeOf } from '../domain/transfer/index.ts';
import type { FieldProblem, StateSystem, Transfer } from '../domain/transfer/index.ts';
import type { StateAccounts } from '../submissions/deliver.ts';
import type { StateTrackingSystem } from '../state-system/port.ts';

export interface StateChecks {
  /**
   * Problems the state system's records show with the shipper's lines (and with what its terms ask
   * of this kind of shipment); none when it cannot tell. The manifest's parties, once the domain
   * has snapshotted them, say which kind of shipment it is.
   */
  linesOf(shipperId: string, transfer: Pick<Transfer, 'content' | 'manifest'>): Promise<FieldProblem[]>;
}

export function createStateChecks(deps: {
  readonly accounts: Pick<StateAccounts, 'account'>;
  readonly systems: Partial<Record<StateSystem, StateTrackingSystem>>;
}): StateChecks {
  return {
    async linesOf(shipperId, transfer) {
      const account = await deps.accounts.account(shipperId);
      const system = account ? deps.systems[account.system] : undefined;
      if (!account || !system) return [];
      const parties = transfer.manifest?.parties;
      const shipperLicenseType = parties && licenseTypeOf(parties.shipper.licenseNumber);
      const receiverLicenseType = parties && licenseTypeOf(parties.receiver.licenseNumber);
      const vehicle = parties?.vehicle;
      const checks = await system.checkLines(
        account,
        transfer.content.lines.map((line) => ({ tag: line.tag, quantity: line.quantity, unit: line.unit, unitPrice: line.unitPrice ?? 0 })),
        {
          ...(shipperLicenseType ? { shipperLicenseType } : {}),
          ...(receiverLicenseType ? { receiverLicenseType } : {}),
          ...(vehicle ? { vehicle: { ...(vehicle.plate ? { plate: vehicle.plate } : {}), ...(vehicle.vin ? { vin: vehicle.vin } : {}) } } : {}),
        },
      );
      return checks.map((check) => ({
        pointer: check.line !== undefined ? `/lines/${check.line}/${check.field}` : check.field === '' ? '' : `/${check.field}`,
        code: check.code,
        message: check.message,
      }));
    },
  };
}
