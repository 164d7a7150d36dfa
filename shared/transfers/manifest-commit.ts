/**
 * Issuing a manifest: the shipper's next number, the parties and crew snapshotted, the PDF rendered
 * and its receipt link made, all committed with the tag reservations in one go; and amending it
 * before departure. The PDF is stored only once the commit stands.
 *
 * Where the request's time goes: the PDF is rendered in the request, because its hash and size are
 * committed with the transfer (the answer, the JSON twin, its ETag and the verification of a
 * printed copy all carry them); a render is a few milliseconds, done while the state system's
 * pre-flight check is out. The upload runs beside the hand-over to the queue and is awaited, so the
 * object is there before anyone hears of the manifest; should it fail, the first download renders
 * the PDF again and stores it only if it hashes to what was committed (never a stale or missing file).
 */
import { ulid } from 'ulid';
import * as domain from '../domain/transfer/index.ts';
import type { AmendBody, FieldProblem } from '../domain/transfer/index.ts';
import { ConflictError, RuleViolationError, VersionRequiredError } from '../errors.ts';
import type { ExpectedVersion } from '../versions.ts';
import type { Caller } from '../http/caller.ts';
import { renderIssued, storeIssued } from '../manifests/files.ts';
import { logger } from '../observability.ts';
import { packageTagFormatOf } from '../state-system/capabilities.ts';
import { submissionsOwed } from '../submissions/planning.ts';
import { handOver } from '../submissions/outbox.ts';
import { ManifestRaceError } from './manifest-transaction.ts';
import { TagsTakenError } from './tag-reservations.ts';
import { contextFor, loadFor, unwrap } from './access.ts';
import type { TransferDeps } from './deps.ts';
import { crew, partnerParty, partyFromProfile, profileOf, requireOwnRecords } from './parties.ts';
import { save } from './lifecycle.ts';
import { newLinkItems } from './receipt-link-issue.ts';
import { toStored } from './stored-transfer.ts';
import type { StoredTransfer } from './stored-transfer.ts';

/** Manifests of one shipper take numbers in turn; a collision is retried after a short random wait. */
const MANIFEST_ATTEMPTS = 10;
const collisionPause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 5)));

const linkContext = (deps: TransferDeps) => ({ now: deps.now(), validForMs: deps.receiptLinks.validForMs });

/** `OCM-DIST-24-000114-M000042`: the shipper's license and its own sequence, so it is unique statewide. */
export const formatManifestNumber = (licenseNumber: string, sequence: number) => `${licenseNumber}-M${String(sequence).padStart(6, '0')}`;

