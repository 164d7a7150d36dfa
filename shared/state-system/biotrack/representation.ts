/**
 * The integration endpoints' inputs and answers, also published in the OpenAPI document.
 */
import * as z from 'zod';
import { text } from '../../schemas/common.ts';
import { stateSystemConnectionView } from '../connections.ts';

const timestamp = z.iso.datetime({ offset: true });

export const callbackQuery = z.object({ code: z.string().min(1).max(2048), state: z.string().min(1).max(256) });

export const stateUserBody = z
  .strictObject({ username: text(200), password: z.string().min(1).max(500) })
  .meta({ id: 'StateUserInput', description: 'A NY-API user of this license. The password is stored encrypted and never shown again.' });

export const consentStatusView = z
  .object({
    status: z.enum(['not-connected', 'connected', 'expiring', 'expired', 'reconnect-required']).meta({
      description:
        '`expired`: the 100 days ran out; `reconnect-required`: the state system refused the refresh token before then (for example its answer to a refresh was lost): either way the license admin approves the hub again',
    }),
    grantedAt: timestamp.optional(),
    expiresAt: timestamp.optional(),
    daysLeft: z.number().int().optional(),
    refreshFailedAt: timestamp.optional(),
    warning: z.string().optional().meta({ description: 'Set from 14 days before the 100-day consent runs out' }),
  })
  .meta({ id: 'StateSystemConsent' });

/** `GET /v1/integrations/{system}`: the neutral connection, and for BioTrack its consent and state users as before. */
export const integrationView = z
  .object({
    ...stateSystemConnectionView.shape,
    consent: consentStatusView.optional().meta({ description: 'BioTrack: the 100-day consent in its own terms' }),
    stateUsers: z
      .array(z.object({ apiKeyId: z.string().meta({ description: '`default`: the license integration user' }), username: z.string(), updatedAt: timestamp }))
      .optional()
      .meta({ description: 'BioTrack: the NY-API users hub API keys act as' }),
  })
  .meta({ id: 'StateSystemIntegration' });

export const consentStartView = z
  .object({ authorizeUrl: z.url(), expiresAt: timestamp })
  .meta({ id: 'ConsentStart', description: 'Where the license admin approves the hub; valid 10 minutes, once' });

export const linkedStateUserView = z.object({ apiKeyId: z.string(), username: z.string() }).meta({ id: 'LinkedStateUser' });
