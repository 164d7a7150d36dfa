/**
 * Injected faults, as in the NY-API emulator: per route, latency and a seeded, deterministic share of
 * 429s, 5xx, timeouts and commit-then-drop, a late commit; a rule may be limited to its first N requests.
 */
import * as z from 'zod';
import { seededRandom } from '../seeded-random.ts';

const share = z.number().min(0).max(1);

export const faultRuleSchema = z.strictObject({
  /** `'*'` or `'<METHOD> <path template>'`, e.g. `'GET /transfers/v2/outgoing'`. */
  route: z.string().min(1),
  latencyMs: z.int().nonnegative().optional(),
  /** Held this long, then applied even if the caller has gone; answered if anyone still listens. */
  lateCommitMs: z.int().nonnegative().optional(),
  rate429: share.optional(),
  retryAfterSeconds: z.int().nonnegative().optional(),
  rate5xx: share.optional(),
  status5xx: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  rateTimeout: share.optional(),
  timeoutMs: z.int().nonnegative().optional(),
  rateCommitThenDrop: share.optional(),
  times: z.int().positive().optional(),
});

export const faultConfigSchema = z.strictObject({ seed: z.int().optional(), rules: z.array(faultRuleSchema) });

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type FaultKind = '429' | '5xx' | 'timeout' | 'commit-then-drop';

export interface FaultDecision {
  readonly rule?: FaultRule;
  readonly kind?: FaultKind;
}


export class FaultPlan {
  readonly config: FaultConfig;
  readonly #random: () => number;
  readonly #uses = new Map<FaultRule, number>();

  constructor(config: FaultConfig = { rules: [] }) {
    this.config = config;
    this.#random = seededRandom(config.seed ?? 1);
  }

  /** The first matching rule not spent wins; one draw decides among its shares, in the order listed. */
  decide(method: string, template: string): FaultDecision {
    const key = `${method} ${template}`;
    const rule = this.config.rules.find(
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
    for (const [kind, rate] of kinds) {
      threshold += rate ?? 0;
      if (draw < threshold) return { rule, kind };
    }
    return { rule };
  }
}
