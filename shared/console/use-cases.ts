/**
 * What the console's pages read and do, through the API's own use-cases (no second path): the
 * person's caller (from the session) goes to the same transfer use-cases an API key's does, which
 * apply the party rule; the console adds the person's role (`allows`), which only narrows it.
 */
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import { isOverdue } from '../domain/submission/submission.ts';
import * as domain from '../domain/transfer/index.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { Caller } from '../http/caller.ts';
import { manifestDownload } from '../manifests/use-cases.ts';
import { allows } from '../people/person.ts';
import type { Permission } from '../people/person.ts';
import type { CurrentSession, PeopleDeps } from '../people/use-cases.ts';
import type { StoredDiscrepancy } from '../reconciliation/discrepancies.ts';
import type { Page } from '../repositories/paging.ts';
import { receiptCapabilities, stateSystemConnections } from '../state-system/capabilities.ts';
import { isKnownStateSystem } from '../state-system/capabilities.ts';
import type { ConnectionStore, StateSystemConnection } from '../state-system/connections.ts';
import type { StoredSubmission, SubmissionRepository } from '../submissions/repository.ts';
import { manifestAnswer } from '../transfers/manifest-answer.ts';
import type { ListedTransfer } from '../transfers/repository.ts';
import { stateSystemOf } from '../transfers/state-system.ts';
import * as transfers from '../transfers/use-cases.ts';
import type { IssuedLink, StoredTransfer, TransferSummary } from '../transfers/use-cases.ts';
import type { ExpectedVersion } from '../versions.ts';
import type { TransferApiDeps } from '../wiring/transfers.ts';
import { routes } from '../routes.ts';

export interface ConsoleDeps {
  readonly people: PeopleDeps;
  readonly transfers: TransferApiDeps;
  readonly consent: Pick<ConnectionStore, 'consentDates'>;
  readonly submissions: Pick<SubmissionRepository, 'awaitingPerson'>;
  /** The transfer that last held a package tag (its reservation), if any. */
  readonly tagHolder: (tag: string) => Promise<string | undefined>;
  readonly secureCookies: boolean;
}

/** A list row as the console reads it: the index's summary is the transfer's `TransferSummary`. */
export type Row = Omit<ListedTransfer, 'summary'> & { readonly summary: TransferSummary; readonly stateSystem: StateSystemStatus };

/** The API's list use-case, its rows with their summary typed. */
async function listed(deps: ConsoleDeps, caller: Caller, direction: Direction | 'carrying', options: Parameters<typeof transfers.listTransfers>[3]): Promise<Page<Row>> {
  return (await transfers.listTransfers(deps.transfers, caller, direction, options)) as Page<Row>;
}

/** Still owed a receipt: manifested and neither received nor cancelled. */
const openStatuses: readonly string[] = ['MANIFESTED', 'IN_TRANSIT', 'ARRIVED'];
const DAY_MS = 24 * 3600 * 1000;
/** How many of the newest transfers each way Today looks through. */
export const TODAY_WINDOW = 100;

export interface AwaitedStep {
  readonly submission: StoredSubmission;
  readonly overdue: boolean;
  readonly label: string;
}

export interface TodayView {
  readonly toReceive: readonly Row[];
  readonly drafts: readonly Row[];
  readonly stateSteps: readonly AwaitedStep[];
  readonly overdue: readonly AwaitedStep[];
  readonly problems: readonly Row[];
  readonly unaccepted: readonly Row[];
  /** Connections that need someone: expiring, revoked, to be made again (the licensee's own system only). */
  readonly connections: readonly StateSystemConnection[];
}

export const rowLabel = (row: Pick<Row, 'id' | 'summary'>): string => (row.summary.manifestNumber ? `Manifest ${row.summary.manifestNumber}` : `Draft ${row.id.slice(-6)}`);

/** The state system refused a step, or a step is stuck (its delivery stopped, or it waits for a reconnection). */
export function needsAttention(state: StateSystemStatus): boolean {
  if (state.status === 'refused') return true;
  return state.status === 'pending' && (state.code !== undefined || /operator|approves/.test(state.detail ?? ''));
}

/** The moment an open transfer was last heard of on the road: it left, arrived, or (not yet gone) was due to leave. */
const lastMove = (row: Row): string | undefined => row.summary.arrivedAt ?? row.summary.departedAt ?? row.summary.estimatedDeparture;

