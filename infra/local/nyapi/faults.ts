/**
 * Injected faults (ny-api.md §6): per route, latency and a seeded, deterministic share of 429s, 5xx,
 * timeouts and commit-then-drop, a late commit, plus the legacy 200-with-`success:0` error mode. A rule
 * may be limited to the first N requests it matches.
 */
import * as z from 'zod';
import { seededRandom } from '../seeded-random.ts';

const rate = z.number().min(0).max(1);

export const faultRuleSchema = z.object({
  /** `'*'` or `'<METHOD> <path template>'`, e.g. `'PUT /v1/inventory/transfer/{id}/receive'`. */
  route: z.string().min(1),
  /** Added before anything else; the work is abandoned if the client leaves meanwhile. */
  latencyMs: z.number().int().nonnegative().optional(),
  /** A slow server: the request is held this long, then applied even if the client has gone; answered if anyone still listens. */
  lateCommitMs: z.number().int().nonnegative().optional(),
  rate429: rate.optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  rate5xx: rate.optional(),
  status5xx: z.union([z.literal(500), z.literal(502), z.literal(503)]).optional(),
  rateTimeout: rate.optional(),
  timeoutMs: z.number().int().nonnegative().optional(),
  rateCommitThenDrop: rate.optional(),
  legacyErrors: z.boolean().optional(),
  /** The rule applies to the first `times` requests it matches, then is spent and the next matching rule applies. */
  times: z.number().int().positive().optional(),
});

export const faultConfigSchema = z.object({ seed: z.number().int().optional(), rules: z.array(faultRuleSchema) });

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type FaultKind = '429' | '5xx' | 'timeout' | 'commit-then-drop' | 'late-commit';

export interface FaultDecision {
  readonly rule?: FaultRule;
  readonly kind?: FaultKind;
}


export class FaultPlan {
  readonly #rules: readonly FaultRule[];
  readonly #random: () => number;
  /** Requests each rule has applied to, for `times`. */
  readonly #uses = new Map<FaultRule, number>();

  constructor(config: FaultConfig = { rules: [] }) {
    this.#rules = config.rules;
    this.#random = seededRandom(config.seed ?? 1);
  }

  /** The first matching rule that is not spent wins; one draw decides among its rates, tried in order. */
  decide(method: string, template: string): FaultDecision {
    const key = `${method} ${template}`;
    const rule = this.#rules.find(
      (candidate) => (candidate.route === '*' || candidate.route === key) && (candidate.times === undefined || (this.#uses.get(candidate) ?? 0) < candidate.times),
    );
    if (!rule) return {};
    this.#uses.set(rule, (this.#uses.get(rule) ?? 0) + 1);
    const draw = this.#random();
    let threshold = 0;
    const kinds: [FaultKind, number | undefined][] = [
      ['429', rule.rate429],
      ['5xx', rule.rate5xx],
      ['timeout', rule.rateTimeout],
      ['commit-then-drop', rule.rateCommitThenDrop],
    ];
    for (const [kind, share] of kinds) {
      threshold += share ?? 0;
      if (draw < threshold) return { rule, kind };
    }
    return { rule };
  }
}