export async function manifestTransfer(
  deps: TransferDeps,
  caller: Caller,
  id: string,
  expected: ExpectedVersion,
): Promise<{ transfer: StoredTransfer; warnings: readonly FieldProblem[] }> {
  for (let attempt = 1; ; attempt += 1) {
    // The transfer, the shipper's profile and its next number are read at once: none needs another.
    const loaded = loadFor(deps, caller, id, 'manifest', expected);
    const parties = loaded.then((transfer) =>
      Promise.all([
        partnerParty(deps, caller, transfer.content.receiverPartnerId),
        partnerParty(deps, caller, transfer.content.transporterPartnerId),
        crew(deps, caller, transfer),
      ]),
    );
    const [transfer, shipperProfile, sequence, [receiver, transporter, { drivers, vehicle }]] = await settledInOrder(
      loaded,
      profileOf(deps, caller.licenseeId),
      deps.transfers.nextManifestNumber(caller.licenseeId),
      parties,
    );
    const result = domain.manifest(
      transfer,
      {
        shipper: partyFromProfile(shipperProfile),
        ...(receiver ? { receiver } : {}),
        ...(transporter ? { transporter } : {}),
        drivers,
        ...(vehicle ? { vehicle } : {}),
      },
      { ...contextFor(deps, caller), shipperTags: packageTagFormatOf(shipperProfile.stateSystem), manifestNumber: formatManifestNumber(shipperProfile.licenseNumber, sequence) },
    );
    const change = unwrap(result);
    const linked = domain.withReceiptLink(change.transfer, ulid(), linkContext(deps));
    // The state system's refusals that its records already show are the shipper's to fix now, unnumbered.
    // Its answer is awaited while the PDF renders (the render is CPU, the check a call out); a refused
    // manifest's render is thrown away.
    const checked = attempt === 1 && deps.stateChecks && shipperProfile.stateSystem !== 'none' ? deps.stateChecks.linesOf(caller.licenseeId, change.transfer) : Promise.resolve([]);
    const [problems, linkItems, rendered] = await settledInOrder(checked, newLinkItems(deps, transfer, linked), renderIssued(deps.manifests, linked));
    if (problems.length > 0) throw new RuleViolationError(problems);
    const next = toStored(rendered.transfer);
    const submissions = submissionsOwed({ transfer: next, event: change.event });
    try {
      await deps.transfers.commitManifest({
        next,
        expectedVersion: transfer.version,
        event: change.event,
        sequence,
        manifestNumber: domain.recorded(next.manifest, next, 'manifest').number,
        tags: next.content.lines.map((line) => line.tag),
        at: next.updatedAt,
        submissions,
        newItems: linkItems,
      });
      // Committed: the submissions go to the queue while the PDF goes to the bucket, and the answer
      // waits for both, so the file is stored before the shipper hears of the manifest.
      await Promise.all([handOver({ ...deps.outbox, now: deps.now }, submissions), storeAfterCommit(deps, next, rendered.pdf)]);
      return { transfer: next, warnings: change.warnings };
    } catch (error) {
      if (error instanceof TagsTakenError) {
        const index = new Map(next.content.lines.map((line, i) => [line.tag, i]));
        throw new ConflictError('tags-on-open-transfer', 'Some packages are already on another open transfer', {
          errors: error.conflicts.map((c) => ({ pointer: `/lines/${index.get(c.tag) ?? 0}/tag`, message: 'This package is on another open transfer' })),
        });
      }
      if (error instanceof ManifestRaceError) {
        if (attempt < MANIFEST_ATTEMPTS) {
          await collisionPause(attempt);
          continue;
        }
        throw new ConflictError('manifest-number-contention', 'Many manifests of this shipper are being issued at once; retry in a moment');
      }
      throw error;
    }
  }
}

/**
 * Awaits work started together, and throws the first failure in the order given (not the first in
 * time): a transfer that cannot be loaded is a 404 even if another read failed sooner. Every one
 * settles first, so none is left to reject unheard.
 */
async function settledInOrder<T extends readonly unknown[]>(...work: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Issues the next version of a manifest before departure: another driver or vehicle, new times,
 * route or layover. The new version gets a PDF of its own; every earlier one stays as issued.
 */
export async function amendTransfer(
  deps: TransferDeps,
  caller: Caller,
  id: string,
  body: AmendBody,
  expected: ExpectedVersion,
): Promise<StoredTransfer> {
  if (expected === undefined) throw new VersionRequiredError('If-Match is required to amend a manifest');
  const transfer = await loadFor(deps, caller, id, 'amend', expected);
  await requireOwnRecords(deps, caller, body);
  const amended = { ...transfer, content: domain.patched(transfer.content, body) };
  const [transporter, { drivers, vehicle }] = await Promise.all([
    partnerParty(deps, caller, amended.content.transporterPartnerId),
    crew(deps, caller, amended),
  ]);
  const change = unwrap(
    domain.amend(transfer, body, { ...(transporter ? { transporter } : {}), drivers, ...(vehicle ? { vehicle } : {}) }, {
      ...contextFor(deps, caller),
      // An amendment keeps the issued manifest's shipper, and so its tag format.
      shipperTags: packageTagFormatOf(transfer.manifest?.parties.shipper.stateSystem ?? domain.noStateSystem),
    }),
  );
  const rendered = await renderIssued(deps.manifests, domain.withReceiptLink(change.transfer, ulid(), linkContext(deps)));
  const saved = await save(deps, { transfer: rendered.transfer, event: change.event }, transfer.version, {
    newItems: await newLinkItems(deps, transfer, rendered.transfer),
  });
  await storeAfterCommit(deps, saved, rendered.pdf);
  return saved;
}

/**
 * The transfer is committed: a failed upload must not undo that. The first download renders the
 * PDF again (rendering is deterministic) and stores it then.
 */
export async function storeAfterCommit(deps: Pick<TransferDeps, 'manifests'>, transfer: StoredTransfer, pdf: Uint8Array): Promise<void> {
  try {
    await storeIssued(deps.manifests, transfer, pdf);
  } catch (error) {
    logger.warn('Manifest PDF not stored; it will be rendered again on first download', { transferId: transfer.id, error: error as Error });
  }
}
