/**
 * The receipt link as its receiver uses it: open the link, record the receipt, attach photos,
 * fetch the signed receipt. No account: the token is the key, so wrong tokens are counted per
 * address (see guessing.ts) and a right one reaches exactly one transfer.
 */
import { ulid } from 'ulid';
import { submissionsOwed } from '../submissions/planning.ts';
import * as domain from '../domain/transfer/index.ts';
import type { Change, LinkConfirmation, LinkStanding, ReceiptBody, StoredFile, TransferEvent, TransferRules } from '../domain/transfer/index.ts';
import { receiptCapabilities } from '../state-system/capabilities.ts';
import { sha256Hex } from '../manifests/files.ts';
import { StaleVersionError } from '../errors.ts';
import type { TransferRepository } from '../transfers/repository.ts';
import { releaseTags, save } from '../transfers/use-cases.ts';
import type { LicenseeDirectory, StoredTransfer, TransferDeps } from '../transfers/use-cases.ts';
import { photoFolder, receiptPdfUrl, signatureKey, storeReceiptPdf } from '../receipts/files.ts';
import type { ReceiptDocuments } from '../receipts/files.ts';
import { formProblems, MAX_PHOTO_BYTES, MAX_PHOTOS, photoTypes, receiptFromForm, signaturePng } from './form.ts';
import type { FormProblem, PhotoRequest, ReceiptForm } from './form.ts';
import { guessingAddress, guessWindow, MAX_GUESSES, verdict } from './guessing.ts';
import type { LinkLookup, LinkRepository } from './repository.ts';
import { tokenHash, tokenShape } from './tokens.ts';
import type { PresignedPost } from './uploads.ts';

export interface LinkPageDeps extends ReceiptDocuments, Pick<TransferDeps, 'outbox'> {
  readonly transfers: TransferRepository<StoredTransfer, TransferEvent>;
  readonly links: LinkRepository;
  readonly licensees: LicenseeDirectory;
  readonly rules: TransferRules;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

export type OpenedLink =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number }
  | { readonly kind: 'found'; readonly lookup: LinkLookup; readonly transfer: StoredTransfer; readonly standing: LinkStanding };

/** Finds the transfer a token opens. A wrong token is counted against the address and answered later and later. */
export async function openLink(deps: LinkPageDeps, token: string, sourceIp: string): Promise<OpenedLink> {
  const now = deps.now();
  const { window, endsAt } = guessWindow(now);
  const address = guessingAddress(sourceIp);
  // An address that has guessed too much is refused even a right token until its window ends: no oracle.
  if ((await deps.links.guesses(address, window)) >= MAX_GUESSES) {
    return { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((endsAt.getTime() - now.getTime()) / 1000)) };
  }
  const lookup = tokenShape.test(token) ? await deps.links.find(tokenHash(token)) : undefined;
  const transfer = lookup ? await deps.transfers.get(lookup.transferId) : undefined;
  if (!lookup || !transfer) {
    const answer = verdict(await deps.links.countGuess(address, window, endsAt), now);
    if (answer.kind === 'refuse') return { kind: 'throttled', retryAfterSeconds: answer.retryAfterSeconds };
    if (answer.delayMs > 0) await deps.sleep(answer.delayMs);
    return { kind: 'unknown' };
  }
  return { kind: 'found', lookup, transfer, standing: domain.linkStanding(transfer, lookup, now) };
}

export type SubmitOutcome =
  | { readonly kind: 'recorded'; readonly transfer: StoredTransfer }
  /** The link no longer takes a receipt (already received, expired, revoked...): show why. */
  | { readonly kind: 'closed'; readonly transfer: StoredTransfer; readonly standing: LinkStanding }
  | { readonly kind: 'refused'; readonly problems: readonly FormProblem[] };

/** Every problem of the form in one round: answers, name and title, signature, photos. */
async function checkedForm(
  deps: LinkPageDeps,
  transfer: StoredTransfer,
  form: ReceiptForm,
): Promise<{ readonly problems: FormProblem[] } | { readonly parsed: { readonly body: ReceiptBody }; readonly signature: ReturnType<typeof signaturePng>; readonly photos: StoredFile[] }> {
  const parsed = receiptFromForm(form, transfer.content.lines, deps.rules.receivingVariance);
  const signature = signaturePng(form.signature);
  const problems = [...('problems' in parsed ? parsed.problems : []), ...('problem' in signature ? [{ field: 'signature', message: signature.problem }] : [])];
  const photos = await checkedPhotos(deps, transfer, form.photos, problems);
  if (problems.length > 0 || !('body' in parsed)) return { problems };
  return { parsed, signature, photos };
}

