/**
 * Metrc's GET limits (metrc.md §1): requests per second per facility and per integrator key over a
 * sliding one-second window, and GETs in flight at once per facility and per integrator.
 */
import type { MetrcConfig } from './config.ts';

export type LimitVerdict = { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly reason: string };

export class GetLimiter {
  readonly #recent = new Map<string, number[]>();
  readonly #inFlight = new Map<string, number>();

  /** Counts one GET against both budgets, or says which one it would exceed (nothing is counted then). */
  admit(limits: MetrcConfig['rateLimits'], nowMs: number, integrator: string, facility: string): LimitVerdict {
    const facilityKey = `facility:${facility}`;
    const integratorKey = `integrator:${integrator}`;
    const recent = (key: string) => (this.#recent.get(key) ?? []).filter((at) => at > nowMs - 1000);
    const facilityRecent = recent(facilityKey);
    const integratorRecent = recent(integratorKey);
    this.#recent.set(facilityKey, facilityRecent);
    this.#recent.set(integratorKey, integratorRecent);
    if (facilityRecent.length >= limits.perFacilityPerSecond) return { ok: false, reason: `more than ${limits.perFacilityPerSecond} GET requests per second for the facility` };
    if (integratorRecent.length >= limits.perIntegratorPerSecond) return { ok: false, reason: `more than ${limits.perIntegratorPerSecond} GET requests per second for the integrator` };
    if ((this.#inFlight.get(facilityKey) ?? 0) >= limits.concurrentPerFacility) return { ok: false, reason: `more than ${limits.concurrentPerFacility} concurrent GET requests for the facility` };
    if ((this.#inFlight.get(integratorKey) ?? 0) >= limits.concurrentPerIntegrator) return { ok: false, reason: `more than ${limits.concurrentPerIntegrator} concurrent GET requests for the integrator` };
    facilityRecent.push(nowMs);
    integratorRecent.push(nowMs);
    for (const key of [facilityKey, integratorKey]) this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        for (const key of [facilityKey, integratorKey]) this.#inFlight.set(key, Math.max(0, (this.#inFlight.get(key) ?? 1) - 1));
      },
    };
  }
}
