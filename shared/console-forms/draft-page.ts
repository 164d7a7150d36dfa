/**
 * The new-transfer page (also a draft's edit page): the shipment, crew and vehicle, and the
 * packages, with every problem next to its field and a summary at the top that links to each.
 * One form, plain posts: Enter in any field (a scanner's Enter included) adds the waiting tags and
 * shows the form again, the scan field focused; nothing is saved until "Save the draft" or
 * "Issue the manifest".
 */
import { labTestStatuses, requestableTransferTypes, units } from '../domain/transfer/index.ts';
import type { Page } from '../people/pages.ts';
import type { RegistryRecord } from '../registries/repository.ts';
import type { StatePackage } from '../state-system/port.ts';
import { href, html, safe } from '../console/html.ts';
import type { SafeHtml } from '../console/html.ts';
import { consolePage, csrfField } from '../console/layout.ts';
import type { Frame } from '../console/layout.ts';
import { labWords, transferTypeWords } from './draft-form.ts';
import type { DraftForm, FormProblem, LineForm } from './draft-form.ts';
import { FORM_STYLE, problemSummary, SUMMARY_SCRIPT } from './form-parts.ts';

export interface Pickers {
  readonly partners: readonly RegistryRecord<'partner'>[];
  readonly drivers: readonly RegistryRecord<'driver'>[];
  readonly vehicles: readonly RegistryRecord<'vehicle'>[];
}

/** The state system's package list as the page offers it: found packages, or why there is none. */
export type PackagePicker = { readonly offered: false; readonly why: string } | { readonly offered: true; readonly system: string; readonly found?: readonly StatePackage[]; readonly problem?: string };

export interface DraftPageView {
  /** Absent: a new transfer. */
  readonly draft?: { readonly id: string; readonly version: number; readonly label: string };
  readonly form: DraftForm;
  readonly pickers: Pickers;
  readonly packages: PackagePicker;
  readonly problems: readonly FormProblem[];
  readonly notice?: string;
  /** After a scan, the scan field takes the focus again for the next tag. */
  readonly focusScan?: boolean;
}

/** A field's problem, and the attributes that tie its input to it. */
function problemOf(problems: readonly FormProblem[], field: string): { readonly attrs: SafeHtml; readonly text: SafeHtml } {
  const problem = problems.find((p) => p.field === field);
  if (!problem) return { attrs: safe(''), text: safe('') };
  return { attrs: html` aria-invalid="true" aria-describedby="${field}-problem"`, text: html`<p class="problem" id="${field}-problem">${problem.message}</p>` };
}

const selected = (on: boolean) => (on ? safe(' selected') : '');
const checked = (on: boolean) => (on ? safe(' checked') : '');

function textField(problems: readonly FormProblem[], id: string, label: string, value: string, extra = safe('')): SafeHtml {
  const p = problemOf(problems, id);
  return html`<div class="field"><label for="${id}">${label}</label>${p.text}<input id="${id}" name="${id}" value="${value}"${extra}${p.attrs}></div>`;
}

function options(values: readonly string[], words: (value: string) => string, current: string, blank?: string): SafeHtml {
  return html`${blank === undefined ? '' : html`<option value="">${blank}</option>`}${values.map((v) => html`<option value="${v}"${selected(v === current)}>${words(v)}</option>`)}`;
}

function lineFields(problems: readonly FormProblem[], prefix: string, line: Omit<LineForm, 'tag'>): SafeHtml {
  const f = (part: string) => `${prefix}${part}`;
  const sel = (part: string, label: string, body: SafeHtml) => {
    const p = problemOf(problems, f(part));
    return html`<div class="field"><label for="${f(part)}">${label}</label>${p.text}<select id="${f(part)}" name="${f(part)}"${p.attrs}>${body}</select></div>`;
  };
  return html`${textField(problems, f('productName'), 'Product', line.productName)}${textField(problems, f('category'), 'Category', line.category)}${textField(
    problems,
    f('productionBatch'),
    'Production batch',
    line.productionBatch,
  )}${textField(problems, f('quantity'), 'Quantity', line.quantity, safe(' inputmode="decimal" class="short"'))}${sel('unit', 'Unit', options(units, (u) => u, line.unit))}${textField(
    problems,
    f('unitPrice'),
    'Price per unit ($)',
    line.unitPrice,
    safe(' inputmode="decimal" class="short"'),
  )}${sel('labTestStatus', 'Lab test', options(labTestStatuses, (s) => labWords[s as keyof typeof labWords], line.labTestStatus))}<div class="field checks"><label><input type="checkbox" name="${f(
    'finishedGoods',
  )}" value="yes"${checked(line.finishedGoods)}> Finished goods</label><label><input type="checkbox" name="${f('sample')}" value="yes"${checked(line.sample)}> Sample</label></div>`;
}

