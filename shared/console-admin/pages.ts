/**
 * The console's admin pages, rendered on the server inside the console's frame: API keys (a new
 * key's secret shown once), the state-system connections (Metrc's user key, BioTrack's consent and
 * state users), the registries (partners, drivers, vehicles) and the inventory-movements report.
 * Every value is escaped by `html`; every form posts the session's CSRF token; every problem is
 * shown in plain words next to its field and summed up at the top. No script.
 */
import { href, html, safe, withQuery } from '../console/html.ts';
import type { SafeHtml } from '../console/html.ts';
import { consolePage, csrfField } from '../console/layout.ts';
import type { Frame } from '../console/layout.ts';
import { when } from '../console/words.ts';
import type { Page } from '../people/pages.ts';
import type { RegistryRecord } from '../registries/repository.ts';
import type { ConnectionHealth, StateSystemConnection } from '../state-system/connections.ts';
import { DEFAULT_STATE_USER } from '../state-system/connections.ts';
import { bioTrackSystem, metrcSystem } from '../state-system/capabilities.ts';
import type { KeyConnectionView } from '../state-system/metrc/credentials.ts';
import type { ApiKeyView } from '../tenants/licensee.ts';
import { collections, collectionOf, registryFields } from './forms.ts';
import type { Collection, FieldProblem, FieldSpec, FormValues, ReportForm } from './forms.ts';
import { adminNavigation, SUBNAV_STYLE } from './navigation.ts';
import type { AdminEntry } from './navigation.ts';
import type { ConnectionsView } from './use-cases.ts';

const STYLE = `${SUBNAV_STYLE}
.field{margin:0 0 .8rem}.field input:not([type=checkbox]):not([type=radio]),.field select{width:100%;max-width:32rem}
.hint{color:#4a4a4a;font-size:.92rem;margin:0 0 .25rem}
.problem{color:#8a1000;font-weight:600;margin:.15rem 0 .25rem}
[aria-invalid=true]{border-color:#8a1000}
.check{display:flex;gap:.5rem;align-items:center;font-weight:400;min-height:44px}
input[type=checkbox],input[type=radio]{width:1.4rem;height:1.4rem;flex:none}
fieldset{border:1px solid #c8c8c4;border-radius:6px;background:#fff;margin:0 0 1rem;padding:.6rem .8rem}
legend{font-weight:700;padding:0 .25rem}
.secret{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all;background:#fff;border:2px dashed #0b4f2c;padding:.6rem;display:block;margin:.5rem 0}
.tabs{margin:0 0 1rem}`;

/** A page of the admin area: the console frame with its admin entry marked, the admin navigation, then `body`. */
function adminPage(frame: Frame, entry: AdminEntry, title: string, body: SafeHtml, status = 200): Page {
  return consolePage(
    { ...frame, current: 'admin' },
    title,
    html`<style nonce="${frame.nonce}">${safe(STYLE)}</style>
${adminNavigation(entry)}
${body}`,
    status,
  );
}

const notice = (text: string | undefined) => (text ? html`<p class="notice" role="status">${text}</p>` : '');

/** The summary of every problem at the top, each a link to its field. */
function problemSummary(problems: readonly FieldProblem[], label: (field: string) => string): SafeHtml | '' {
  if (problems.length === 0) return '';
  return html`<div class="alert" role="alert" id="problems"><h2>${problems.length === 1 ? 'One thing to fix' : `${problems.length} things to fix`}</h2><ul>${problems.map(
    (problem) => html`<li><a href="#${problem.field === 'form' ? 'problems' : fieldId(problem.field)}">${problem.field === 'form' ? '' : `${label(problem.field)}: `}${problem.message}</a></li>`,
  )}</ul></div>`;
}

const fieldId = (name: string) => `f-${name.replaceAll('.', '-')}`;
const problemOf = (problems: readonly FieldProblem[], name: string) => problems.find((problem) => problem.field === name)?.message;