export type ReviewOutcome = Exclude<SubmitOutcome, { kind: 'recorded' }> | { readonly kind: 'ready' };

/** The answers checked as the submit will check them, recording nothing: what the review step shows. */
export async function reviewReceipt(deps: LinkPageDeps, opened: Extract<OpenedLink, { kind: 'found' }>, form: ReceiptForm): Promise<ReviewOutcome> {
  if (opened.standing !== 'open') return { kind: 'closed', transfer: opened.transfer, standing: opened.standing };
  const checked = await checkedForm(deps, opened.transfer, form);
  return 'problems' in checked ? { kind: 'refused', problems: checked.problems } : { kind: 'ready' };
}

/** Where a submit came from: the browser's user agent and the client's address, kept on the receipt. */
export interface Submitter {
  readonly userAgent: string;
  readonly sourceIp: string;
}

/**
 * An arrival the receiver reported says who told the state system of it: whoever the arrival's own
 * submissions go to (today the integrated shipper reports the trip), or nobody.
 */
function withArrivalReporter(changes: readonly Change[]): Change[] {
  const arrival = changes.find((change) => change.event.action === 'arrive');
  const report = arrival?.transfer.arrivalReport;
  if (!arrival || !report) return [...changes];
  const shipperReports = submissionsOwed(arrival).some((submission) => submission.licenseeId === arrival.transfer.shipperId);
  const arrivalReport = { ...report, stateSystemReportedBy: shipperReports ? ('shipper' as const) : ('nobody' as const) };
  return changes.map((change) => (change.transfer.arrivalReport ? { ...change, transfer: { ...change.transfer, arrivalReport } } : change));
}

/** At most this much of a user agent is kept: enough to tell the phone and browser apart. */
const MAX_USER_AGENT = 500;

/**
 * Records the receipt: the same domain operation, rules and events as the API's receipt, acted by
 * the receiver through its link. A second submit finds the receipt recorded and changes nothing.
 */
export async function submitReceipt(deps: LinkPageDeps, opened: Extract<OpenedLink, { kind: 'found' }>, form: ReceiptForm, submitter: Submitter): Promise<SubmitOutcome> {
  const { transfer, lookup } = opened;
  if (opened.standing !== 'open') return { kind: 'closed', transfer, standing: opened.standing };
  const checked = await checkedForm(deps, transfer, form);
  if ('problems' in checked) return { kind: 'refused', problems: checked.problems };
  const { parsed, signature, photos } = checked;

  const receiver = domain.recorded(transfer.manifest, transfer, 'manifest').parties.receiver;
  const profile = receiver.licenseeId ? await deps.licensees.get(receiver.licenseeId) : undefined;
  const png = 'png' in signature ? signature.png : undefined;
  const storedSignature: StoredFile | undefined = png ? { key: signatureKey(transfer, sha256Hex(png)), contentType: 'image/png', bytes: png.byteLength, sha256: sha256Hex(png) } : undefined;
  const confirmation: LinkConfirmation = {
    method: 'receipt-link',
    linkId: lookup.linkId,
    ...(storedSignature ? { signature: storedSignature } : {}),
    photos,
    submittedFrom: { userAgent: submitter.userAgent.slice(0, MAX_USER_AGENT), address: submitter.sourceIp },
  };
  const result = domain.receiveByLink(transfer, parsed.body, {
    now: deps.now(),
    actor: { licenseeId: receiver.licenseeId ?? `receipt-link:${receiver.licenseNumber}`, apiKeyId: `receipt-link:${lookup.linkId}` },
    rules: deps.rules,
    receiverStateAccessLost: profile?.stateAccessLost ?? receiver.stateAccessLost,
    stateSystem: receiptCapabilities(transfer),
    confirmation,
  });
  if (!result.ok) {
    return result.error.kind === 'rule-violation'
      ? { kind: 'refused', problems: formProblems(result.error.problems) }
      : { kind: 'closed', transfer, standing: domain.linkStanding(transfer, lookup, deps.now()) };
  }
  // The signature and the photos are stored in the records bucket before the receipt that points at them commits.
  if (png && storedSignature) await deps.files.put(storedSignature.key, png, 'image/png', storedSignature.sha256);
  await Promise.all(photos.map((photo) => deps.files.keep(photo.key, { contentType: photo.contentType, sha256: photo.sha256 })));
  let saved = transfer;
  try {
    for (const change of withArrivalReporter(result.changes)) {
      saved = await save(deps, change, saved.version, { receipt: change.event.action === 'receive' });
    }
  } catch (error) {
    // Someone (a second tap, a second tab) got there first: show what is recorded now.
    if (!(error instanceof StaleVersionError)) throw error;
    const current = await deps.transfers.get(transfer.id);
    if (!current) throw error;
    return { kind: 'closed', transfer: current, standing: domain.linkStanding(current, lookup, deps.now()) };
  }
  await releaseTags(deps, saved);
  await storeReceiptPdf(deps, saved);
  return { kind: 'recorded', transfer: saved };
}

