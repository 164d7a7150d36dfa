/**
 * A paper manifest taken in: the receiver records a transfer that a shipper without a connected
 * system sent with a paper manifest. The transfer is created arrived and received at once; both
 * events, its lines, its receipt and the intake it owes the state system are committed in one
 * transaction, then handed to the outbox. The same paper cannot be taken in twice by one receiver.
 */
import { ulid } from 'ulid';
import { submissionsOwed } from '../submissions/planning.ts';
import * as domain from '../domain/transfer/index.ts';
import type { PaperManifestBody } from '../domain/transfer/index.ts';
import { packageTagFormatOf, transferCapabilitiesOf } from '../state-system/capabilities.ts';
import { ConflictError, RuleViolationError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import { keys } from '../repositories/keys.ts';
import { handOver } from '../submissions/outbox.ts';
import { DuplicateError } from './repository.ts';
import type { StoredTransfer, TransferDeps } from './use-cases.ts';
import { partyFromProfile, toStored } from './use-cases.ts';

export type PaperIntakeDeps = Pick<TransferDeps, 'transfers' | 'licensees' | 'rules' | 'outbox' | 'now'>;

export async function recordPaperManifest(deps: PaperIntakeDeps, caller: Caller, body: PaperManifestBody): Promise<StoredTransfer> {
  const receiver = await deps.licensees.get(caller.licenseeId);
  if (!receiver) throw new Error(`Licensee ${caller.licenseeId} has no profile`);
  // The point of taking a paper in is to report it: a receiver without a state system reports nothing.
  if (receiver.stateSystem === 'none') {
    throw new ConflictError(
      'not-integrated',
      'Only a licensee that reports to a state system records paper manifests in the hub; keep the paper with your records',
      { stateSystem: receiver.stateSystem },
    );
  }
  const intake = domain.takeInPaperManifest(
    { id: ulid(), receiver: partyFromProfile(receiver), body },
    { now: deps.now(), actor: caller, rules: deps.rules, receiverStateAccessLost: receiver.stateAccessLost, stateSystem: transferCapabilitiesOf(receiver.stateSystem),
      receiverTags: packageTagFormatOf(receiver.stateSystem),
    },
  );
  if (!intake.ok) {
    if (intake.error.kind === 'rule-violation') throw new RuleViolationError(intake.error.problems);
    throw new Error(`A paper manifest taken in was refused as '${intake.error.action}' in ${intake.error.current}`);
  }
  const { recorded, received } = intake;
  const stored = toStored(received.transfer);
  const submissions = submissionsOwed(received);
  const paper = { ...keys.paperManifest(receiver.id, body.shipperLicenseNumber, body.manifestNumber), transferId: stored.id };
  try {
    await deps.transfers.createWithHistory(stored, [recorded.event, received.event], [paper], submissions);
  } catch (error) {
    if (error instanceof DuplicateError) {
      throw new ConflictError('paper-manifest-recorded', `Paper manifest ${body.manifestNumber} of ${body.shipperLicenseNumber} is already recorded`, {
        manifestNumber: body.manifestNumber,
        shipperLicenseNumber: body.shipperLicenseNumber,
      });
    }
    throw error;
  }
  await handOver({ ...deps.outbox, now: deps.now }, submissions);
  return stored;
}
