/**
 * Pre-flight: before a manifest is numbered, its packages are checked against the shipper's
 * inventory at the state system (where the adapter can: BioTrack looks each package up), so the
 * common refusals (a package the state does not hold for this license, another unit, less than
 * shipped) are a 422 at the line, and never a manifest number the state then refuses.
 */
import type { FieldProblem, StateSystem, Transfer } from '../domain/transfer/index.ts';
import type { StateAccounts } from '../submissions/deliver.ts';
import type { StateTrackingSystem } from '../state-system/port.ts';

export interface StateChecks {
  /** Problems the state system's records show with the shipper's lines; none when it cannot tell. */
  linesOf(shipperId: string, transfer: Pick<Transfer, 'content'>): Promise<FieldProblem[]>;
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
      const checks = await system.checkLines(
        account,
        transfer.content.lines.map((line) => ({ tag: line.tag, quantity: line.quantity, unit: line.unit, unitPrice: line.unitPrice ?? 0 })),
      );
      return checks.map((check) => ({ pointer: `/lines/${check.line}/${check.field}`, code: check.code, message: check.message }));
    },
  };
}
