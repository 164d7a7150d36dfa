/**
 * The console's pages: Today, the transfer lists, one transfer, the driver's trips, and the pages
 * that say no (not found, not allowed, a form that did not come from the hub). Every value goes
 * through `html`, so it is escaped; words are for people, never API terms.
 */
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import type { StoredSubmission } from '../submissions/repository.ts';
import { transferStatuses } from '../domain/transfer/index.ts';
import type { PartySnapshot, TransferLine, TransferStatus } from '../domain/transfer/index.ts';
import type { Page } from '../people/pages.ts';
import { consolePage, csrfField } from './layout.ts';
import type { Frame } from './layout.ts';
import { href, html, withQuery } from './html.ts';
import type { SafeHtml } from './html.ts';
import { rowLabel } from './use-cases.ts';
import type { ActionOutcome, AwaitedStep, ConsoleAction, Direction, FormPage, ListRequest, Row, TodayView, TransferView, Trip } from './use-cases.ts';
import { eventWords, stateBadge, stateWords, statusWords, stepWords, submissionStatusWords, when } from './words.ts';

const transferPath = (id: string) => `/console/transfers/${encodeURIComponent(id)}`;

const counterparty = (row: Row, direction: Direction | 'any', own: string): string => {
  const outgoing = direction === 'outgoing' || (direction === 'any' && row.shipperId === own);
  const name = outgoing ? row.summary.receiverName : row.summary.shipperName;
  return name ? `${outgoing ? 'To' : 'From'} ${name}` : 'Receiver not fixed until the manifest is issued';
};

function rowItem(row: Row, now: Date, own: string, extra?: SafeHtml): SafeHtml {
  return html`<li><a href="${href(transferPath(row.id))}"><strong>${rowLabel(row)}</strong></a> · ${statusWords[row.status as TransferStatus]} ${stateBadge(row.stateSystem, now)}
<div class="meta">${counterparty(row, 'any', own)} · ${row.summary.lineCount} package${row.summary.lineCount === 1 ? '' : 's'}${row.summary.estimatedDeparture ? ` · leaves ${when(row.summary.estimatedDeparture)}` : ''}</div>${extra ?? ''}</li>`;
}

