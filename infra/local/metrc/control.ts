/**
 * Bodies of the control routes under `/_emulator`: the human steps a person takes in Metrc's web
 * app (register, depart, arrive, receive, void, edit, accept rejected packages), and the test levers.
 */
import * as z from 'zod';
import { LAB_TESTING_STATES } from './seed.ts';

const id = z.int().positive();
const dateTime = z.string().min(1);

export const registerSchema = z.strictObject({ templateId: id });
/** `at`: the actual time the person enters (default: now on the emulator's clock). */
export const departSchema = z.strictObject({ transferId: id, deliveryId: id.optional(), at: z.iso.datetime({ offset: true }).optional() });
export const deliveryStepSchema = z.strictObject({ deliveryId: id });
export const arriveSchema = z.strictObject({ deliveryId: id, at: z.iso.datetime({ offset: true }).optional() });
export const voidSchema = z.strictObject({ transferId: id });

export const receiveSchema = z.strictObject({
  deliveryId: id,
  packages: z.array(
    z.strictObject({
      label: z.string().min(1),
      action: z.enum(['accept', 'reject']),
      /** Defaults to the shipped quantity. */
      receivedQuantity: z.number().nonnegative().optional(),
      /** NY_IB_0010: the person ticks that a variance up to the limit is right. */
      confirmVariance: z.boolean().optional(),
      rejectReason: z.string().optional(),
    }),
  ),
});

export const editSchema = z.strictObject({
  transferId: id,
  deliveryId: id.optional(),
  recipientLicenseNumber: z.string().min(1).optional(),
  plannedRoute: z.string().optional(),
  estimatedDepartureDateTime: dateTime.optional(),
  estimatedArrivalDateTime: dateTime.optional(),
  /** The delivery's packages after the edit (labels not listed leave it); `quantity` changes what is shipped. */
  packages: z.array(z.strictObject({ label: z.string().min(1), quantity: z.number().positive().optional() })).optional(),
});

export const packageChangeSchema = z.strictObject({
  label: z.string().min(1),
  isOnHold: z.boolean().optional(),
  isOnRecall: z.boolean().optional(),
  labTestingState: z.enum(LAB_TESTING_STATES).optional(),
  isFinishedGood: z.boolean().optional(),
  retailIdCount: z.int().nonnegative().optional(),
  finished: z.boolean().optional(),
});

export const revokeSchema = z.strictObject({ key: z.string().min(1) });

export const clockSchema = z
  .strictObject({ advanceSeconds: z.number().optional(), now: z.iso.datetime({ offset: true }).optional() })
  .refine((body) => body.advanceSeconds !== undefined || body.now !== undefined, { error: 'advanceSeconds or now is required' });
