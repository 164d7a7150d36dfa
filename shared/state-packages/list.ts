/**
 * The package picker: the active packages the caller's license holds at its state system, found
 * by tag or product name, so a draft's lines are picked instead of typed (a mistyped tag cannot
 * happen). Served from the adapter (which reads and briefly keeps the facility's list) in neutral
 * terms; a state system without a package list says so.
 */
import * as z from 'zod';
import { licenseTypeOf } from '../domain/transfer/index.ts';
import type { Caller } from '../http/caller.ts';
import { HttpProblem } from '../http/problem.ts';
import type { PageCursors } from '../repositories/paging.ts';
import { text } from '../schemas/common.ts';
import type { StateAccounts } from '../submissions/deliver.ts';
import { StateSystemError } from '../state-system/port.ts';
import type { StatePackage, StateTrackingSystem } from '../state-system/port.ts';
import type { StateSystem } from '../domain/transfer/index.ts';

/** [inferred] The license type a dispensary's OCM license carries: each row says whether it could ship there now. */
const DISPENSARY_LICENSE_TYPE = 'RETL';

export const statePackageQuery = z.strictObject({
  // An empty search box lists everything.
  search: z
    .union([z.literal(''), text(100)])
    .optional()
    .meta({ description: 'Part of a tag or of a product name, case-insensitive; empty or absent: every active package' }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});
export type StatePackageListQuery = z.output<typeof statePackageQuery>;

export const statePackageView = z
  .object({
    tag: z.string(),
    productName: z.string(),
    category: z.string().optional(),
    quantity: z.number(),
    unit: z.string().meta({ description: "The hub's unit (each, g, …) when the state system's is one of them; otherwise the state system's name of it" }),
    labTest: z.enum(['passed', 'failed', 'pending', 'not-submitted', 'other']),
    labTestState: z.string().optional().meta({ description: "The lab state as the state system names it" }),
    finishedGood: z.boolean(),
    toDispensary: z
      .object({ allowed: z.boolean(), reasons: z.array(z.string()) })
      .meta({ description: 'Whether the state system would let it ship from this license to a dispensary now (its rules in force today), and in plain words why not' }),
  })
  .meta({ id: 'StatePackage' });

export const statePackagePage = z
  .object({ items: z.array(statePackageView), cursor: z.string().optional() })
  .meta({ id: 'StatePackagePage' });

export interface StatePackageDeps {
  readonly accounts: Pick<StateAccounts, 'account'>;
  readonly systems: Partial<Record<StateSystem, StateTrackingSystem>>;
  readonly licensees: { get(id: string): Promise<{ readonly licenseNumber: string } | undefined> };
  readonly cursors: PageCursors;
}

/** The state system's answer, as the caller must read it: not connected, refused, or not reachable now. */
function unavailable(error: StateSystemError): HttpProblem {
  if (error.kind === 'consent-expired') {
    return new HttpProblem({ status: 409, code: 'state-system-not-connected', title: 'The hub cannot act for this license at its state system', detail: error.message });
  }
  if (error.kind === 'transient') {
    return new HttpProblem({
      status: 503,
      code: 'state-system-unavailable',
      title: 'The state system did not answer in time',
      detail: 'Try again in a moment.',
      ...(error.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) }),
    });
  }
  return new HttpProblem({ status: 502, code: 'state-system-refused', title: 'The state system refused to list the packages', detail: error.message });
}

export async function listStatePackages(deps: StatePackageDeps, caller: Caller, query: StatePackageListQuery): Promise<{ items: readonly StatePackage[]; cursor?: string }> {
  const account = await deps.accounts.account(caller.licenseeId, caller.apiKeyId);
  if (!account) {
    throw new HttpProblem({ status: 409, code: 'not-integrated', title: 'This license reports to no state system', detail: 'Only a license linked to a state system has packages there.' });
  }
  const system = deps.systems[account.system];
  if (!system?.listPackages) throw new HttpProblem({ status: 404, code: 'no-package-list', title: 'This state system offers no package list', detail: 'Type or scan the package tags instead.' });
  // A cursor continues only the list, caller and search it came from.
  const scope = `state-packages\n${caller.licenseeId}\n${query.search ?? ''}`;
  const afterTag = query.cursor === undefined ? undefined : (await deps.cursors.open(query.cursor, scope))[0];
  const profile = await deps.licensees.get(caller.licenseeId);
  const shipperLicenseType = profile && licenseTypeOf(profile.licenseNumber);
  try {
    const page = await system.listPackages(account, {
      ...(query.search ? { search: query.search } : {}),
      ...(afterTag ? { afterTag } : {}),
      limit: query.limit,
      dispensaryShipment: { ...(shipperLicenseType ? { shipperLicenseType } : {}), receiverLicenseType: DISPENSARY_LICENSE_TYPE },
    });
    const last = page.items.at(-1);
    return { items: page.items, ...(page.more && last ? { cursor: await deps.cursors.seal({ after: last.tag }, scope) } : {}) };
  } catch (error) {
    if (error instanceof StateSystemError) throw unavailable(error);
    throw error;
  }
}