function lineItem(problems: readonly FormProblem[], line: LineForm, i: number): SafeHtml {
  const tag = problemOf(problems, `line-${i}-tag`);
  return html`<li><fieldset><legend>Package ${i + 1}</legend><div class="line"><div class="field wide"><label for="line-${i}-tag">Tag</label>${tag.text}<input id="line-${i}-tag" name="line-${i}-tag" value="${line.tag}" class="tag" autocomplete="off" spellcheck="false"${tag.attrs}></div>${lineFields(
    problems,
    `line-${i}-`,
    line,
  )}<div class="field checks"><label><input type="checkbox" name="line-${i}-remove" value="yes"> Remove this package</label></div></div></fieldset></li>`;
}

function picker(view: DraftPageView): SafeHtml {
  const p = view.packages;
  if (!p.offered) return html`<p class="meta">${p.why}</p>`;
  return html`<div class="picker"><h3>Pick from ${p.system}</h3>
<div class="row"><div class="field"><label for="find">Tag or product name</label><input id="find" name="find" value="${view.form.find}" type="search"></div><button type="submit" name="intent" value="find" class="secondary">Search ${p.system}</button></div>
${p.problem ? html`<p class="alert">${p.problem}</p>` : ''}
${
  p.found === undefined
    ? ''
    : p.found.length === 0
      ? html`<p class="meta">No active package matches.</p>`
      : html`<fieldset><legend>Packages found</legend><ul class="found">${p.found.map(
          (pkg) =>
            html`<li><label><input type="checkbox" name="picked" value="${pkg.tag}"> <span class="tag">${pkg.tag}</span> · ${pkg.productName} · ${pkg.quantity} ${pkg.unit}${
              pkg.toDispensary.allowed ? '' : html` <span class="meta">(not to a dispensary: ${pkg.toDispensary.reasons.join('; ')})</span>`
            }</label></li>`,
        )}</ul><button type="submit" name="intent" value="add" class="secondary">Add the ticked packages</button></fieldset>`
}</div>`;
}

/**
 * With script, a scan does not wait for the network: each tag joins the paste box and the scan field
 * stays ready; Enter on the empty field (or the button) adds them all. Without it, each scan posts.
 */
const SCAN_SCRIPT = `(()=>{const s=document.getElementById('scanned'),p=document.getElementById('pasted'),out=document.getElementById('scan-status');if(!s||!p)return;
s.addEventListener('keydown',e=>{if(e.key!=='Enter')return;const t=s.value.trim();if(!t)return;e.preventDefault();
p.value=(p.value.trim()?p.value.trim()+'\\n':'')+t;s.value='';const n=p.value.split(/\\s+/).filter(Boolean).length;
out.textContent=n+(n===1?' tag waits':' tags wait')+': scan the next, or press Enter to add them.';});})();`;

