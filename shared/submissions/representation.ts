/**
 * What a party sees of a submission: the step, how delivery went, and the state system's own code
 * and message when it refused. Internal index keys and versions stay inside.
 */
import { z } from 'zod';
import { submissionStatuses, submissionSteps } from '../domain/submission/submission.ts';
import type { StoredSubmission } from './repository.ts';

const timestamp = z.iso.datetime({ offset: true });

export const submissionView = z
  .object({
    id: z.string().meta({ description: 'Also the root of the ExternalID every state-system call for it carries' }),
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
      .object({ code: z.string(), message: z.string(), at: timestamp, status: z.number().int().optional() })
      .optional()
      .meta({ description: "The state system's error code and message (or the hub's, e.g. TIMEOUT) from the last failed attempt" }),
  })
  .meta({ id: 'StateSubmission', description: 'One report owed to the state tracking system' });

export const submissionList = z.object({ items: z.array(submissionView) }).meta({ id: 'StateSubmissionList' });

export function presentSubmission(submission: StoredSubmission): z.infer<typeof submissionView> {
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
  };
}