/** Today: what needs this person now, read through the same use-cases as the API's lists and `/v1/me`. */
export async function today(deps: ConsoleDeps, session: CurrentSession): Promise<TodayView> {
  const { caller, licensee } = session;
  const now = deps.transfers.now();
  const adapter = licensee.stateSystem.adapter;
  const [outgoing, incoming, awaited, connections] = await Promise.all([
    listed(deps, caller, 'outgoing', { limit: TODAY_WINDOW }),
    listed(deps, caller, 'incoming', { limit: TODAY_WINDOW }),
    deps.submissions.awaitingPerson(caller.licenseeId, 50),
    isKnownStateSystem(adapter) ? stateSystemConnections(deps.consent, licensee.id, adapter, now) : Promise.resolve([]),
  ]);
  const rows = [...outgoing.items, ...incoming.items];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const steps = awaited.map((submission) => {
    const row = byId.get(submission.transferId);
    return { submission, overdue: isOverdue(submission, now), label: row ? rowLabel(row) : 'A transfer' };
  });
  const dayAgo = now.getTime() - DAY_MS;
  return {
    toReceive: incoming.items.filter((row) => openStatuses.includes(row.status)),
    drafts: outgoing.items.filter((row) => row.status === 'DRAFT'),
    stateSteps: steps.filter((step) => !step.overdue),
    overdue: steps.filter((step) => step.overdue),
    problems: rows.filter((row) => needsAttention(row.stateSystem)),
    unaccepted: rows.filter((row) => {
      const moved = lastMove(row);
      return openStatuses.includes(row.status) && moved !== undefined && Date.parse(moved) < dayAgo;
    }),
    connections: connections.filter((connection) => connection.system === adapter && connection.health !== 'connected'),
  };
}

export const directions = ['outgoing', 'incoming'] as const;
export type Direction = (typeof directions)[number];

export interface ListRequest {
  readonly direction: Direction;
  readonly status?: domain.TransferStatus;
  readonly q?: string;
  readonly cursor?: string;
}

export const LIST_PAGE = 25;

/** What a person types, as the stored names and numbers may spell it: as typed, in capitals (manifest numbers), each word capitalized (company names). */
export const spellingsOf = (q: string): string[] => [...new Set([q, q.toUpperCase(), q.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase())])];

/**
 * A page of the list, through the API's list use-case (its status filter, its search, its cursor).
 * A whole package tag is looked up where it was reserved: the transfer that carries it.
 */
export async function transferList(deps: ConsoleDeps, caller: Caller, request: ListRequest): Promise<Page<Row>> {
  const q = request.q?.trim();
  if (q && domain.anyPackageTag.test(q) && !request.cursor) {
    const id = await deps.tagHolder(q);
    const found = id ? await visible(deps, caller, id) : undefined;
    const sideOk = found && (request.direction === 'outgoing' ? found.shipperId === caller.licenseeId : found.shipperId !== caller.licenseeId);
    if (!found || !sideOk || (request.status && found.status !== request.status)) return { items: [] };
    return { items: [{ ...found, stateSystem: await stateSystemOf(deps.transfers, found, deps.transfers.now()) }] };
  }
  return listed(deps, caller, request.direction, {
    limit: LIST_PAGE,
    ...(request.status ? { status: request.status } : {}),
    ...(q ? { search: spellingsOf(q) } : {}),
    ...(request.cursor ? { cursor: request.cursor } : {}),
  });
}

