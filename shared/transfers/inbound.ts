/**
 * The inbound pull: asks the state system for the transfers addressed to an integrated tenant
 * that are new or changed since the last pull (the adapter's checkpoint, kept per licensee), and
 * records those the hub does not know yet (another licensee's system shipped them), so they
 * appear in the receiver's incoming list and can be received through the hub. A transfer already
 * recorded only follows its arrival. Running twice records nothing twice: the state transfer's
 * lookup item is written with the transfer, on the condition that it is new. The checkpoint moves
 * on only once everything the pull returned is recorded.
 */
import { ulid } from 'ulid';
import * as domain from '../domain/transfer/index.ts';
import type { TransferEvent } from '../domain/transfer/index.ts';
import { logger } from '../observability.ts';
import type { StateAccounts } from '../submissions/deliver.ts';
import type { SubmissionRepository } from '../submissions/repository.ts';
import { stateTransferItems } from '../submissions/repository.ts';
import type { InboundCheckpoints } from '../state-system/inbound-checkpoints.ts';
import type { InboundTransfer, StateTrackingSystem } from '../state-system/port.ts';
import { DuplicateError } from './repository.ts';
import type { TransferRepository } from './repository.ts';
import type { LicenseeDirectory, StoredTransfer } from './use-cases.ts';
import { toStored } from './use-cases.ts';

export interface InboundDeps {
  readonly transfers: TransferRepository<StoredTransfer, TransferEvent>;
  readonly submissions: Pick<SubmissionRepository, 'transferOfStateTransfer'>;
  readonly licensees: LicenseeDirectory;
  readonly accounts: StateAccounts;
  readonly systems: Partial<Record<'biotrack-ny' | 'metrc', StateTrackingSystem>>;
  readonly checkpoints: InboundCheckpoints;
  readonly now: () => Date;
}

export interface PullResult {
  readonly imported: number;
  readonly arrived: number;
  /** Items the state system could not answer for this time; the next pull tries them again. */
  readonly skipped: number;
}

const actor = (licenseeId: string) => ({ licenseeId, apiKeyId: 'inbound-pull' });

export async function pullInbound(deps: InboundDeps, licenseeId: string): Promise<PullResult> {
  const account = await deps.accounts.account(licenseeId);
  const system = account ? deps.systems[account.system] : undefined;
  const receiver = await deps.licensees.get(licenseeId);
  if (!account || !system || !receiver) return { imported: 0, arrived: 0, skipped: 0 };
  let imported = 0;
  let arrived = 0;
  const pull = await system.listInbound(account, await deps.checkpoints.get(licenseeId, account.system));
  for (const inbound of pull.transfers) {
    const known = await deps.submissions.transferOfStateTransfer(account.system, inbound.inventoryTransferId);
    if (known) {
      if (await followArrival(deps, known, inbound, licenseeId)) arrived += 1;
      continue;
    }
    const change = domain.importInbound(
      {
        id: ulid(),
        receiver: {
          licenseeId: receiver.id,
          legalName: receiver.legalName,
          ...(receiver.dba ? { dba: receiver.dba } : {}),
          licenseNumber: receiver.licenseNumber,
          premisesAddress: receiver.premisesAddress,
          phone: receiver.phone,
          stateSystem: receiver.stateSystem,
          stateAccessLost: receiver.stateAccessLost,
        },
        shipper: {
          legalName: inbound.shipper.name,
          licenseNumber: inbound.shipper.stateLicenseNumber,
          premisesAddress: {
            street: inbound.shipper.address ?? domain.NOT_REPORTED,
            city: inbound.shipper.city ?? domain.NOT_REPORTED,
            state: 'NY',
            zip: inbound.shipper.zip ?? '00000',
          },
          phone: inbound.shipper.phone ?? domain.NOT_REPORTED,
          stateSystem: account.system,
          stateAccessLost: false,
        },
        origin: { system: account.system, inventoryTransferId: String(inbound.inventoryTransferId), manifestId: inbound.manifestId },
        drivers: inbound.drivers,
        ...(inbound.estimatedDeparture ? { estimatedDeparture: inbound.estimatedDeparture } : {}),
        ...(inbound.estimatedArrival ? { estimatedArrival: inbound.estimatedArrival } : {}),
        arrived: inbound.arrived,
        lines: inbound.lines,
      },
      { now: deps.now(), actor: actor(licenseeId) },
    );
    const stored = toStored(change.transfer);
    try {
      await deps.transfers.create(
        stored,
        change.event,
        stateTransferItems(stored.id, account.system, { manifestId: inbound.manifestId, inventoryTransferIds: [inbound.inventoryTransferId] }),
      );
      imported += 1;
    } catch (error) {
      // Another pull recorded it a moment ago.
      if (!(error instanceof DuplicateError)) throw error;
    }
  }
  await deps.checkpoints.put(licenseeId, account.system, pull.checkpoint, deps.now().toISOString());
  if (imported > 0 || arrived > 0 || pull.skipped > 0) logger.info('Inbound transfers pulled from the state system', { licenseeId, imported, arrived, skipped: pull.skipped });
  return { imported, arrived, skipped: pull.skipped };
}

/** A recorded transfer that was on the road when first seen and has arrived since. */
async function followArrival(deps: InboundDeps, transferId: string, inbound: InboundTransfer, licenseeId: string): Promise<boolean> {
  if (!inbound.arrived) return false;
  const transfer = await deps.transfers.get(transferId);
  if (transfer?.status !== 'IN_TRANSIT' || !transfer.origin) return false;
  const change = domain.arrive(transfer, {}, { now: deps.now(), actor: actor(licenseeId), rules: domain.defaultTransferRules });
  if (!change.ok) return false;
  await deps.transfers.commit(toStored(change.transfer), transfer.version, change.event);
  return true;
}
