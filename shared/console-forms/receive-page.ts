/**
 * The receiving page for a clerk at a desk or with a phone on the dock: every package of the
 * manifest with accept / adjust / reject, built for 25 to 1000 lines. A tag field goes to its
 * package (a scanner's Enter; without script the page comes back focused on it, with script it
 * jumps there at once), "accept all the rest", running totals, and the variance hint of each
 * line. The form is the receipt link's (`receipt-links/form.ts`): the same fields, read and checked
 * by the same code.
 */
import type { StateSystemStatus } from '../domain/submission/state-status.ts';
import { rejectionReasons } from '../domain/transfer/index.ts';
import type { TransferLine, TransferRules } from '../domain/transfer/index.ts';
import { formatPercent } from '../domain/transfer/quantities.ts';
import type { Page } from '../people/pages.ts';
import type { ReceiptForm } from '../receipt-links/form.ts';
import type { FormProblem } from '../receipt-links/form.ts';
import { reasonText } from '../receipts/receiving-sheet.ts';
import type { ReceivingSheet } from '../receipts/receiving-sheet.ts';
import { recordInStateSystem } from '../receipts/receiving-sheet.ts';
import { href, html, safe } from '../console/html.ts';
import type { SafeHtml } from '../console/html.ts';
import { consolePage, csrfField } from '../console/layout.ts';
import type { Frame } from '../console/layout.ts';
import { stateBadge } from '../console/words.ts';
import { FORM_STYLE, problemSummary, SUMMARY_SCRIPT } from './form-parts.ts';

export interface ReceivePageView {
  readonly id: string;
  readonly version: number;
  readonly label: string;
  readonly shipperName: string;
  readonly lines: readonly TransferLine[];
  readonly form: ReceiptForm;
  readonly problems: readonly FormProblem[];
  readonly variance: TransferRules['receivingVariance'];
  readonly notice?: string;
  /** The package the tag field found: the page opens focused on it. */
  readonly focusLine?: number;
}

export interface Totals {
  readonly accepted: number;
  readonly adjusted: number;
  readonly rejected: number;
  readonly open: number;
}

export function totalsOf(form: ReceiptForm, count: number): Totals {
  const choices = Array.from({ length: count }, (_, i) => form.lines[i]?.choice);
  return {
    accepted: choices.filter((c) => c === 'accept').length,
    adjusted: choices.filter((c) => c === 'adjust').length,
    rejected: choices.filter((c) => c === 'reject').length,
    open: choices.filter((c) => c === undefined).length,
  };
}

export const totalsText = (t: Totals): string => `${t.accepted} accepted, ${t.adjusted} at another quantity, ${t.rejected} rejected, ${t.open} to decide`;

/** The quantities the variance rule lets a clerk accept without rejecting: shipped ± the threshold. */
export function varianceHint(line: TransferLine, rule: TransferRules['receivingVariance']): string {
  if (!rule.enabled) return `Shipped ${line.quantity} ${line.unit}: any other quantity needs your confirmation.`;
  const step = line.unit === 'each' ? 1 : 1000;
  const low = Math.ceil(line.quantity * (1 - rule.threshold) * step) / step;
  const high = Math.floor(line.quantity * (1 + rule.threshold) * step) / step;
  if (low >= line.quantity && high <= line.quantity) return `Counted whole: any other count is more than ${formatPercent(rule.threshold)} off; reject the package instead.`;
  return `Within ${formatPercent(rule.threshold)}: ${low} to ${high} ${line.unit}, with your confirmation.`;
}

const checked = (on: boolean) => (on ? safe(' checked') : '');

function problemOf(problems: readonly FormProblem[], field: string) {
  const problem = problems.find((p) => p.field === field);
  if (!problem) return { attrs: safe(''), text: safe('') };
  return { attrs: html` aria-invalid="true" aria-describedby="${field}-problem"`, text: html`<p class="problem" id="${field}-problem">${problem.message}</p>` };
}

function lineItem(view: ReceivePageView, line: TransferLine, i: number): SafeHtml {
  const answer = view.form.lines[i];
  const choice = answer?.choice;
  const p = (part: string) => problemOf(view.problems, `line-${i}-${part}`);
  const outcome = p('outcome');
  const quantity = p('quantity');
  const confirm = p('confirm');
  const reason = p('reason');
  const radio = (value: string, label: string) =>
    html`<label><input type="radio" name="line-${i}-outcome" value="${value}"${checked(choice === value)}${i === view.focusLine && value === 'accept' ? safe(' autofocus') : ''}> ${label}</label>`;
  return html`<li class="pkg${i === view.focusLine ? ' open' : ''}" id="p-${line.tag}" data-tag="${line.tag}"><fieldset id="line-${i}-outcome"${outcome.attrs}><legend>${i + 1}. <span class="tag">${line.tag}</span> · ${line.productName} · shipped ${line.quantity} ${line.unit}</legend>${outcome.text}
<div class="checks row">${radio('accept', 'Accept all')}${radio('adjust', 'Accept another quantity')}${radio('reject', 'Reject')}</div>
<div class="row"><div class="field"><label for="line-${i}-quantity">Quantity received (${line.unit})</label>${quantity.text}<p class="meta" id="line-${i}-hint">${varianceHint(line, view.variance)}</p><input id="line-${i}-quantity" name="line-${i}-quantity" value="${answer?.quantity ?? ''}" inputmode="decimal" class="short" aria-describedby="line-${i}-hint"${quantity.attrs}></div>
<div class="field checks" id="line-${i}-confirm">${confirm.text}<label><input type="checkbox" name="line-${i}-confirm" value="yes"${checked(answer?.confirm ?? false)}${confirm.attrs}> I confirm I received a different quantity</label></div>
<div class="field"><label for="line-${i}-reason">Reason to reject</label>${reason.text}<select id="line-${i}-reason" name="line-${i}-reason"${reason.attrs}><option value="">None</option>${rejectionReasons.map(
    (r) => html`<option value="${r}"${answer?.reason === r ? safe(' selected') : ''}>${reasonText[r] ?? r}</option>`,
  )}</select></div>
<div class="field"><label for="line-${i}-note">Note</label>${p('note').text}<input id="line-${i}-note" name="line-${i}-note" value="${answer?.note ?? ''}"></div></div></fieldset></li>`;
}

