/**
 * The console's words for what the API names with codes: a transfer's state, where it stands with
 * the state system, the steps reported there, times in New York. People read these, so no API term
 * (`MANIFESTED`, `awaiting-person`) reaches a page.
 */
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import type { SubmissionStatus, SubmissionStep } from '../domain/submission/submission.ts';
import type { EventAction, TransferStatus } from '../domain/transfer/index.ts';
import { html } from './html.ts';
import type { SafeHtml } from './html.ts';

export const statusWords: Readonly<Record<TransferStatus, string>> = {
  DRAFT: 'Draft',
  MANIFESTED: 'Ready to leave',
  IN_TRANSIT: 'On the road',
  ARRIVED: 'Arrived, not received yet',
  ACCEPTED: 'Received',
  PARTIALLY_ACCEPTED: 'Received in part',
  REJECTED: 'Refused by the receiver',
  DISCARDED: 'Draft thrown away',
  VOIDED: 'Cancelled',
};

export const stepWords: Readonly<Record<SubmissionStep, string>> = {
  manifest: 'the manifest',
  amend: 'the corrected manifest',
  ship: 'the departure',
  arrive: 'the arrival',
  void: 'the cancellation',
  receive: 'the receipt',
  'take-back': 'taking back the refused packages',
  intake: 'the paper manifest',
};

export const submissionStatusWords: Readonly<Record<SubmissionStatus, string>> = {
  pending: 'Waiting to be sent',
  retrying: 'Not accepted yet; the hub keeps trying',
  succeeded: 'Recorded',
  failed: 'Refused',
  blocked: 'Waits for an earlier step',
  'consent-expired': 'Waits until your admin reconnects the hub',
  'dead-lettered': 'Stopped after many tries; support must send it again',
  'awaiting-person': 'Waits for a person in the state system',
};

export const eventWords: Readonly<Record<EventAction, string>> = {
  create: 'Created',
  update: 'Draft changed',
  discard: 'Draft thrown away',
  manifest: 'Manifest issued',
  amend: 'Manifest corrected',
  void: 'Cancelled',
  depart: 'Left',
  arrive: 'Arrived',
  receive: 'Received',
  return: 'Return started',
  'issue-receipt-link': 'Receipt link made',
  'revoke-receipt-link': 'Receipt link withdrawn',
  'record-state-manifest-number': 'State manifest number noted',
};

const newYork = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** A time as a New York clerk reads it: "Dec 2, 9:30 AM". */
export const when = (iso: string | undefined): string => (iso ? newYork.format(new Date(iso)) : '');

/** A short badge for where the transfer stands with the state system; nothing when nothing is owed. */
export function stateBadge(state: StateSystemStatus | undefined, now: Date): SafeHtml | '' {
  if (!state) return '';
  switch (state.status) {
    case 'not-required':
      return '';
    case 'recorded':
      return html`<span class="state ok">Recorded by the state</span>`;
    case 'pending':
      return html`<span class="state wait">On its way to the state</span>`;
    case 'awaiting-person': {
      const overdue = state.overdue ?? (state.deadline !== undefined && Date.parse(state.deadline) < now.getTime());
      return overdue ? html`<span class="state bad">Overdue in the state system</span>` : html`<span class="state wait">Your step in the state system</span>`;
    }
    case 'refused':
      return html`<span class="state bad">Refused by the state</span>`;
    case 'discrepancy':
      return html`<span class="state bad">State shows it differently</span>`;
  }
}

/** The state system's own words for a refusal or a problem, quoted as it gave them. */
export function stateWords(state: Pick<StateSystemStatus, 'code' | 'message'>): string {
  if (!state.message && !state.code) return '';
  return `“${state.message ?? ''}”${state.code ? ` (${state.code})` : ''}`;
}