function section(title: string, empty: string, items: readonly SafeHtml[]): SafeHtml {
  const id = title.toLowerCase().replace(/[^a-z]+/g, '-');
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${title} <span class="meta">(${items.length})</span></h2>
${items.length ? html`<ul class="cards">${items}</ul>` : html`<p class="meta">${empty}</p>`}</section>`;
}

const stepItem = (step: AwaitedStep): SafeHtml => {
  const wait = step.submission.awaitingPerson;
  return html`<li><a href="${href(transferPath(step.submission.transferId))}"><strong>${step.label}</strong></a>: ${stepWords[step.submission.step]}
<div>${wait?.instruction ?? ''}</div><div class="meta">Due ${when(wait?.deadline)}${step.overdue ? ' · overdue' : ''}</div></li>`;
};

const connectionWords: Readonly<Record<string, string>> = {
  expiring: 'The connection runs out soon',
  revoked: 'The state system no longer accepts the hub’s key',
  'reconnect-required': 'The hub must be approved again in the state system',
  missing: 'The hub is not connected to the state system yet',
};

export function todayPage(frame: Frame, view: TodayView, now: Date): Page {
  const own = frame.person.licenseeId;
  const problemItem = (row: Row) => rowItem(row, now, own, html`<div class="meta">${stepWords[row.stateSystem.step ?? 'manifest']}: ${stateWords(row.stateSystem) || row.stateSystem.detail || ''}</div>`);
  const body = html`<h1>Today</h1>
${view.connections.map(
  (c) => html`<p class="alert" role="status"><strong>${c.displayName}:</strong> ${connectionWords[c.health] ?? c.health}${c.expiresAt ? ` (${when(c.expiresAt)})` : ''}. An admin of your company can fix this.</p>`,
)}
<div class="two">
${section('To receive', 'Nothing is on its way to you.', view.toReceive.map((row) => rowItem(row, now, own)))}
${section('Drafts to finish', 'No drafts.', view.drafts.map((row) => rowItem(row, now, own)))}
${section('To do in the state system', 'Nothing waits for you in the state system.', view.stateSteps.map(stepItem))}
${section('Overdue', 'Nothing is overdue.', view.overdue.map(stepItem))}
${section('Refused or stuck', 'The state system refused nothing.', view.problems.map(problemItem))}
${section('Not received after a day', 'Every shipment was received within a day.', view.unaccepted.map((row) => rowItem(row, now, own)))}
</div>`;
  return consolePage({ ...frame, current: 'today' }, 'Today', body);
}

export interface ListView {
  readonly request: ListRequest;
  readonly rows: readonly Row[];
  readonly cursor?: string;
}

export function listPage(frame: Frame, view: ListView, now: Date): Page {
  const { direction, status, q } = view.request;
  const title = direction === 'outgoing' ? 'Outgoing transfers' : 'Incoming transfers';
  const options = transferStatuses.map((s) => html`<option value="${s}"${s === status ? html` selected` : ''}>${statusWords[s]}</option>`);
  const next = view.cursor ? withQuery('/console/transfers', { direction, status, q, cursor: view.cursor }) : undefined;
  const own = frame.person.licenseeId;
  const rows = view.rows.map(
    (row) => html`<tr><td><a href="${href(transferPath(row.id))}">${rowLabel(row)}</a></td><td>${counterparty(row, direction, own)}</td><td>${statusWords[row.status as TransferStatus]}</td><td>${stateBadge(row.stateSystem, now)}${
      row.stateSystem.status === 'refused' ? html`<div class="meta">${stateWords(row.stateSystem)}</div>` : ''
    }</td><td>${row.summary.lineCount}</td><td>${when(row.summary.departedAt ?? row.summary.estimatedDeparture)}</td></tr>`,
  );
  const body = html`<h1>${title}</h1>
<form method="get" action="/console/transfers" class="filters" role="search">
<input type="hidden" name="direction" value="${direction}">
<div><label for="q">Manifest number, package tag or company</label><input type="search" id="q" name="q" value="${q ?? ''}"></div>
<div><label for="status">Status</label><select id="status" name="status"><option value="">Any</option>${options}</select></div>
<button type="submit">Show</button>
</form>
${
  view.rows.length
    ? html`<div class="scroll"><table><caption class="meta">${q ? `Matching “${q}”` : 'Newest first'}</caption><thead><tr><th scope="col">Transfer</th><th scope="col">With</th><th scope="col">Status</th><th scope="col">State system</th><th scope="col">Packages</th><th scope="col">Leaves or left</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : html`<p>No transfers${q || status ? ' match' : ' yet'}.</p>`
}
<div class="pager">${view.request.cursor ? html`<a href="${href(withQuery('/console/transfers', { direction, status, q }))}">First page</a>` : ''}${next ? html`<a href="${href(next)}">More</a>` : ''}</div>`;
  return consolePage({ ...frame, current: direction }, title, body);
}

const actionLabels: Readonly<Record<ConsoleAction, string>> = {
  manifest: 'Issue the manifest',
  discard: 'Throw the draft away',
  depart: 'It left now',
  arrive: 'It arrived now',
  void: 'Cancel this transfer',
  'receipt-link': 'Make a new receipt link',
};

const formLabels: Readonly<Record<Exclude<FormPage, 'new'>, string>> = { edit: 'Change the draft', receive: 'Receive this shipment' };

function actionForm(id: string, action: ConsoleAction, view: TransferView, csrf: string, large = false): SafeHtml {
  const fields = html`${csrfField(csrf)}<input type="hidden" name="version" value="${view.transfer.version}">`;
  const target = href(`${transferPath(id)}/${action}`);
  if (action === 'void') {
    return html`<form method="post" action="${target}">${fields}<label for="void-reason">Why it is cancelled</label><input type="text" id="void-reason" name="reason" required maxlength="500"> <button type="submit" class="danger">${actionLabels.void}</button></form>`;
  }
  const kind = action === 'discard' ? 'danger' : action === 'receipt-link' ? 'secondary' : '';
  return html`<form method="post" action="${target}"${large ? html` class="big"` : ''}>${fields}<button type="submit"${kind ? html` class="${kind}"` : ''}>${actionLabels[action]}</button></form>`;
}

const partyBlock = (title: string, party: PartySnapshot | undefined): SafeHtml => {
  if (!party) return html``;
  const at = party.premisesAddress;
  return html`<dt>${title}</dt><dd>${party.legalName} · license ${party.licenseNumber}<br>${at.street}${at.unit ? `, ${at.unit}` : ''}, ${at.city}, ${at.state} ${at.zip} · ${party.phone}</dd>`;
};

const quantityOf = (line: TransferLine) => `${line.quantity} ${line.unit}`;

function stateSection(state: StateSystemStatus, now: Date): SafeHtml {
  const words = stateWords(state);
  const detail = state.status === 'awaiting-person' ? state.instruction : state.status === 'pending' ? state.detail : state.message;
  if (state.status === 'not-required') return html`<p class="meta">Nothing of this transfer is reported to the state system.</p>`;
  return html`<p>${stateBadge(state, now)} ${state.step ? `About ${stepWords[state.step]}.` : ''}</p>
${state.status === 'refused' ? html`<p class="alert">The state system said: ${words}</p>` : detail ? html`<p>${detail}</p>` : ''}
${state.status === 'pending' && words ? html`<p class="meta">Last answer: ${words}</p>` : ''}
${state.deadline ? html`<p class="meta">Due ${when(state.deadline)}</p>` : ''}
${state.stateManifestId ? html`<p class="meta">State manifest number ${state.stateManifestId}</p>` : ''}`;
}

const submissionRow = (submission: StoredSubmission): SafeHtml =>
  html`<tr><td>${stepWords[submission.step]}</td><td>${submissionStatusWords[submission.status]}${submission.awaitingPerson ? html`<div class="meta">${submission.awaitingPerson.instruction}</div>` : ''}</td><td>${
    submission.lastError ? `“${submission.lastError.message}” (${submission.lastError.code})` : ''
  }</td><td>${when(submission.succeededAt ?? submission.updatedAt)}</td></tr>`;

export function transferPage(frame: Frame, view: TransferView, now: Date, outcome?: Pick<ActionOutcome, 'notice' | 'receiptLink' | 'warnings'>, status = 200): Page {
  const { transfer } = view;
  const parties = transfer.manifest?.parties;
  const title = transfer.manifest ? `Manifest ${transfer.manifest.number}` : `Draft ${transfer.id.slice(-6)}`;
  const link = outcome?.receiptLink ?? view.receiptLink;
  const driverActions = view.actions.filter((a) => a === 'depart' || a === 'arrive');
  const otherActions = view.actions.filter((a) => a !== 'depart' && a !== 'arrive');
  const lines = transfer.content.lines.map(
    (line) => html`<tr><td class="tag">${line.tag}</td><td>${line.productName}<div class="meta">${line.category} · batch ${line.productionBatch}</div></td><td>${quantityOf(line)}</td><td>${line.labTestStatus}</td></tr>`,
  );
  const events = view.events.map((event) => {
    const who = event.actor.personId ? (view.actors.get(event.actor.personId) ?? 'A person') : event.actor.apiKeyId.startsWith('receipt-link') ? 'The receiver, by its receipt link' : 'Software, with an API key';
    return html`<li><strong>${eventWords[event.action]}</strong> · ${when(event.at)}<div class="meta">${event.summary} · ${who}</div></li>`;
  });
  const body = html`<p><a href="${href(`/console/transfers?direction=${view.parties.includes('shipper') ? 'outgoing' : 'incoming'}`)}">Back to the list</a></p>
<h1>${title}</h1>
${outcome?.notice ? html`<p class="notice" role="status">${outcome.notice}</p>` : ''}
${(outcome?.warnings ?? []).map((w) => html`<p class="alert">${w}</p>`)}
<p><strong>${statusWords[transfer.status]}</strong> · ${transfer.content.lines.length} package${transfer.content.lines.length === 1 ? '' : 's'}${transfer.manifest ? ` · version ${transfer.manifest.version}` : ''}</p>
${driverActions.length ? html`<div class="actions">${driverActions.map((a) => actionForm(transfer.id, a, view, frame.csrf, true))}</div>` : ''}
${view.forms.length ? html`<div class="actions">${view.forms.map((form) => html`<a class="button" href="${href(`${transferPath(transfer.id)}/${form}`)}">${formLabels[form]}</a>`)}</div>` : ''}
${transfer.manifest ? html`<p><a class="button secondary" href="${href(`${transferPath(transfer.id)}/manifest.pdf`)}">Open the manifest (PDF)</a></p>` : ''}
${
  link
    ? html`<div class="field"><label for="receipt-link">Receipt link for the receiver (works until ${when(link.validUntil)})</label><input type="text" id="receipt-link" readonly value="${link.url}" size="40"><p class="meta">Copy it into an e-mail or a text to the receiver.</p></div>`
    : ''
}
<h2>State system</h2>
${stateSection(view.state, now)}
${
  view.differences.length
    ? html`<h3>Differences with the state system</h3><ul class="cards">${view.differences.map((d) => html`<li>${d.message}${d.lines.length ? html`<div class="meta">${d.lines.map((l) => l.tag).join(', ')}</div>` : ''}</li>`)}</ul>`
    : ''
}
<h2>Who and what</h2>
<dl>
${partyBlock('From', parties?.shipper)}
${partyBlock('To', parties?.receiver)}
${partyBlock('Carrier', parties?.transporter)}
${parties ? html`<dt>Driver</dt><dd>${parties.drivers.map((d) => d.name).join(', ')}</dd>` : html`<dt>Parties</dt><dd>Fixed when the manifest is issued</dd>`}
${parties?.vehicle ? html`<dt>Vehicle</dt><dd>${parties.vehicle.color} ${parties.vehicle.make} ${parties.vehicle.model}${parties.vehicle.plate ? ` · ${parties.vehicle.plate}` : ''}</dd>` : ''}
${transfer.content.estimatedDeparture ? html`<dt>Leaves</dt><dd>${when(transfer.content.estimatedDeparture)}</dd>` : ''}
${transfer.content.estimatedArrival ? html`<dt>Arrives</dt><dd>${when(transfer.content.estimatedArrival)}</dd>` : ''}
${transfer.departedAt ? html`<dt>Left</dt><dd>${when(transfer.departedAt)}</dd>` : ''}
${transfer.arrivedAt ? html`<dt>Arrived</dt><dd>${when(transfer.arrivedAt)}</dd>` : ''}
</dl>
<h2>Packages</h2>
<div class="scroll"><table><thead><tr><th scope="col">Tag</th><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col">Lab test</th></tr></thead><tbody>${lines}</tbody></table></div>
${otherActions.length ? html`<h2>Actions</h2><div class="actions">${otherActions.map((a) => actionForm(transfer.id, a, view, frame.csrf))}</div>` : ''}
<h2>Reports to the state system</h2>
${
  view.submissions.length
    ? html`<div class="scroll"><table><thead><tr><th scope="col">Step</th><th scope="col">Where it stands</th><th scope="col">The state system said</th><th scope="col">Last change</th></tr></thead><tbody>${view.submissions.map(submissionRow)}</tbody></table></div>`
    : html`<p class="meta">None yet.</p>`
}
<h2>History</h2>
<ol class="cards">${events}</ol>`;
  return consolePage({ ...frame, current: view.parties.includes('shipper') ? 'outgoing' : 'incoming' }, title, body, status);
}

export function tripsPage(frame: Frame, trips: readonly Trip[], csrf: string, now: Date): Page {
  const items = trips.map(({ row, mine }) => {
    const action = row.status === 'MANIFESTED' ? 'depart' : row.status === 'IN_TRANSIT' ? 'arrive' : undefined;
    return html`<li><a href="${href(transferPath(row.id))}"><strong>${rowLabel(row)}</strong></a>${mine ? ' · yours' : ''} ${stateBadge(row.stateSystem, now)}
<div class="meta">${row.summary.receiverName ? `To ${row.summary.receiverName}` : ''} · ${statusWords[row.status as TransferStatus]}${row.summary.estimatedDeparture ? ` · leaves ${when(row.summary.estimatedDeparture)}` : ''}</div>
<div class="actions"><a class="button secondary" href="${href(`${transferPath(row.id)}/manifest.pdf`)}">Manifest (PDF)</a>${
      action
        ? html`<form method="post" action="${href(`${transferPath(row.id)}/${action}`)}">${csrfField(csrf)}<input type="hidden" name="version" value="${row.version}"><input type="hidden" name="back" value="trips"><button type="submit">${actionLabels[action]}</button></form>`
        : ''
    }</div></li>`;
  });
  const body = html`<h1>My trips today</h1>
${items.length ? html`<ul class="cards">${items}</ul>` : html`<p>No trips today.</p>`}`;
  return consolePage({ ...frame, current: 'trips' }, 'My trips', body);
}

export function consoleProblemPage(frame: Frame, status: 403 | 404 | 409 | 422, title: string, text: string): Page {
  return consolePage(frame, title, html`<h1>${title}</h1><p>${text}</p><p><a href="/console/today">Back to Today</a></p>`, status);
}