/** Jumps to a scanned package at once and keeps the totals running; the page works the same without it. */
const RECEIVE_SCRIPT = `(()=>{const f=document.getElementById('find');const form=f&&f.form;if(!form)return;
const go=()=>{const t=f.value.trim().toUpperCase();if(!t)return false;const all=[...document.querySelectorAll('li.pkg')];
const li=all.find(e=>e.dataset.tag===t)||all.find(e=>e.dataset.tag.endsWith(t));const out=document.getElementById('found');
if(!li){out.textContent='No package with the tag '+t+' on this manifest.';return true;}
all.forEach(e=>e.classList.remove('open'));li.classList.add('open');li.scrollIntoView({block:'center'});li.querySelector('input').focus();f.value='';out.textContent='';return true;};
f.addEventListener('keydown',e=>{if(e.key==='Enter'&&go())e.preventDefault();});
document.getElementById('go').addEventListener('click',e=>{if(go())e.preventDefault();});
const totals=document.getElementById('totals');form.addEventListener('change',()=>{const n={accept:0,adjust:0,reject:0};let open=0;
document.querySelectorAll('li.pkg').forEach(li=>{const c=li.querySelector('input[type=radio]:checked');if(c)n[c.value]++;else open++;});
totals.textContent=n.accept+' accepted, '+n.adjust+' at another quantity, '+n.reject+' rejected, '+open+' to decide';});})();`;

export function receivePage(frame: Frame, view: ReceivePageView, status = 200): Page {
  const t = totalsOf(view.form, view.lines.length);
  const action = `/console/transfers/${encodeURIComponent(view.id)}/receive`;
  const title = `Receive ${view.label}`;
  const name = problemOf(view.problems, 'name');
  const jobTitle = problemOf(view.problems, 'title');
  const body = html`<h1>${title}</h1>
<p class="meta">From ${view.shipperName} · ${view.lines.length} package${view.lines.length === 1 ? '' : 's'}</p>
${problemSummary(view.problems, view.lines)}
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
<form method="post" action="${href(action)}" id="form" novalidate>
${csrfField(frame.csrf)}<input type="hidden" name="version" value="${view.version}">
<div class="row"><div class="field"><label for="find">Scan or type a tag to go to its package</label><input id="find" name="find" class="tag" autocomplete="off" spellcheck="false" enterkeyhint="go"${
    view.focusLine === undefined && view.problems.length === 0 ? safe(' autofocus') : ''
  }></div><button type="submit" name="intent" value="find" id="go" class="secondary">Go to the package</button></div>
<p id="found" role="status"></p>
<p class="totals"><span id="totals" aria-live="polite">${totalsText(t)}</span></p>
<div class="actions"><button type="submit" name="intent" value="accept-rest" class="secondary">Accept all the rest as shipped</button></div>
<ol class="lines">${view.lines.map((line, i) => lineItem(view, line, i))}</ol>
<fieldset><legend>Received by</legend><div class="row">
<div class="field"><label for="name">Your name</label>${name.text}<input id="name" name="name" value="${view.form.name}" autocomplete="name"${name.attrs}></div>
<div class="field"><label for="title">Your title</label>${jobTitle.text}<input id="title" name="title" value="${view.form.title}" autocomplete="organization-title"${jobTitle.attrs}></div>
</div></fieldset>
<div class="actions big"><button type="submit" name="intent" value="submit">Record the receipt</button></div>
</form>
<p><a href="${href(`/console/transfers/${encodeURIComponent(view.id)}`)}">Back to the transfer</a></p>
<style nonce="${frame.nonce}">${safe(FORM_STYLE)}</style>
<script nonce="${frame.nonce}">${safe(RECEIVE_SCRIPT)}${view.problems.length ? safe(SUMMARY_SCRIPT) : ''}</script>`;
  return consolePage({ ...frame, current: 'incoming' }, title, body, status);
}

/** After the receipt: what was recorded, and the state system's next step in plain words. */
export function receivedPage(
  frame: Frame,
  view: { readonly id: string; readonly label: string; readonly totals: Totals; readonly sheet?: ReceivingSheet; readonly state?: StateSystemStatus },
  now: Date,
): Page {
  const transfer = `/console/transfers/${encodeURIComponent(view.id)}`;
  const body = html`<h1>${view.label} is received</h1>
<p class="notice" role="status">The receipt is recorded: ${totalsText(view.totals)}.</p>
${
  view.sheet
    ? html`<h2>Now record this in ${view.sheet.stateSystem}</h2><div id="state-system-receipt"><p>${recordInStateSystem(view.sheet)}</p><ol>${view.sheet.packages.map(
        (p) => html`<li class="tag">${p.enter}</li>`,
      )}</ol></div>`
    : !view.state || view.state.status === 'not-required'
      ? html`<p>The state system needs nothing more from you for this receipt.</p>`
      : html`<p>The hub reports the receipt to the state system itself. ${stateBadge(view.state, now)}</p>${view.state.instruction ? html`<p>${view.state.instruction}</p>` : ''}`
}
<p><a href="${href(transfer)}">Back to the transfer</a></p>`;
  return consolePage({ ...frame, current: 'incoming' }, `${view.label} is received`, body);
}