/** One labelled field with its hint and its problem, tied to the input for screen readers. */
export function field(spec: FieldSpec, value: string, problem: string | undefined): SafeHtml {
  const id = fieldId(spec.name);
  const describedBy = [spec.hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ');
  const aria = safe(`${problem ? ' aria-invalid="true"' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}`);
  const hint = spec.hint ? html`<p class="hint" id="${id}-hint">${spec.hint}</p>` : '';
  const said = problem ? html`<p class="problem" id="${id}-problem">${problem}</p>` : '';
  if (spec.input === 'check') {
    return html`<div class="field"><label class="check"><input type="checkbox" id="${id}" name="${spec.name}"${value === 'on' ? safe(' checked') : ''}${aria}> ${spec.label}</label>${hint}${said}</div>`;
  }
  const label = html`<label for="${id}">${spec.label}${spec.optional ? ' (optional)' : ''}</label>`;
  if (spec.input === 'select') {
    return html`<div class="field">${label}${hint}${said}<select id="${id}" name="${spec.name}"${aria}>${(spec.options ?? []).map(
      ([option, words]) => html`<option value="${option}"${option === value ? safe(' selected') : ''}>${words}</option>`,
    )}</select></div>`;
  }
  const type = spec.input === 'year' ? 'text' : spec.input;
  const extra = safe(
    `${spec.input === 'year' ? ' inputmode="numeric"' : ''}${spec.maxLength ? ` maxlength="${spec.maxLength}"` : ''}${spec.optional ? '' : ' required'}`,
  );
  return html`<div class="field">${label}${hint}${said}<input type="${type}" id="${id}" name="${spec.name}" value="${value}" autocomplete="${spec.autocomplete ?? 'off'}"${extra}${aria}></div>`;
}

// API keys -----------------------------------------------------------------------------------

export interface ApiKeysView {
  readonly keys: readonly ApiKeyView[];
  /** A key just made: its secret, shown on this page only. */
  readonly created?: { readonly label: string; readonly apiKey: string };
  readonly label?: string;
  readonly problems?: readonly FieldProblem[];
  readonly notice?: string;
}

const keyLabelSpec: FieldSpec = { name: 'label', label: 'What the key is for', input: 'text', hint: 'For example “ERP integration”. Only your company sees it.', maxLength: 100 };

function keyRow(frame: Frame, key: ApiKeyView): SafeHtml {
  const state =
    key.status === 'active'
      ? html`<span class="state ok">Works</span>`
      : html`<span class="state bad">Revoked</span> <span class="meta">${when(key.revokedAt)}</span>`;
  const revoke =
    key.status === 'active'
      ? html`<form method="post" action="/console/admin/api-keys/${encodeURIComponent(key.id)}/revoke" class="inline">${csrfField(frame.csrf)}<button type="submit" class="danger" aria-label="Revoke the key ${key.label}…">Revoke…</button></form>`
      : '';
  return html`<li><strong>${key.label}</strong> ${state}<br><span class="meta">Made ${when(key.createdAt)}${key.createdByKeyId === 'console' ? ' in the console' : ''} · key <span class="tag">${key.id}</span></span>${revoke ? html`<div class="actions">${revoke}</div>` : ''}</li>`;
}

export function apiKeysPage(frame: Frame, view: ApiKeysView, status?: number): Page {
  const problems = view.problems ?? [];
  const created = view.created
    ? html`<section class="notice" aria-labelledby="created-title"><h2 id="created-title">Your new key “${view.created.label}”</h2>
<p><strong>Copy it now: it will not be shown again.</strong> The hub keeps only a fingerprint of it; if it is lost, make a new key and revoke this one.</p>
<label for="new-key">The key</label>
<input type="text" id="new-key" class="secret" readonly value="${view.created.apiKey}" autocomplete="off" spellcheck="false">
<p class="meta">Your software sends it as <span class="tag">Authorization: Bearer …</span></p></section>`
    : '';
  const active = view.keys.filter((key) => key.status === 'active');
  const revoked = view.keys.filter((key) => key.status === 'revoked');
  return adminPage(
    frame,
    'api-keys',
    'API keys',
    html`<h1>API keys</h1>
${notice(view.notice)}${created}${problemSummary(problems, () => 'What the key is for')}
<p>Keys let your company’s software use the hub. People sign in with their own accounts and need no key. The hub does not record when a key was last used.</p>
<h2>Keys that work</h2>
${active.length ? html`<ul class="cards">${active.map((key) => keyRow(frame, key))}</ul>` : html`<p>None yet.</p>`}
<h2>Make a key</h2>
<form method="post" action="/console/admin/api-keys" novalidate>
${csrfField(frame.csrf)}
${field(keyLabelSpec, view.label ?? '', problemOf(problems, 'label'))}
<button type="submit">Make the key</button>
</form>
${revoked.length ? html`<h2>Revoked keys</h2><ul class="cards">${revoked.map((key) => keyRow(frame, key))}</ul>` : ''}`,
    status ?? (view.created ? 201 : problems.length ? 422 : 200),
  );
}

export function confirmRevokeKeyPage(frame: Frame, key: ApiKeyView): Page {
  return adminPage(
    frame,
    'api-keys',
    `Revoke ${key.label}`,
    html`<h1>Revoke the key “${key.label}”?</h1>
<p>Software that uses this key is refused from now on (in the cloud within a minute). The key stays in the list, marked revoked. This cannot be undone: to let that software in again, make a new key.</p>
<form method="post" action="/console/admin/api-keys/${encodeURIComponent(key.id)}/revoke">
${csrfField(frame.csrf)}
<input type="hidden" name="confirm" value="yes">
<div class="actions"><button type="submit" class="danger">Revoke “${key.label}”</button> <a href="/console/admin/api-keys">Keep it</a></div>
</form>`,
  );
}

// State-system connections -------------------------------------------------------------------

const healthWords: Readonly<Record<ConnectionHealth, readonly [string, 'ok' | 'wait' | 'bad']>> = {
  connected: ['Connected', 'ok'],
  expiring: ['Connected, but it runs out soon', 'wait'],
  revoked: ['Key revoked: the state system no longer accepts it', 'bad'],
  'reconnect-required': ['Reconnect required', 'bad'],
  missing: ['Not connected', 'bad'],
};

const healthAdvice: Readonly<Record<ConnectionHealth, string>> = {
  connected: 'The hub reports your transfers to the state system.',
  expiring: 'Approve the hub again before it runs out, or reporting stops.',
  revoked: 'Nothing reaches the state system until a working key is entered. Transfers wait and are sent once it is.',
  'reconnect-required': 'The state system needs the hub approved or given a key again. Transfers wait and are sent once it is.',
  missing: 'Nothing is reported to the state system yet. Transfers wait and are sent once it is connected.',
};

function connectionSummary(connection: StateSystemConnection): SafeHtml {
  const [words, tone] = healthWords[connection.health];
  return html`<p><span class="state ${tone}">${words}</span>${connection.expiresAt ? html` <span class="meta">until ${when(connection.expiresAt)}</span>` : ''}${connection.since ? html` <span class="meta">since ${when(connection.since)}</span>` : ''}</p>
<p>${healthAdvice[connection.health]}</p>`;
}

export interface ConnectionsPageView {
  readonly view: ConnectionsView;
  readonly notice?: string;
  /** Which form the problems belong to. */
  readonly problems?: readonly FieldProblem[];
  readonly entered?: KeyConnectionView;
  readonly stateUser?: { readonly apiKeyId?: string; readonly username?: string };
}

const metrcKeySpec: FieldSpec = {
  name: 'userKey',
  label: 'Metrc user key',
  input: 'text',
  hint: 'In Metrc: your name at the top right, then API Keys. Paste it exactly as Metrc shows it. The hub checks it with Metrc first, keeps it locked away and never shows it again.',
  maxLength: 512,
};

function metrcSection(frame: Frame, page: ConnectionsPageView, connection: StateSystemConnection | undefined): SafeHtml {
  const problems = page.problems ?? [];
  const done = page.entered
    ? html`<p class="notice" role="status">Metrc accepts the key: it reaches ${page.entered.facility.name ?? 'the facility'} (${page.entered.facility.licenseNumber}).${page.entered.resumed ? ` ${page.entered.resumed} submission(s) that waited for a key are sent again now.` : ''}</p>`
    : '';
  const problem = problemOf(problems, 'userKey');
  const id = fieldId('userKey');
  return html`<section aria-labelledby="metrc-title"><h2 id="metrc-title">Metrc</h2>
${done}${connection ? connectionSummary(connection) : ''}
<form method="post" action="/console/admin/connections/metrc" novalidate>
${csrfField(frame.csrf)}
<div class="field"><label for="${id}">${connection && connection.health !== 'missing' ? 'Replace the Metrc user key' : metrcKeySpec.label}</label>
<p class="hint" id="${id}-hint">${metrcKeySpec.hint ?? ''}</p>${problem ? html`<p class="problem" id="${id}-problem">${problem}</p>` : ''}
<input type="password" id="${id}" name="userKey" autocomplete="off" spellcheck="false" maxlength="512" required aria-describedby="${id}-hint${problem ? ` ${id}-problem` : ''}"${problem ? safe(' aria-invalid="true"') : ''}></div>
<button type="submit">Check and keep the key</button>
</form></section>`;
}

const consentWords: Readonly<Record<string, string>> = {
  'not-connected': 'The hub has not been approved in the NY-API yet.',
  connected: 'The hub is approved in the NY-API.',
  expiring: 'The approval runs out soon.',
  expired: 'The approval ran out: approve the hub again.',
  'reconnect-required': 'The NY-API refused the hub’s approval: approve the hub again.',
};

function bioTrackSection(frame: Frame, page: ConnectionsPageView, connection: StateSystemConnection | undefined): SafeHtml {
  const { bioTrack, keys } = page.view;
  const problems = page.problems ?? [];
  const consent = bioTrack.consent;
  const keyName = (apiKeyId: string) =>
    apiKeyId === DEFAULT_STATE_USER ? 'Every key without its own user' : (keys.find((key) => key.id === apiKeyId)?.label ?? `Key ${apiKeyId}`);
  const approved = consent.status === 'connected' || consent.status === 'expiring';
  const keyChoices: readonly (readonly [string, string])[] = [[DEFAULT_STATE_USER, 'Every key without its own user (the license’s integration user)'], ...keys.map((key) => [key.id, key.label] as const)];
  const chosen = page.stateUser?.apiKeyId ?? DEFAULT_STATE_USER;
  return html`<section aria-labelledby="biotrack-title"><h2 id="biotrack-title">BioTrack NY-API</h2>
${connection ? connectionSummary(connection) : ''}
<p>${consentWords[consent.status] ?? ''}${consent.expiresAt ? ` It lasts until ${when(consent.expiresAt)}${consent.daysLeft !== undefined ? ` (${consent.daysLeft} days)` : ''}.` : ''}</p>
<form method="post" action="/console/admin/connections/biotrack/connect">${csrfField(frame.csrf)}<button type="submit"${approved ? safe(' class="secondary"') : ''}>${approved ? 'Approve the hub again in the NY-API' : 'Connect: approve the hub in the NY-API'}</button></form>
<p class="meta">You are taken to the NY-API to sign in as the license admin and approve the hub for 100 days, then brought back.</p>
<h3>Which state user each key acts as</h3>
${bioTrack.stateUsers.length ? html`<ul class="cards">${bioTrack.stateUsers.map((user) => html`<li><strong>${keyName(user.apiKeyId)}</strong>: ${user.username} <span class="meta">since ${when(user.updatedAt)}</span></li>`)}</ul>` : html`<p>None yet: the hub acts as the license’s approval alone.</p>`}
<form method="post" action="/console/admin/connections/biotrack/users" novalidate>
${csrfField(frame.csrf)}
${field({ name: 'apiKeyId', label: 'For', input: 'select', options: keyChoices }, chosen, problemOf(problems, 'apiKeyId'))}
${field({ name: 'username', label: 'NY-API user name', input: 'text', maxLength: 200 }, page.stateUser?.username ?? '', problemOf(problems, 'username'))}
<div class="field"><label for="f-password">NY-API password</label><p class="hint" id="f-password-hint">Kept locked away; never shown again.</p>${problemOf(problems, 'password') ? html`<p class="problem" id="f-password-problem">${problemOf(problems, 'password')}</p>` : ''}
<input type="password" id="f-password" name="password" autocomplete="new-password" maxlength="500" required aria-describedby="f-password-hint${problemOf(problems, 'password') ? ' f-password-problem' : ''}"${problemOf(problems, 'password') ? safe(' aria-invalid="true"') : ''}></div>
<button type="submit">Keep the state user</button>
</form></section>`;
}

const stateUserNames: Readonly<Record<string, string>> = { apiKeyId: 'For', username: 'NY-API user name', password: 'NY-API password', userKey: 'Metrc user key' };

export function connectionsPage(frame: Frame, page: ConnectionsPageView, status?: number): Page {
  const { view } = page;
  const of = (system: string) => view.connections.find((connection) => connection.system === system);
  const sections = [
    view.linked === metrcSystem || of(metrcSystem) ? metrcSection(frame, page, of(metrcSystem)) : '',
    view.linked === bioTrackSystem || of(bioTrackSystem) ? bioTrackSection(frame, page, of(bioTrackSystem)) : '',
  ];
  const problems = page.problems ?? [];
  return adminPage(
    frame,
    'connections',
    'State-system connections',
    html`<h1>State-system connections</h1>
${notice(page.notice)}${problemSummary(problems, (name) => stateUserNames[name] ?? 'The form')}
${view.linked === 'none' ? html`<p>Your company does not report to a state system through the hub: receivers confirm with a link, and the hub keeps the records.</p>` : ''}
${sections}`,
    status ?? (problems.length ? 422 : 200),
  );
}

// Registries ----------------------------------------------------------------------------------

function entryName(record: RegistryRecord): string {
  switch (record.kind) {
    case 'partner': {
      const data = record.data as RegistryRecord<'partner'>['data'];
      return data.dba ? `${data.legalName} (${data.dba})` : data.legalName;
    }
    case 'driver':
      return (record.data as RegistryRecord<'driver'>['data']).name;
    case 'vehicle': {
      const data = record.data as RegistryRecord<'vehicle'>['data'];
      return `${data.year} ${data.make} ${data.model}`;
    }
  }
}

function entryDetails(record: RegistryRecord): string {
  switch (record.kind) {
    case 'partner': {
      const data = record.data as RegistryRecord<'partner'>['data'];
      return `${data.licenseNumber} · ${data.premisesAddress.city}, ${data.premisesAddress.state} · ${data.integrated ? 'reports to the state system' : 'confirms by link'}`;
    }
    case 'driver': {
      const data = record.data as RegistryRecord<'driver'>['data'];
      return `Employee ${data.employeeId} · driver’s license ${data.driversLicenseState} ${data.driversLicenseNumber} · ${data.phone}`;
    }
    case 'vehicle': {
      const data = record.data as RegistryRecord<'vehicle'>['data'];
      return `${data.color} ${data.conveyance}${data.plate ? ` · plate ${data.plateState} ${data.plate}` : ''}`;
    }
  }
}

const entryPath = (record: RegistryRecord) => `/console/admin/registries/${collectionOf(record.kind)}/${encodeURIComponent(record.id)}`;

function registryTabs(current: Collection): SafeHtml {
  return html`<p class="tabs">${(Object.keys(collections) as Collection[]).map(
    (key, i) => html`${i ? ' · ' : ''}<a href="/console/admin/registries/${key}"${key === current ? safe(' aria-current="page"') : ''}>${collections[key].many}</a>`,
  )}</p>`;
}

export interface RegistryListView {
  readonly collection: Collection;
  readonly rows: readonly RegistryRecord[];
  readonly showing: 'active' | 'inactive';
  readonly cursor?: string;
  readonly notice?: string;
}

export function registryListPage(frame: Frame, view: RegistryListView): Page {
  const { one, many } = collections[view.collection];
  const base = `/console/admin/registries/${view.collection}`;
  const row = (record: RegistryRecord) => {
    const name = entryName(record);
    const waiting = record.stateSystem?.incomplete?.length ? html`<br><span class="state wait">Added from the state system: open it to fill in what the hub still needs</span>` : '';
    const conflict = record.stateSystem?.conflict ? html`<br><span class="state wait">Changed both here and in the state system: open it to choose</span>` : '';
    const actions = record.active
      ? html`<div class="actions"><a class="button secondary" href="${entryPath(record)}" aria-label="Change ${name}">Change</a><form method="post" action="${entryPath(record)}/remove" class="inline">${csrfField(frame.csrf)}<input type="hidden" name="version" value="${record.version}"><button type="submit" class="danger" aria-label="Remove ${name}…">Remove…</button></form></div>`
      : record.stateSystem?.incomplete?.length
        ? html`<div class="actions"><a class="button secondary" href="${entryPath(record)}" aria-label="Complete ${name}">Complete</a></div>`
        : html`<br><span class="meta">Removed ${when(record.deactivatedAt)}</span>`;
    return html`<li><strong>${name}</strong><br><span class="meta">${entryDetails(record)}</span>${waiting}${conflict}${actions}</li>`;
  };
  return adminPage(
    frame,
    'registries',
    many,
    html`<h1>${many}${view.showing === 'inactive' ? ' removed' : ''}</h1>
${registryTabs(view.collection)}${notice(view.notice)}
<p class="actions"><a class="button" href="${base}/new">Add a ${one}</a></p>
${view.rows.length ? html`<ul class="cards">${view.rows.map(row)}</ul>` : html`<p>${view.showing === 'inactive' ? `No ${one} was removed.` : `No ${one} on file yet.`}</p>`}
<p class="pager">${view.cursor ? html`<a href="${withQuery(base, { status: view.showing, cursor: view.cursor })}">More</a>` : ''}
${view.showing === 'active' ? html`<a href="${withQuery(base, { status: 'inactive' })}">Show removed ${many.toLowerCase()}</a>` : html`<a href="${base}">Show the ${many.toLowerCase()} on file</a>`}</p>`,
  );
}

export interface RegistryFormView {
  readonly collection: Collection;
  /** Absent: a new entry. */
  readonly record?: RegistryRecord;
  readonly form: FormValues;
  readonly problems?: readonly FieldProblem[];
}

export function registryFormPage(frame: Frame, view: RegistryFormView, status?: number): Page {
  const { kind, one } = collections[view.collection];
  const problems = view.problems ?? [];
  const specs = registryFields[kind];
  const labelOf = (name: string) => specs.find((spec) => spec.name === name)?.label ?? 'The form';
  const action = view.record ? entryPath(view.record) : `/console/admin/registries/${view.collection}`;
  const title = view.record ? `Change ${entryName(view.record)}` : `Add a ${one}`;
  const link = view.record?.stateSystem;
  const syncNote = link?.incomplete?.length
    ? html`<p class="notice">This ${one} was added from the state system. Fill in what the hub still needs, then save to use it.</p>`
    : link?.conflict
      ? html`<p class="notice">This ${one} was changed both here and in the state system. What you save here is kept on both.</p>`
      : '';
  const grouped = (prefix: string, legend: string) =>
    html`<fieldset><legend>${legend}</legend>${specs.filter((spec) => spec.name.startsWith(prefix)).map((spec) => field(spec, view.form[spec.name] ?? '', problemOf(problems, spec.name)))}</fieldset>`;
  const plain = specs.filter((spec) => !spec.name.includes('.')).map((spec) => field(spec, view.form[spec.name] ?? '', problemOf(problems, spec.name)));
  return adminPage(
    frame,
    'registries',
    title,
    html`<h1>${title}</h1>
${registryTabs(view.collection)}${syncNote}${problemSummary(problems, labelOf)}
<form method="post" action="${action}" novalidate>
${csrfField(frame.csrf)}
${view.record ? html`<input type="hidden" name="version" value="${view.record.version}">` : ''}
${plain}
${kind === 'partner' ? grouped('premisesAddress.', 'Premises address') : ''}
${kind === 'vehicle' ? grouped('attestations.', 'Printed on every manifest') : ''}
<div class="actions"><button type="submit">${view.record ? 'Save the changes' : `Add the ${one}`}</button> <a href="/console/admin/registries/${view.collection}">Cancel</a></div>
</form>`,
    status ?? (problems.length ? 422 : 200),
  );
}

export function confirmRemovePage(frame: Frame, record: RegistryRecord): Page {
  const { one } = collections[collectionOf(record.kind)];
  const name = entryName(record);
  return adminPage(
    frame,
    'registries',
    `Remove ${name}`,
    html`<h1>Remove ${name}?</h1>
<p>New transfers can no longer name this ${one}. Transfers that already name it keep it, and it stays in the list of removed ${collectionOf(record.kind)}.</p>
<form method="post" action="${entryPath(record)}/remove">
${csrfField(frame.csrf)}
<input type="hidden" name="version" value="${record.version}">
<input type="hidden" name="confirm" value="yes">
<div class="actions"><button type="submit" class="danger">Remove ${name}</button> <a href="/console/admin/registries/${collectionOf(record.kind)}">Keep it</a></div>
</form>`,
  );
}

// Reports ---------------------------------------------------------------------------------------

const reportNames: Readonly<Record<string, string>> = { from: 'First day', to: 'Last day' };

export function reportsPage(frame: Frame, form: ReportForm, problems: readonly FieldProblem[] = [], status?: number): Page {
  const date = (name: 'from' | 'to', hint: string) => {
    const id = fieldId(name);
    const problem = problemOf(problems, name);
    return html`<div class="field"><label for="${id}">${reportNames[name] ?? name}</label><p class="hint" id="${id}-hint">${hint}</p>${problem ? html`<p class="problem" id="${id}-problem">${problem}</p>` : ''}<input type="date" id="${id}" name="${name}" value="${form[name]}" required aria-describedby="${id}-hint${problem ? ` ${id}-problem` : ''}"${problem ? safe(' aria-invalid="true"') : ''}></div>`;
  };
  const format = (value: 'csv' | 'json', words: string) =>
    html`<label class="check"><input type="radio" name="format" value="${value}"${form.format === value ? safe(' checked') : ''}> ${words}</label>`;
  return adminPage(
    frame,
    'reports',
    'Reports',
    html`<h1>Reports</h1>
${problemSummary(problems, (name) => reportNames[name] ?? 'The form')}
<h2>Inventory movements</h2>
<p>Every package that left or arrived in the period, with its counterparty, manifest and what the receiver accepted: the routine report to keep while partners confirm by link.</p>
<form method="post" action="/console/admin/reports/inventory-movements" novalidate>
${csrfField(frame.csrf)}
${date('from', 'A New York day; the report starts at its midnight')}
${date('to', 'Included whole; at most a year after the first day')}
<fieldset><legend>File</legend>${format('csv', 'Spreadsheet (CSV)')}${format('json', 'JSON, for software')}</fieldset>
<button type="submit">Download the report</button>
</form>`,
    status ?? (problems.length ? 422 : 200),
  );
}

/** A report too large to answer inline waits in storage: a link to it (a form's redirect may not leave the hub). */
export function reportLinkPage(frame: Frame, url: string): Page {
  return adminPage(
    frame,
    'reports',
    'Your report is ready',
    html`<h1>Your report is ready</h1><p>It is too large to send at once, so it waits for you for five minutes.</p><p class="actions"><a class="button" href="${href(url)}">Download the report</a></p><p><a href="/console/admin/reports">Another report</a></p>`,
  );
}

export function notAllowedPage(frame: Frame): Page {
  return consolePage(
    { ...frame, current: 'admin' },
    'Not allowed',
    html`<h1>Not allowed</h1><p>Only a person with the admin role can open this page. Ask an admin of your company.</p><p><a href="/console/today">Back to Today</a></p>`,
    403,
  );
}

export function adminProblemPage(frame: Frame, entry: AdminEntry, status: 404 | 409 | 422 | 503, title: string, text: string, back: string): Page {
  return adminPage(frame, entry, title, html`<h1>${title}</h1><p>${text}</p><p><a href="${back}">Back</a></p>`, status);
}
