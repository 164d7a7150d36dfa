/**
 * What tenants send and see: the registration of a licensee, API key requests, and the shapes the
 * API answers with (also used by the OpenAPI document). Strict: unknown fields are refused and
 * every string is bounded.
 */
import * as z from 'zod';
import { addressFields, licenseNumberSchema, phone, text } from '../schemas/common.ts';
import { isKnownStateSystem, linkableStateSystems, linkIdentityFields, requiredLinkFields } from '../state-system/capabilities.ts';
import { consentStatusView } from '../state-system/biotrack/representation.ts';
import { stateSystemConnectionView } from '../state-system/connections.ts';

const timestamp = z.iso.datetime({ offset: true });

/** One list of state systems for the whole hub: the registry's, and `none`. */
export const stateSystemAdapters = linkableStateSystems;
export type StateSystemAdapter = (typeof linkableStateSystems)[number];

/** Licensed premises are in New York. */
export const premisesAddressSchema = z.strictObject({ ...addressFields, state: z.literal('NY').default('NY') });

/**
 * How the licensee reports to the state: its adapter and the identifiers that system knows it by,
 * which may differ from the OCM license number. Each system's folder says which identity fields
 * its link carries and requires; the shape holds them all.
 */
export const stateSystemLinkSchema = z
  .strictObject({
    adapter: z.enum(stateSystemAdapters),
    stateLicenseNumber: text(64).optional(),
    ...linkIdentityFields,
  })
  .check((ctx) => {
    const { adapter, stateLicenseNumber } = ctx.value;
    if (!isKnownStateSystem(adapter)) return;
    if (stateLicenseNumber === undefined) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: ['stateLicenseNumber'], message: 'Required for a licensee that reports to a state system' });
    }
    for (const [field, message] of Object.entries(requiredLinkFields(adapter))) {
      if ((ctx.value as Readonly<Record<string, unknown>>)[field] === undefined) ctx.issues.push({ code: 'custom', input: ctx.value, path: [field], message });
    }
  });

export const licenseeRegistrationSchema = z.strictObject({
  licenseNumber: licenseNumberSchema,
  legalName: text(200),
  dba: text(200).optional(),
  premisesAddress: premisesAddressSchema,
  phone,
  stateSystem: stateSystemLinkSchema,
  /** OCM: a licensee that lost access to the state system may not send or receive transfers. */
  stateSystemAccess: z.enum(['active', 'lost']).default('active'),
});

export type LicenseeRegistration = z.input<typeof licenseeRegistrationSchema>;

export const createApiKeyBody = z
  .strictObject({ label: text(100).meta({ description: 'What the key is for, e.g. "ERP integration"' }) })
  .meta({ id: 'ApiKeyInput' });

export const apiKeyListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const apiKeyView = z
  .object({
    id: z.string(),
    label: z.string(),
    status: z.enum(['active', 'revoked']),
    createdAt: timestamp,
    createdByKeyId: z.string().optional().meta({ description: 'The key that created this one; absent for keys issued at onboarding' }),
    revokedAt: timestamp.optional(),
    revokedByKeyId: z.string().optional(),
  })
  .meta({ id: 'ApiKey', description: 'An API key without its secret' });

export const createdApiKeyView = z
  .object({ ...apiKeyView.shape, apiKey: z.string().meta({ description: 'The key itself. Shown once: only its hash is stored.' }) })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyPage = z.object({ items: z.array(apiKeyView), cursor: z.string().optional() }).meta({ id: 'ApiKeyPage' });

export const meView = z
  .object({
    id: z.string(),
    licenseNumber: z.string(),
    licenseType: z.string(),
    licenseTypeName: z.string().optional(),
    legalName: z.string(),
    dba: z.string().optional(),
    premisesAddress: premisesAddressSchema,
    phone: z.string(),
    stateSystem: stateSystemLinkSchema,
    stateSystemAccess: z.enum(['active', 'lost']),
    integrated: z.boolean().meta({ description: 'Reports to the state system through its API' }),
    apiKeyId: z.string().meta({ description: 'The key this request was made with' }),
    stateSystemConsent: consentStatusView.optional().meta({ description: "The license admin's 100-day consent to the hub in the NY-API; warns from 14 days before" }),
    stateSystemConnections: z
      .array(stateSystemConnectionView)
      .meta({ description: "The licensee's connection to each state system the hub reports to, in the same terms for every system; the one its link names first" }),
    stateSystemAttention: z
      .object({
        refused: z.int().meta({ description: 'Transfers whose step the state system refused and that this licensee must correct' }),
        overdue: z.int().meta({ description: 'Steps a person owes the state system past their deadline (systems whose steps need a person)' }),
        discrepancies: z.int().meta({ description: 'Open differences between what the hub recorded and what the state system shows, found by this licensee\'s reconciliation' }),
      })
      .meta({ description: 'What waits on this licensee at the state system; list them with GET /v1/transfers' }),
  })
  .meta({ id: 'Me', description: "The caller's licensee profile and state-system link" });
