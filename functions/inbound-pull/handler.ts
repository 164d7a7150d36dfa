/**
 * Every five minutes (an EventBridge schedule in AWS, a timer in local mode): the reconciler, for
 * each state system and each licensee connected to it, reads back what the state shows (transfers
 * addressed to the licensee, what became of its own) and hands it to the domain.
 */
import { readConfig } from '#shared/config.ts';
import { reconcileAll } from '#shared/reconciliation/run.ts';
import { reconcilerDeps } from '#shared/wiring/reconciler.ts';
import type { ReconcilerRunDeps } from '#shared/wiring/reconciler.ts';

export function createHandler(deps: ReconcilerRunDeps) {
  return () => reconcileAll(deps);
}

export const handler = createHandler(await reconcilerDeps(readConfig()));
