/**
 * What the emulator lets a test or a first sandbox run decide: every behaviour metrc.md marks
 * [inferred] is a setting here, with the reading we believe in as its default.
 */
import * as z from 'zod';

const isoDate = z.iso.date();
const positiveInt = z.int().positive();

export const facilityRoles = ['cultivator', 'processor', 'distributor', 'dispensary', 'microbusiness', 'laboratory', 'other'] as const;
export type FacilityRole = (typeof facilityRoles)[number];

export const metrcConfigSchema = z.strictObject({
  /** Integrator keys (the Basic-auth username) the emulator accepts. */
  vendorKeys: z.array(z.string().min(1)).min(1).prefault(['hub-local-vendor-key']),
  /** metrc.md §1 [inferred]: objects per write call; more answer 413. */
  maxObjectsPerWrite: positiveInt.prefault(10),
  /** metrc.md §1 [sourced]: `pageSize` must not exceed 20. */
  maxPageSize: positiveInt.prefault(20),
  /** Pages of this size when only `pageNumber` is sent [inferred]. */
  defaultPageSize: positiveInt.prefault(20),
  window: z
    .strictObject({
      /**
       * `ny-observed` (default): any `lastModifiedStart/End` window is accepted, as NY production did.
       * `strict-24h`: a window longer than `maxHours` is refused with 400, as Metrc documents classically.
       */
      mode: z.enum(['ny-observed', 'strict-24h']).prefault('ny-observed'),
      maxHours: z.number().positive().prefault(24),
      /** A list call without a window answers only what changed in the last N hours: the "silent subset" [inferred size]. */
      unwindowedRecentHours: z.number().positive().prefault(24),
    })
    .prefault({}),
  /** metrc.md §1 [sourced as what clients implement]: GET limits; 429 with Retry-After over them. */
  rateLimits: z
    .strictObject({
      enabled: z.boolean().prefault(true),
      perFacilityPerSecond: positiveInt.prefault(50),
      perIntegratorPerSecond: positiveInt.prefault(150),
      concurrentPerFacility: positiveInt.prefault(10),
      concurrentPerIntegrator: positiveInt.prefault(30),
      retryAfterSeconds: z.int().nonnegative().prefault(1),
    })
    .prefault({}),
  /** New York rules (metrc.md §5) by effective date; `null` turns a rule off. Dates are New York dates. */
  rules: z
    .strictObject({
      /** NY_IB_0010: a variance up to `confirmUpToPercent` must be confirmed at receipt; above it cannot be accepted. */
      variance: z.strictObject({ effective: isoDate, confirmUpToPercent: z.number().nonnegative().prefault(5) }).nullable().prefault({ effective: '2026-03-17' }),
      /** NY_IB_0011: distributor → dispensary packages must be Finished Goods, carry Retail Item IDs and have passed testing; checked at registration. */
      finishedGoodsToDispensary: z.strictObject({ effective: isoDate }).nullable().prefault({ effective: '2026-03-31' }),
      /** Retail Item IDs on every unit, from one role to another, checked at registration. */
      retailIds: z
        .array(z.strictObject({ from: z.enum(facilityRoles), to: z.enum(facilityRoles), effective: isoDate }))
        .prefault([
          { from: 'processor', to: 'distributor', effective: '2025-12-17' },
          { from: 'distributor', to: 'dispensary', effective: '2026-02-28' },
        ]),
    })
    .prefault({}),
  registration: z
    .strictObject({
      /** metrc.md §3 [inferred]: a transfer registered from an API template carries `OriginatingTemplateId`. */
      fillOriginatingTemplateId: z.boolean().prefault(true),
      /** [inferred]: the registered transfer keeps the template's `Name` (NY outgoing rows recorded it null). */
      keepTemplateName: z.boolean().prefault(true),
    })
    .prefault({}),
  /** [inferred] Facility local time zone: request times without an offset are read in it. */
  timeZone: z.string().min(1).prefault('America/New_York'),
  /** Refuse a query parameter a route does not take (400). Metrc itself probably ignores it; the emulator is stricter so a misspelled filter shows. */
  strictQuery: z.boolean().prefault(true),
  /** Routes answered 405 as purged, as `'<METHOD> <path template>'`, e.g. `'GET /transfers/v1/templates'`. */
  purgedRoutes: z.array(z.string().regex(/^(GET|POST|PUT|DELETE) \/\S*$/)).prefault([]),
});

export type MetrcConfig = z.output<typeof metrcConfigSchema>;
export type MetrcConfigInput = z.input<typeof metrcConfigSchema>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A partial change over the current settings: objects merge, everything else replaces. */
export function mergeConfig(base: unknown, change: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(change)) return change;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(change)) out[key] = key in base ? mergeConfig(base[key], value) : value;
  return out;
}