export function draftPage(frame: Frame, view: DraftPageView, status = 200): Page {
  const { form, pickers, problems } = view;
  const action = view.draft ? `/console/transfers/${encodeURIComponent(view.draft.id)}/edit` : '/console/transfers/new';
  const title = view.draft ? `Edit ${view.draft.label}` : 'New transfer';
  const field = (id: string) => problemOf(problems, id);
  const receiver = field('receiverPartnerId');
  const carrier = field('transporterPartnerId');
  const partnerName = (id: string) => {
    const p = pickers.partners.find((partner) => partner.id === id)?.data;
    return p ? `${p.legalName}${p.dba ? ` (${p.dba})` : ''} · ${p.licenseNumber}` : id;
  };
  const drivers = field('driverIds');
  const vehicle = field('vehicleId');
  const type = field('type');
  const pasted = field('pasted');
  const route = field('plannedRoute');
  const tax = field('taxPaid');
  const body = html`<h1>${title}</h1>
${problemSummary(problems, form.lines)}
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
<form method="post" action="${href(action)}" id="form" novalidate>
${csrfField(frame.csrf)}${view.draft ? html`<input type="hidden" name="version" value="${view.draft.version}">` : ''}<input type="hidden" name="lines" value="${form.lines.length}">
<button type="submit" name="intent" value="add" class="default" tabindex="-1">Add the waiting packages</button>
<fieldset><legend>Shipment</legend><div class="grid">
${
  form.type === 'return'
    ? html`<div class="field"><input type="hidden" name="type" value="return"><p><strong>Kind</strong><br>Return to the shipper</p></div>`
    : html`<div class="field"><label for="type">Kind</label>${type.text}<select id="type" name="type"${type.attrs}>${options(requestableTransferTypes, (t) => transferTypeWords[t as keyof typeof transferTypeWords], form.type)}</select></div>`
}
<div class="field"><label for="receiverPartnerId">Receiver</label>${receiver.text}<select id="receiverPartnerId" name="receiverPartnerId"${receiver.attrs}>${options(
    pickers.partners.map((p) => p.id),
    partnerName,
    form.receiverPartnerId,
    'Choose the receiver',
  )}</select></div>
<div class="field"><label for="transporterPartnerId">Carrier</label>${carrier.text}<select id="transporterPartnerId" name="transporterPartnerId"${carrier.attrs}>${options(
    pickers.partners.map((p) => p.id),
    partnerName,
    form.transporterPartnerId,
    'We carry it ourselves',
  )}</select></div>
${textField(problems, 'invoiceNumbers', 'Invoice numbers (separated by commas)', form.invoiceNumbers)}
<div class="field checks">${tax.text}<label><input type="checkbox" name="taxPaid" value="yes"${checked(form.taxPaid)}${tax.attrs}> The cannabis tax is paid</label></div>
</div></fieldset>
<fieldset><legend>Crew, vehicle and trip</legend><div class="grid">
<fieldset class="field checks" id="driverIds"${drivers.attrs}><legend>Drivers</legend>${drivers.text}${pickers.drivers.map(
    (d) => html`<label><input type="checkbox" name="driverIds" value="${d.id}"${checked(form.driverIds.includes(d.id))}> ${d.data.name}</label>`,
  )}${pickers.drivers.length ? '' : html`<p class="meta">No drivers in your registry yet.</p>`}</fieldset>
<div class="field"><label for="vehicleId">Vehicle</label>${vehicle.text}<select id="vehicleId" name="vehicleId"${vehicle.attrs}>${options(
    pickers.vehicles.map((v) => v.id),
    (id) => {
      const v = pickers.vehicles.find((vehicleRecord) => vehicleRecord.id === id)?.data;
      return v ? `${v.make} ${v.model} ${v.color}${v.plate ? ` · ${v.plate}` : ''}` : id;
    },
    form.vehicleId,
    'Choose the vehicle',
  )}</select></div>
${textField(problems, 'estimatedDeparture', 'Leaves (New York time)', form.estimatedDeparture, safe(' type="datetime-local"'))}
${textField(problems, 'estimatedArrival', 'Arrives (New York time)', form.estimatedArrival, safe(' type="datetime-local"'))}
<div class="field wide"><label for="plannedRoute">Route</label>${route.text}<textarea id="plannedRoute" name="plannedRoute" rows="2"${route.attrs}>${form.plannedRoute}</textarea></div>
</div></fieldset>
<h2 id="packages">Packages <span class="meta">(${form.lines.length})</span></h2>
<div class="add">
<div class="field"><label for="scanned">Scan or type a tag</label><p class="meta" id="scanned-hint">A scanner's Enter adds the package.</p><input id="scanned" name="scanned" value="" class="tag" autocomplete="off" spellcheck="false" enterkeyhint="go" aria-describedby="scanned-hint"${
    view.focusScan ? safe(' autofocus') : ''
  }><p id="scan-status" role="status" class="meta"></p></div>
<div class="field"><label for="pasted">Or paste tags, one a line</label>${pasted.text}<textarea id="pasted" name="pasted" rows="3" class="tag" spellcheck="false"${pasted.attrs}>${form.pasted}</textarea></div>
<details${form.lines.length === 0 ? safe(' open') : ''}><summary>New packages start with</summary><div class="line">${lineFields(problems, 'new-', form.defaults)}</div></details>
<button type="submit" name="intent" value="add" class="secondary">Add the packages</button>
${picker(view)}
</div>
${form.lines.length ? html`<ol class="lines">${form.lines.map((line, i) => lineItem(problems, line, i))}</ol>` : html`<p class="meta">No packages yet.</p>`}
<div class="actions"><button type="submit" name="intent" value="save" class="secondary">Save the draft</button><button type="submit" name="intent" value="manifest">Issue the manifest</button></div>
</form>
${view.draft ? html`<p><a href="${href(`/console/transfers/${encodeURIComponent(view.draft.id)}`)}">Back to the transfer</a></p>` : ''}
<style nonce="${frame.nonce}">${safe(FORM_STYLE)}</style>
<script nonce="${frame.nonce}">${safe(SCAN_SCRIPT)}${problems.length ? safe(SUMMARY_SCRIPT) : ''}</script>`;
  return consolePage({ ...frame, current: view.draft ? 'outgoing' : 'new' }, title, body, status);
}
