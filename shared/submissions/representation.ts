/**
 * What a party sees of a submission: the step, how delivery went, and the state system's own code
 * and message when it refused. Internal index keys and versions stay inside.
 */
import * as z from 'zod';
import { stateReceiptView } from '../receipts/receiving-sheet-view.ts';
import { discrepancyKinds } from '../domain/reconciliation/judge.ts';
import { stateSystemStatuses } from '../domain/submission/state-status.ts';
import { submissionStatuses, submissionSteps } from '../domain/submission/submission.ts';
import { isOverdue } from '../domain/submission/submission.ts';
import type { StoredSubmission } from './repository.ts';

const timestamp = z.iso.datetime({ offset: true });

export const submissionView = z
  .object({
    id: z.string().meta({ description: 'Also the key every state-system call for it carries, stable across tries' }),
    step: z.enum(submissionSteps),
    sequence: z.number().int().meta({ description: 'The transfer version whose transition this reports' }),
    reportedBy: z.string().meta({ description: 'The licensee that reports it' }),
    system: z.string(),
    status: z.enum(submissionStatuses),
    attempts: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
    enqueuedAt: timestamp.optional(),
    succeededAt: timestamp.optional(),
    blockedBy: z.string().optional().meta({ description: 'The earlier submission this one waits behind' }),
    lastError: z
      .object({ code: z.string(), message: z.string(), at: timestamp, status: z.number().int().optional(), unsettledSince: timestamp.optional() })
      .optional()
      .meta({ description: "The state system's error code and message (or the hub's, e.g. TIMEOUT) from the last failed attempt" }),
    awaitingPerson: z
      .object({
        instruction: z.string().meta({ description: 'What the person must do and where, in plain words' }),
        where: z.union([z.object({ link: z.string() }), z.object({ menuPath: z.array(z.string()).readonly() })]),
        resultKey: z.string().meta({ description: 'What identifies the result in the state system (e.g. the template name)' }),
        deadline: timestamp,
        overdue: z.boolean(),
      })
      .optional()
      .meta({ description: "Set while a person must finish the step in the state system's own app" }),
  })
  .meta({ id: 'StateSubmission', description: 'One report owed to the state tracking system' });

export const submissionList = z.object({ items: z.array(submissionView) }).meta({ id: 'StateSubmissionList' });

const packageAccount = z.object({ outcome: z.enum(['shipped', 'accepted', 'rejected']), quantity: z.number() });

/** A difference between the hub's record and the state system's, as the reconciler found it. */
const discrepancyView = z
  .object({
    key: z.string().meta({ description: 'The same difference seen again has the same key' }),
    kind: z.enum(discrepancyKinds),
    message: z.string().meta({ description: 'What differs, in plain words, and what to do' }),
    observedAt: timestamp,
    status: z.enum(['open', 'resolved']),
    licenseeId: z.string().meta({ description: 'The licensee whose reconciliation found it' }),
    transferId: z.string(),
    lines: z.array(z.object({ tag: z.string(), hub: packageAccount.optional(), state: packageAccount.optional() })),
    receiver: z.object({ hub: z.string(), state: z.string() }).optional(),
    times: z.object({ hub: timestamp, state: timestamp }).optional().meta({ description: 'For a departure or arrival time that differs: the time each side recorded' }),
  })
  .meta({ id: 'StateDiscrepancy' });

const stateTimeView = z.object({
  hub: timestamp.optional().meta({ description: 'As the hub recorded it; absent until it does' }),
  state: timestamp.meta({ description: 'As the state system shows it' }),
  apartMinutes: z.int().optional().meta({ description: 'Minutes between the two; beyond the tolerance it is also a discrepancy' }),
});

export const stateSystemView = z
  .object({
    status: z.enum(stateSystemStatuses).meta({
      description:
        '`not-required`: nothing to report; `pending`: on its way (see `detail`); `awaiting-person`: a person must act in the state system; `recorded`; `refused`: the state system refused a step (its `code` and `message`); `discrepancy`: the state system shows something else',
    }),
    step: z.enum(submissionSteps).optional(),
    code: z.string().optional().meta({ description: "The state system's error code for a refusal, or the last transient problem" }),
    message: z.string().optional().meta({ description: "The state system's own words" }),
    detail: z.string().optional(),
    instruction: z.string().optional().meta({ description: "`awaiting-person`: what a person must do in the state system's own app, and where" }),
    deadline: timestamp.optional().meta({ description: '`awaiting-person`: when the step is due' }),
    overdue: z.boolean().optional().meta({ description: '`awaiting-person`: past its deadline (on the transfer; list rows carry the deadline only)' }),
    licenseeId: z.string().optional().meta({ description: 'Who must act on a refusal or an awaited step: the licensee that reports the step' }),
    stateManifestId: z.string().optional(),
    discrepancies: z.int().optional().meta({ description: '`discrepancy`: how many differences with the state system are open' }),
    differences: z
      .array(discrepancyView)
      .optional()
      .meta({ description: '`discrepancy`, on the transfer: each difference, with both sides; list rows carry the count only' }),
    receiptSeenAt: timestamp.optional().meta({ description: 'Since when the state system shows the transfer received (its own receipt); on list rows too' }),
    receipt: stateReceiptView.optional().meta({ description: 'On the transfer: the receipt as the state system shows it, once the hub saw it there' }),
    times: z
      .object({ departure: stateTimeView.optional(), arrival: stateTimeView.optional() })
      .optional()
      .meta({ description: 'On the transfer: the departure and arrival times the state system shows (where it records them itself, as Metrc does), beside the hub’s' }),
    since: timestamp.optional(),
  })
  .meta({ id: 'StateSystemStatus', description: 'Where the transfer stands with the state tracking system. On list rows it may trail the transfer by the moment a delivery takes.' });

export function presentSubmission(submission: StoredSubmission, now: Date): z.infer<typeof submissionView> {
  return {
    id: submission.id,
    step: submission.step,
    sequence: submission.sequence,
    reportedBy: submission.licenseeId,
    system: submission.system,
    status: submission.status,
    attempts: submission.attempts,
    createdAt: submission.createdAt,
    updatedAt: submission.updatedAt,
    ...(submission.enqueuedAt ? { enqueuedAt: submission.enqueuedAt } : {}),
    ...(submission.succeededAt ? { succeededAt: submission.succeededAt } : {}),
    ...(submission.blockedBy ? { blockedBy: submission.blockedBy } : {}),
    ...(submission.lastError ? { lastError: submission.lastError } : {}),
    ...(submission.awaitingPerson ? { awaitingPerson: { ...submission.awaitingPerson, overdue: isOverdue(submission, now) } } : {}),
  };
}