/** Photos the page uploaded: under this transfer's folder, there, of an allowed type and size. */
async function checkedPhotos(deps: LinkPageDeps, transfer: StoredTransfer, keys: readonly string[], problems: FormProblem[]): Promise<StoredFile[]> {
  if (keys.length > MAX_PHOTOS) {
    problems.push({ field: 'photos', message: `Attach at most ${MAX_PHOTOS} photos` });
    return [];
  }
  const folder = photoFolder(transfer);
  const found = await Promise.all(
    keys.map(async (key) => {
      // The key names the SHA-256 the upload policy made S3 check.
      const sha256 = key.startsWith(folder) ? /^([0-9a-f]{64})-[0-9A-Z]{26}\.[a-z]+$/.exec(key.slice(folder.length))?.[1] : undefined;
      return { key, sha256, object: sha256 ? await deps.files.head(key) : undefined };
    }),
  );
  return found.flatMap(({ key, sha256, object }) => {
    if (!sha256 || !object || !(object.contentType in photoTypes) || object.bytes > MAX_PHOTO_BYTES) {
      problems.push({ field: 'photos', message: 'A photo did not upload; remove it and try again' });
      return [];
    }
    return [{ key, contentType: object.contentType, bytes: object.bytes, sha256 }];
  });
}

/** Grants per link: the photos a receipt may carry, and a few retries of failed uploads. */
export const MAX_PHOTO_GRANTS = MAX_PHOTOS + 4;
/** Grants per address and guessing window, across links: a phone on a receiving dock needs a handful. */
export const MAX_PHOTO_GRANTS_PER_ADDRESS = 3 * MAX_PHOTO_GRANTS;

export type PhotoGrant =
  | { readonly kind: 'granted'; readonly key: string; readonly upload: PresignedPost }
  | { readonly kind: 'closed'; readonly standing: LinkStanding }
  /** The link has had all its grants. */
  | { readonly kind: 'exhausted' }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number };

/**
 * A presigned POST for one photo into the uploads bucket. Only while the link takes a receipt, at
 * most `MAX_PHOTO_GRANTS` per link, and `MAX_PHOTO_GRANTS_PER_ADDRESS` per address and window.
 */
export async function photoUpload(deps: LinkPageDeps, opened: Extract<OpenedLink, { kind: 'found' }>, photo: PhotoRequest, sourceIp: string): Promise<PhotoGrant> {
  if (opened.standing !== 'open') return { kind: 'closed', standing: opened.standing };
  const now = deps.now();
  const { window, endsAt } = guessWindow(now);
  if ((await deps.links.countPhotoGrant(guessingAddress(sourceIp), window, endsAt)) > MAX_PHOTO_GRANTS_PER_ADDRESS) {
    return { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((endsAt.getTime() - now.getTime()) / 1000)) };
  }
  // Kept a while after the link expires, so an expired link's count cannot start again.
  const keepUntil = new Date(Date.parse(opened.lookup.validUntil) + 90 * 24 * 3600 * 1000);
  if (!(await deps.links.grantPhoto(opened.lookup.linkId, MAX_PHOTO_GRANTS, keepUntil))) return { kind: 'exhausted' };
  const key = `${photoFolder(opened.transfer)}${photo.sha256}-${ulid()}.${photoTypes[photo.contentType]}`;
  return { kind: 'granted', key, upload: await deps.files.presignPost(key, photo, 600) };
}

/** The signed receipt PDF, for whoever holds the link (it is the receiver's copy). */
export async function linkReceiptPdf(deps: LinkPageDeps, opened: Extract<OpenedLink, { kind: 'found' }>) {
  return opened.transfer.receipt ? receiptPdfUrl(deps, opened.transfer) : undefined;
}
