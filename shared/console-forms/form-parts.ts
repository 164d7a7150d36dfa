/**
 * What the console's two big forms share: their few extra styles, and the error summary at the
 * top that names each problem and links to its field.
 */
import { html } from '../console/html.ts';
import type { SafeHtml } from '../console/html.ts';

export const FORM_STYLE = `
fieldset{border:1px solid #c8c8c4;border-radius:6px;background:#fff;margin:0 0 1rem;padding:.6rem .8rem}
legend{font-weight:700;padding:0 .25rem}
.field{margin:0 0 .6rem}.field input:not([type=checkbox]):not([type=radio]),.field select,.field textarea{width:100%}
textarea{font:inherit;padding:.55rem .65rem;border:2px solid #555;border-radius:6px;max-width:100%}
.checks label{font-weight:400;display:flex;gap:.5rem;align-items:center;min-height:44px}
input[type=checkbox],input[type=radio]{width:1.4rem;height:1.4rem}
.problem{color:#8a1000;font-weight:600;margin:.1rem 0 .25rem}
[aria-invalid=true]{border-color:#8a1000}
.default{position:absolute;left:-9999px}
.lines{list-style:none;padding:0;margin:0}
.row{display:flex;gap:.5rem;align-items:flex-end;flex-wrap:wrap}.row .field{flex:1 1 12rem;margin:0}
.found{list-style:none;padding:0}.found label{font-weight:400}
.picker{margin:1rem 0}
.add{background:#fff;border:1px solid #c8c8c4;border-radius:6px;padding:.6rem .8rem;margin:0 0 1rem}
.pkg.open{outline:3px solid #b35c00}
.totals{position:sticky;top:0;background:#f6f6f4;padding:.4rem 0;z-index:1;margin:0}
@media (min-width:48rem){.grid,.line{display:grid;grid-template-columns:repeat(4,1fr);gap:0 1rem}.wide{grid-column:span 2}.short{max-width:9rem}}
`;

/**
 * A summary link puts the keyboard on its field (a fragment alone only scrolls there); a group
 * (the drivers, a package's choice) gets its first input. The page works the same without it.
 */
export const SUMMARY_SCRIPT = `document.querySelectorAll('#problems a').forEach(a=>a.addEventListener('click',e=>{
const t=document.getElementById(a.getAttribute('href').slice(1));if(!t)return;e.preventDefault();
const f=t.matches('input,select,textarea')?t:t.querySelector('input,select,textarea');t.scrollIntoView({block:'center'});(f||t).focus();}));`;

/** A problem's field in words, for the summary: a package by its number and tag, else the field's name. */
export function summaryLabel(field: string, tags: readonly string[], names: Readonly<Record<string, string>>): string {
  const line = /^line-(\d+)-(\w+)$/.exec(field);
  if (line) {
    const n = Number(line[1]);
    const tag = tags[n];
    return `Package ${n + 1}${tag ? ` (${tag})` : ''}, ${names[line[2] ?? ''] ?? 'its details'}`;
  }
  return names[field] ?? 'The form';
}

const fieldNames: Readonly<Record<string, string>> = {
  tag: 'tag',
  productName: 'product',
  category: 'category',
  productionBatch: 'production batch',
  quantity: 'quantity',
  unit: 'unit',
  unitPrice: 'price',
  labTestStatus: 'lab test',
  outcome: 'accept or reject',
  confirm: 'different quantity',
  reason: 'reason',
  note: 'note',
  type: 'Kind',
  receiverPartnerId: 'Receiver',
  transporterPartnerId: 'Carrier',
  invoiceNumbers: 'Invoice numbers',
  taxPaid: 'Tax',
  driverIds: 'Drivers',
  vehicleId: 'Vehicle',
  estimatedDeparture: 'Leaves',
  estimatedArrival: 'Arrives',
  plannedRoute: 'Route',
  pasted: 'Packages',
  name: 'Your name',
  title: 'Your title',
};

/** The summary of every problem, each a link to its field; the page's first focus target. */
export function problemSummary(problems: readonly { readonly field: string; readonly message: string }[], lines: readonly { readonly tag: string }[]): SafeHtml | '' {
  if (problems.length === 0) return '';
  const tags = lines.map((line) => line.tag);
  return html`<div class="alert" role="alert" id="problems" tabindex="-1" autofocus><h2>${problems.length === 1 ? 'One thing to fix' : `${problems.length} things to fix`}</h2><ul>${problems.map(
    (p) => html`<li><a href="#${p.field}">${summaryLabel(p.field, tags, fieldNames)}: ${p.message}</a></li>`,
  )}</ul></div>`;
}
