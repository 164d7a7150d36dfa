/**
 * What the new-transfer, draft and receiving forms read and do, through the API's use-cases (no
 * second path): createTransfer, updateTransfer and the manifest's answer for the shipper,
 * receiveTransfer for the receiver, the registries for the pickers and the state-system package
 * list for picking and filling lines. The person's role narrows what the party rule allows.
 */
import * as domain from '../domain/transfer/index.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import { HttpProblem } from '../http/problem.ts';
import { allows } from '../people/person.ts';
import type { Permission } from '../people/person.ts';
import type { CurrentSession } from '../people/use-cases.ts';
import type { ReceivingSheet } from '../receipts/receiving-sheet.ts';
import { receivingSheetOf } from '../receipts/receiving-sheets.ts';
import { listStatePackages } from '../state-packages/list.ts';
import type { StatePackageDeps } from '../state-packages/list.ts';
import type { StatePackage } from '../state-system/port.ts';
import { receiptCapabilities } from '../state-system/capabilities.ts';
import type { ConsoleDeps } from '../console/use-cases.ts';
import { manifestAnswer } from '../transfers/manifest-answer.ts';
import * as transfers from '../transfers/use-cases.ts';
import type { StoredTransfer } from '../transfers/use-cases.ts';
import type { PackagePicker, Pickers } from './draft-page.ts';

export interface ConsoleFormDeps extends ConsoleDeps {
  readonly packages: StatePackageDeps;
}

/** Refused (403) unless the person's role grants the permission. */
export function requireRole(session: CurrentSession, permission: Permission): void {
  if (!allows(session.person.roles, permission)) throw new ForbiddenError('role-not-permitted', 'Your role does not allow this');
}

/** The licensee's active partners, drivers and vehicles, for the pickers. */
export async function pickers(deps: ConsoleFormDeps, caller: Caller): Promise<Pickers> {
  const r = deps.transfers.registries;
  const [partners, drivers, vehicles] = await Promise.all([
    r.list('partner', caller.licenseeId, { status: 'active', limit: 100 }),
    r.list('driver', caller.licenseeId, { status: 'active', limit: 100 }),
    r.list('vehicle', caller.licenseeId, { status: 'active', limit: 100 }),
  ]);
  return { partners: partners.items, drivers: drivers.items, vehicles: vehicles.items };
}

const systemNames: Readonly<Record<string, string>> = { metrc: 'Metrc', biotrack: 'BioTrack' };

/** The state system's package list for this person's license, searched; or why it offers none. */
export async function packagePicker(deps: ConsoleFormDeps, session: CurrentSession, search?: string): Promise<PackagePicker> {
  const system = systemNames[session.licensee.stateSystem.adapter] ?? 'the state system';
  try {
    const page = await listStatePackages(deps.packages, session.caller, { ...(search ? { search } : {}), limit: 25 });
    return { offered: true, system, ...(search === undefined ? {} : { found: page.items }) };
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    if (error.problem.status === 404 || error.problem.status === 409) return { offered: false, why: `${error.problem.title}: type, scan or paste the tags instead.` };
    return { offered: true, system, problem: `${error.problem.title}. ${error.problem.detail ?? ''}`.trim() };
  }
}

/** The packages the state system knows among these tags (to fill new lines with); none when it offers no list. */
export async function knownPackages(deps: ConsoleFormDeps, caller: Caller, tags: readonly string[]): Promise<Map<string, StatePackage>> {
  const known = new Map<string, StatePackage>();
  for (const tag of tags) {
    try {
      const page = await listStatePackages(deps.packages, caller, { search: tag, limit: 5 });
      const found = page.items.find((item) => item.tag === tag);
      if (found) known.set(tag, found);
    } catch (error) {
      // No list, not connected, not reachable: the lines start with the form's values only.
      if (error instanceof HttpProblem) return known;
      throw error;
    }
  }
  return known;
}

/** A draft of the caller's own, for its edit page: another licensee's, or one the caller does not ship, is none. */
export async function ownDraft(deps: ConsoleFormDeps, caller: Caller, id: string): Promise<StoredTransfer> {
  const transfer = await transfers.getTransfer(deps.transfers, caller, id);
  if (transfer.shipperId !== caller.licenseeId) throw new NotFoundError('transfer');
  return transfer;
}

export const createDraft = (deps: ConsoleFormDeps, caller: Caller, body: domain.CreateTransferBody) => transfers.createTransfer(deps.transfers, caller, body);

export const updateDraft = (deps: ConsoleFormDeps, caller: Caller, id: string, body: domain.UpdateTransferBody, version: number) =>
  transfers.updateTransfer(deps.transfers, caller, id, body, version);

/** Issues the manifest as the API does, with the state's verdict when it comes quickly. */
export const issueManifest = (deps: ConsoleFormDeps, caller: Caller, id: string, version: number) => manifestAnswer(deps.transfers, caller, id, version, deps.transfers.stateVerdictWaitMs);

/** A transfer this caller receives and may receive now; another licensee's is none. */
export async function receivable(deps: ConsoleFormDeps, caller: Caller, id: string): Promise<{ readonly transfer: StoredTransfer; readonly open: boolean }> {
  const transfer = await transfers.getTransfer(deps.transfers, caller, id);
  if (transfer.receiverLicenseeId !== caller.licenseeId) throw new NotFoundError('transfer');
  return { transfer, open: domain.allowedActions(transfer.status, receiptCapabilities(transfer)).includes('receive') };
}

export const recordReceipt = (deps: ConsoleFormDeps, caller: Caller, id: string, body: domain.ReceiptBody, version: number) =>
  transfers.receiveTransfer(deps.transfers, caller, id, body, version);

/** The receiving sheet, when a person must enter the receipt in the state system's own app; otherwise none. */
export async function receivingSheet(deps: ConsoleFormDeps, caller: Caller, id: string): Promise<ReceivingSheet | undefined> {
  try {
    return await receivingSheetOf(deps.transfers, caller, id);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
