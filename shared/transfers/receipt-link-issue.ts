/**
 * Receipt links for receivers that are not integrated: the shipper issues one (the previous one
 * stops working) or revokes it, and the token's lookup is written with the change that made the link.
 */
import { ulid } from 'ulid';
import * as domain from '../domain/transfer/index.ts';
import type { Transfer } from '../domain/transfer/index.ts';
import type { ExpectedVersion } from '../versions.ts';
import type { Caller } from '../http/caller.ts';
import { linkLookupItem } from '../receipt-links/repository.ts';
import { linkUrlOf, tokenHash } from '../receipt-links/tokens.ts';
import { contextFor, loadFor, unwrap } from './access.ts';
import type { TransferDeps } from './deps.ts';
import { save } from './lifecycle.ts';

/** What the shipper sends the receiver: the only place the link's URL is given out, besides the printed manifest. */
export interface IssuedLink {
  readonly url: string;
  readonly validUntil: string;
}

/** The lookup a link newly on `next` needs, written with the change; none when the link is not new. */
export async function newLinkItems(deps: TransferDeps, before: Transfer, next: Transfer): Promise<Record<string, unknown>[]> {
  const link = domain.activeLink(next);
  if (!link || domain.activeLink(before)?.linkId === link.linkId) return [];
  const token = await deps.receiptLinks.tokens.tokenFor(link.linkId);
  return [linkLookupItem(tokenHash(token), { transferId: next.id, linkId: link.linkId, validUntil: link.validUntil })];
}

/** The shipper's copy of the current link. */
export async function issuedLink(deps: TransferDeps, transfer: Transfer): Promise<IssuedLink | undefined> {
  const link = domain.activeLink(transfer);
  if (!link) return undefined;
  return { url: await linkUrlOf(deps.receiptLinks, link.linkId), validUntil: link.validUntil };
}

/** A new receipt link for a receiver that is not integrated; the previous one stops working. */
export async function issueReceiptLink(deps: TransferDeps, caller: Caller, id: string, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'manifest', expected);
  const change = unwrap(domain.issueReceiptLink(transfer, ulid(), { ...contextFor(deps, caller), validForMs: deps.receiptLinks.validForMs }));
  const saved = await save(deps, change, transfer.version, { newItems: await newLinkItems(deps, transfer, change.transfer) });
  return { transfer: saved, link: await issuedLink(deps, saved) };
}

export async function revokeReceiptLink(deps: TransferDeps, caller: Caller, id: string, expected: ExpectedVersion) {
  const transfer = await loadFor(deps, caller, id, 'manifest', expected);
  return save(deps, unwrap(domain.revokeReceiptLink(transfer, contextFor(deps, caller))), transfer.version);
}