/** The transfer if the caller may see it (the API's rule); another licensee's is none. */
async function visible(deps: ConsoleDeps, caller: Caller, id: string): Promise<StoredTransfer | undefined> {
  try {
    return await transfers.getTransfer(deps.transfers, caller, id);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export type PartyRole = 'shipper' | 'receiver' | 'transporter';

export function partyRoles(transfer: StoredTransfer, caller: Caller): PartyRole[] {
  return [
    ...(transfer.shipperId === caller.licenseeId ? ['shipper' as const] : []),
    ...(transfer.receiverLicenseeId === caller.licenseeId ? ['receiver' as const] : []),
    ...(transfer.transporterLicenseeId === caller.licenseeId ? ['transporter' as const] : []),
  ];
}

/** The console's actions: what each is in the transfer's lifecycle, the role a person needs, the party that may (as the API's rule says). */
export const consoleActions = {
  manifest: { lifecycle: 'manifest', permission: 'manifest', parties: ['shipper'] },
  discard: { lifecycle: 'discard', permission: 'edit-drafts', parties: ['shipper'] },
  depart: { lifecycle: 'depart', permission: 'depart', parties: ['shipper', 'transporter'] },
  arrive: { lifecycle: 'arrive', permission: 'arrive', parties: ['shipper', 'transporter'] },
  void: { lifecycle: 'void', permission: 'manifest', parties: ['shipper'] },
  'receipt-link': { lifecycle: 'manifest', permission: 'manifest', parties: ['shipper'] },
} as const satisfies Record<string, { lifecycle: domain.TransferAction; permission: Permission; parties: readonly PartyRole[] }>;
export type ConsoleAction = keyof typeof consoleActions;
export const isConsoleAction = (name: string): name is ConsoleAction => Object.hasOwn(consoleActions, name);

/** The actions this person may take on the transfer now: its state allows it, their company's part in it and their role. */
export function actionsFor(transfer: StoredTransfer, session: CurrentSession): ConsoleAction[] {
  const allowed = domain.allowedActions(transfer.status, receiptCapabilities(transfer));
  const parties = partyRoles(transfer, session.caller);
  return (Object.keys(consoleActions) as ConsoleAction[]).filter((name) => {
    const action = consoleActions[name];
    if (!allows(session.person.roles, action.permission) || !parties.some((party) => (action.parties as readonly PartyRole[]).includes(party))) return false;
    if (name === 'receipt-link') return transfer.receiptLink !== undefined && domain.reservesTags(transfer.status) && transfer.status !== 'ARRIVED';
    return allowed.includes(action.lifecycle);
  });
}

/** Pages of the console's forms (new transfer, a draft, receiving), offered where the route table serves them. */
export type FormPage = 'new' | 'edit' | 'receive';
const formRoutes: Readonly<Record<FormPage, string>> = { new: 'GET /console/transfers/new', edit: 'GET /console/transfers/{id}/edit', receive: 'GET /console/transfers/{id}/receive' };
const served = new Set(routes.map((route) => `${route.method} ${route.path}`));
export const formServed = (page: FormPage): boolean => served.has(formRoutes[page]);

/** The forms this person may open for the transfer: change its draft, receive it. */
export function formsFor(transfer: StoredTransfer, session: CurrentSession): Exclude<FormPage, 'new'>[] {
  const allowed = domain.allowedActions(transfer.status, receiptCapabilities(transfer));
  const parties = partyRoles(transfer, session.caller);
  const roles = session.person.roles;
  return [
    ...(allowed.includes('update') && parties.includes('shipper') && allows(roles, 'edit-drafts') ? ['edit' as const] : []),
    ...(allowed.includes('receive') && parties.includes('receiver') && allows(roles, 'receive') ? ['receive' as const] : []),
  ].filter(formServed);
}

export interface TransferView {
  readonly transfer: StoredTransfer;
  readonly state: Awaited<ReturnType<typeof stateSystemOf>>;
  readonly differences: readonly StoredDiscrepancy[];
  readonly events: readonly domain.TransferEvent[];
  readonly submissions: readonly StoredSubmission[];
  readonly actions: readonly ConsoleAction[];
  readonly forms: readonly Exclude<FormPage, 'new'>[];
  /** The receipt link, for the shipper to copy, while one works. */
  readonly receiptLink?: IssuedLink;
  /** Names of the company's people who acted, by id. */
  readonly actors: ReadonlyMap<string, string>;
  readonly parties: readonly PartyRole[];
}

export async function transferView(deps: ConsoleDeps, session: CurrentSession, id: string): Promise<TransferView> {
  const { caller } = session;
  const transfer = transfers.asSeenBy(await transfers.getTransfer(deps.transfers, caller, id), caller);
  const [state, events, submissions] = await Promise.all([
    stateSystemOf(deps.transfers, transfer, deps.transfers.now()),
    transfers.transferEvents(deps.transfers, caller, id),
    transfers.transferSubmissions(deps.transfers, caller, id),
  ]);
  const parties = partyRoles(transfer, caller);
  const receiptLink = parties.includes('shipper') && allows(session.person.roles, 'manifest') ? await transfers.issuedLink(deps.transfers, transfer) : undefined;
  const personIds = [...new Set(events.flatMap((event) => (event.actor.licenseeId === caller.licenseeId && event.actor.personId ? [event.actor.personId] : [])))];
  const people = await Promise.all(personIds.map(async (personId) => [personId, (await deps.people.people.get(caller.licenseeId, personId))?.name] as const));
  return {
    transfer,
    state,
    differences: state.differences ?? [],
    events,
    submissions,
    actions: actionsFor(transfer, session),
    forms: formsFor(transfer, session),
    ...(receiptLink ? { receiptLink } : {}),
    actors: new Map(people.flatMap(([personId, name]) => (name ? [[personId, name]] : []))),
    parties,
  };
}

export type ActionOutcome = { readonly transfer: StoredTransfer; readonly notice: string; readonly receiptLink?: IssuedLink; readonly warnings?: readonly string[] };

/**
 * One action from a console form, through the API's use-case for it. Refused (403) when the
 * person's role does not allow it; the use-case then applies the party rule, the state and the version.
 */
export async function act(deps: ConsoleDeps, session: CurrentSession, id: string, action: ConsoleAction, form: URLSearchParams): Promise<ActionOutcome> {
  const definition = consoleActions[action];
  if (!allows(session.person.roles, definition.permission)) throw new ForbiddenError('role-not-permitted', 'Your role does not allow this');
  const { caller } = session;
  const version = Number(form.get('version'));
  // The version the page showed: a change made meanwhile (by anyone) is not overwritten blindly.
  const shown: ExpectedVersion = Number.isInteger(version) && version > 0 ? version : null;
  // Leaving and arriving are facts on the road: the lifecycle refuses them twice, and a change made
  // meanwhile in the background (the state's manifest number noted) must not turn a driver away.
  const expected: ExpectedVersion = action === 'depart' || action === 'arrive' ? undefined : shown;
  const d = deps.transfers;
  switch (action) {
    case 'manifest': {
      const answer = await manifestAnswer(d, caller, id, expected, d.stateVerdictWaitMs);
      return { transfer: answer.transfer, notice: 'The manifest is issued.', ...(answer.link ? { receiptLink: answer.link } : {}), warnings: answer.warnings.map((w) => w.message) };
    }
    case 'discard':
      return { transfer: await transfers.discardTransfer(d, caller, id, expected), notice: 'The draft is thrown away.' };
    case 'depart': {
      const { transfer, warnings } = await transfers.departTransfer(d, caller, id, {}, expected);
      return { transfer, notice: 'Departure recorded.', warnings: warnings.map((w) => w.message) };
    }
    case 'arrive':
      return { transfer: await transfers.arriveTransfer(d, caller, id, {}, expected), notice: 'Arrival recorded.' };
    case 'void': {
      const body = domain.voidBody.parse({ reason: (form.get('reason') ?? '').trim() });
      return { transfer: await transfers.voidTransfer(d, caller, id, body, expected), notice: 'The transfer is cancelled.' };
    }
    case 'receipt-link': {
      const { transfer, link } = await transfers.issueReceiptLink(d, caller, id, expected);
      return { transfer, notice: 'A new receipt link is ready; the one before no longer works.', ...(link ? { receiptLink: link } : {}) };
    }
  }
}

/** A short-lived address of the manifest's PDF (the current version), as the API's manifest download gives it. */
export async function manifestPdfUrl(deps: ConsoleDeps, caller: Caller, id: string): Promise<string> {
  return (await manifestDownload(deps.transfers, caller, id)).url;
}

export interface Trip {
  readonly row: Row;
  /** The driver is on its manifest (by e-mail in the driver registry); otherwise the trip is the company's. */
  readonly mine: boolean;
}

/**
 * Today's trips: the company's transfers that leave today (New York time) or are on the road, as
 * shipper or carrier; the driver's own first, known by their e-mail in the driver registry.
 */
export async function trips(deps: ConsoleDeps, session: CurrentSession): Promise<readonly Trip[]> {
  const { caller } = session;
  const now = deps.transfers.now();
  const [outgoing, carrying] = await Promise.all([
    listed(deps, caller, 'outgoing', { limit: TODAY_WINDOW }),
    listed(deps, caller, 'carrying', { limit: TODAY_WINDOW }),
  ]);
  const day = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(iso));
  const todayIs = day(now.toISOString());
  const seen = new Set<string>();
  const rows = [...outgoing.items, ...carrying.items].filter((row) => {
    if (seen.has(row.id)) return false;
    seen.add(row.id);
    if (row.status === 'IN_TRANSIT') return true;
    return row.status === 'MANIFESTED' && row.summary.estimatedDeparture !== undefined && day(row.summary.estimatedDeparture) <= todayIs;
  });
  // The person's own entries in the driver registry, by the e-mail both carry.
  const drivers = await deps.transfers.registries.list('driver', caller.licenseeId, { status: 'all', limit: 100 });
  const email = session.person.email.toLowerCase();
  const own = new Set(drivers.items.filter((driver) => driver.data.email?.toLowerCase() === email).map((driver) => driver.id));
  const mine = await Promise.all(
    rows.map(async (row) => {
      if (own.size === 0) return false;
      const transfer = await deps.transfers.transfers.get(row.id);
      return (transfer?.manifest?.parties.drivers ?? []).some((driver) => own.has(driver.driverId));
    }),
  );
  return rows.map((row, i) => ({ row, mine: mine[i] ?? false })).sort((a, b) => Number(b.mine) - Number(a.mine));
}
