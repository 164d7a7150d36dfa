/**
 * The receipt link's pages: mobile-first HTML with its CSS and a small script inline, one request
 * per page. Everything that records the receipt is a plain form post and works without the
 * script; the script only adds the signature pad, photo uploads and a live variance hint.
 */
import type { LinkStanding, RejectionReason, Transfer } from '../domain/transfer/index.ts';
import { recorded, rejectionReasons } from '../domain/transfer/index.ts';
import { formatNewYorkTime } from '../manifests/new-york-time.ts';
import type { FormProblem, ReceiptForm } from './form.ts';
import { lineOfField, MAX_PHOTO_BYTES, MAX_PHOTOS, photoTypes } from './form.ts';
import { escapeHtml } from '../http/html.ts';
import { receivingSheet, recordInStateSystem } from '../receipts/receiving-sheet.ts';
import { receivingPlaceOf } from '../state-system/receiving.ts';


export const reasonLabels: Readonly<Record<RejectionReason, string>> = {
  damaged: 'Damaged',
  'wrong-product': 'Wrong product',
  'quantity-mismatch': 'Quantity does not match',
  expired: 'Expired',
  'failed-lab-test': 'Failed lab test',
  'missing-lab-test': 'Lab test missing',
  'not-ordered': 'Not ordered',
  other: 'Other (explain in the note)',
};

const css = `*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f4f5f2}
main{max-width:46rem;margin:0 auto;padding:1rem}h1{font-size:1.35rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.card{background:#fff;border:1px solid #d5d8d0;border-radius:.6rem;padding:.9rem;margin:.7rem 0}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
ol.lines{list-style:none;margin:0;padding:0}.line{border:0;border-top:1px solid #d5d8d0;background:#fff;margin:0;padding:.4rem .6rem}.line legend{float:left;width:100%;padding:0;font-size:.95rem;overflow-wrap:anywhere}
.line.hit{outline:3px solid #1d5f2f;outline-offset:-3px}.seg{clear:both;display:flex;gap:.3rem;padding-top:.3rem}.seg label{flex:1;display:flex;align-items:center;justify-content:center;gap:.35rem;min-height:3rem;border:1px solid #767b70;border-radius:.4rem;font-weight:600}
.seg label:has(:checked){background:#1d5f2f;color:#fff;border-color:#1d5f2f}.seg input{width:1.2rem;height:1.2rem;margin:0}.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.tag{font-family:ui-monospace,monospace;font-size:.85rem;color:#3a3f36}.choice{display:flex;gap:.5rem;align-items:center;padding:.3rem 0;min-height:3rem}.choice input{width:1.35rem;height:1.35rem;margin:0}
.more{padding:.2rem 0 .4rem}label.block{display:block;font-weight:600;margin:.5rem 0 .2rem}input[type=text],input[inputmode],select,textarea{width:100%;font:inherit;min-height:3rem;padding:.55rem;border:1px solid #767b70;border-radius:.4rem;background:#fff}
textarea{min-height:4rem}.line:has(input[value=accept]:checked) .more,.line:has(input[value=reject]:checked) .adjust,.line:has(input[value=adjust]:checked) .reject{display:none}
.bar{position:sticky;top:0;z-index:1;background:#f4f5f2;padding:.4rem 0;border-bottom:1px solid #d5d8d0}.bar p{margin:.2rem 0}.row{display:flex;gap:.4rem}.row input{flex:1}
.error{color:#a4000f;font-weight:600;margin:.25rem 0}.errors{border:2px solid #a4000f;background:#fff5f5;border-radius:.6rem;padding:.6rem .9rem}.errors a{color:#a4000f}.note{color:#4a4f45;font-size:.92rem}
button,.button{display:inline-block;font:inherit;font-weight:700;padding:.8rem 1.2rem;border-radius:.5rem;border:0;background:#1d5f2f;color:#fff;text-decoration:none;min-height:3rem;cursor:pointer}button[aria-disabled=true]{opacity:.7;cursor:progress}
button.plain{background:#e4e7df;color:#1a1a1a}.ok{border-left:.35rem solid #1d5f2f}.bad{border-left:.35rem solid #a4000f}canvas{width:100%;height:10rem;border:1px dashed #767b70;border-radius:.4rem;background:#fff;touch-action:none}img.sig{max-width:100%;height:6rem;border:1px solid #d5d8d0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .3rem;border-bottom:1px solid #e1e3dc;vertical-align:top}@media(min-width:40rem){main{padding:1.5rem}}`;

const script = `(()=>{const f=document.getElementById('receipt');if(!f)return;const $=id=>document.getElementById(id);
let busy=false;f.addEventListener('submit',e=>{const b=e.submitter;if(b&&b.id==='accept-rest')return;if(busy){e.preventDefault();return}busy=true;
if(b){b.setAttribute('aria-disabled','true');b.textContent=b.value==='submit'?'Submitting… please wait':'Checking your answers…'}});
const pad=$('pad'),sig=$('signature');if(pad){$('signing').hidden=false;const c=pad.getContext('2d');let down=false,drawn=false;
const r0=pad.getBoundingClientRect();pad.width=r0.width*devicePixelRatio;pad.height=r0.height*devicePixelRatio;c.scale(devicePixelRatio,devicePixelRatio);c.lineWidth=2.2;c.lineCap='round';c.strokeStyle='#111';
if(sig.value){const im=new Image();im.onload=()=>c.drawImage(im,0,0,r0.width,r0.height);im.src=sig.value;drawn=true}
const at=e=>{const r=pad.getBoundingClientRect();return[e.clientX-r.left,e.clientY-r.top]};
pad.addEventListener('pointerdown',e=>{down=true;pad.setPointerCapture(e.pointerId);c.beginPath();c.moveTo(...at(e))});
pad.addEventListener('pointermove',e=>{if(!down)return;c.lineTo(...at(e));c.stroke();drawn=true});addEventListener('pointerup',()=>{down=false});
$('clear').addEventListener('click',()=>{c.clearRect(0,0,pad.width,pad.height);drawn=false;sig.value=''});
f.addEventListener('submit',()=>{if(drawn)sig.value=pad.toDataURL('image/png')})}
const lines=[...f.querySelectorAll('fieldset.line')],tally=$('tally');
const count=()=>{if(!tally)return;const n={accept:0,adjust:0,reject:0};let open=0;for(const l of lines){const c=l.querySelector('input:checked');if(c)n[c.value]++;else open++}
tally.textContent=n.accept+' accepted · '+n.adjust+' other quantity · '+n.reject+' rejected · '+open+' not yet decided';const a=$('accept-rest');if(a)a.hidden=open===0};
const hint=q=>{const h=$(q.id+'-hint');q.addEventListener('input',()=>{const s=+q.dataset.shipped,v=+q.value;if(!q.value||!(v>0)){h.textContent='';return}const p=Math.abs(v-s)/s*100;h.textContent=p===0?'Same as shipped.':p.toFixed(1)+'% '+(v<s?'short':'over')+(p>+q.dataset.max?': more than '+q.dataset.max+'% cannot be accepted; reject the package instead.':': tick the confirmation below.')})};
for(const q of f.querySelectorAll('[data-shipped]'))hint(q);
f.addEventListener('change',e=>{const t=e.target;if(t.type!=='radio')return;const l=t.closest('fieldset.line');
if(t.value!=='accept'&&!l.querySelector('.'+t.value)){const i=t.name.split('-')[1];l.insertAdjacentHTML('beforeend',$('t-'+t.value).innerHTML.replaceAll('__I__',i).replaceAll('__U__',l.dataset.unit).replaceAll('__S__',l.dataset.shipped));const q=l.querySelector('[data-shipped]');if(q)hint(q)}count()});
const rest=$('accept-rest');if(rest)rest.addEventListener('click',e=>{e.preventDefault();for(const l of lines)if(!l.querySelector('input:checked'))l.querySelector('input[value=accept]').checked=true;count();tally.focus()});
const find=$('find');if(find){$('find-box').hidden=false;const note=$('find-note');const go=()=>{const v=find.value.replace(/\\s/g,'');if(!v)return;let hit=lines.filter(l=>l.dataset.tag===v);if(!hit.length)hit=lines.filter(l=>l.dataset.tag.endsWith(v));
if(hit.length!==1){note.textContent=hit.length?hit.length+' packages end in '+v+': type more of the tag.':'No package with tag '+v+' on this manifest.';return}const l=hit[0];
for(const o of lines)o.classList.remove('hit');l.classList.add('hit');l.scrollIntoView({block:'center'});(l.querySelector('input:checked')||l.querySelector('input')).focus();note.textContent='Package '+(lines.indexOf(l)+1)+' of '+lines.length+'.';find.value=''};
find.addEventListener('keydown',e=>{if(e.key==='Enter'){e.preventDefault();go()}});$('go').addEventListener('click',go)}
const photos=$('photos');if(!photos||!crypto.subtle)return;photos.hidden=false;const pick=$('photo-files'),list=$('photo-list');
pick.addEventListener('change',async()=>{for(const file of pick.files){const li=document.createElement('li');li.textContent=file.name+': uploading…';list.append(li);
try{if(f.querySelectorAll('input[name=photo]').length>=${MAX_PHOTOS})throw new Error('at most ${MAX_PHOTOS} photos');const hash=[...new Uint8Array(await crypto.subtle.digest('SHA-256',await file.arrayBuffer()))].map(b=>b.toString(16).padStart(2,'0')).join('');
const r=await fetch(location.pathname+'/photos',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({contentType:file.type,bytes:file.size,sha256:hash})});const a=await r.json();if(!r.ok)throw new Error(a.title||'refused');
const d=new FormData();for(const[k,v]of Object.entries(a.upload.fields))d.append(k,v);d.append('file',file);const u=await fetch(a.upload.url,{method:'POST',body:d});if(!u.ok)throw new Error('upload failed');
const i=document.createElement('input');i.type='hidden';i.name='photo';i.value=a.key;f.append(i);li.textContent=file.name+': attached'}catch(e){li.textContent=file.name+': not attached ('+e.message+')'}}pick.value=''})})();`;

export interface Page {
  readonly status: number;
  readonly html: string;
  readonly nonce: string;
}

function layout(title: string, body: string, nonce: string, withScript = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${css}</style></head>
<body><main>${body}</main>${withScript ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>`;
}

function shipmentCard(transfer: Transfer): string {
  const manifest = recorded(transfer.manifest, transfer, 'manifest');
  const { shipper, receiver, drivers, vehicle } = manifest.parties;
  const departure = transfer.departedAt ? formatNewYorkTime(transfer.departedAt) : `Not yet left (planned ${transfer.content.estimatedDeparture ? formatNewYorkTime(transfer.content.estimatedDeparture) : 'not given'})`;
  const vehicleText = vehicle ? [vehicle.color, vehicle.make, vehicle.model, vehicle.plate ? `plate ${vehicle.plate}${vehicle.plateState ? ` (${vehicle.plateState})` : ''}` : ''].filter(Boolean).join(' ') : 'Not given';
  return `<section class="card" aria-label="Shipment"><dl>
<dt>Manifest</dt><dd class="tag">${escapeHtml(manifest.number)}</dd>
<dt>From</dt><dd>${escapeHtml(shipper.legalName)}<br><span class="tag">${escapeHtml(shipper.licenseNumber)}</span> · <a href="tel:${escapeHtml(shipper.phone)}">${escapeHtml(shipper.phone)}</a></dd>
<dt>To</dt><dd>${escapeHtml(receiver.legalName)}<br><span class="tag">${escapeHtml(receiver.licenseNumber)}</span></dd>
<dt>Departed</dt><dd>${escapeHtml(departure)}</dd>
<dt>Driver</dt><dd>${escapeHtml(drivers.map((d) => d.name).join(', ') || 'Not given')}</dd>
<dt>Vehicle</dt><dd>${escapeHtml(vehicleText)}</dd>
<dt>Packages</dt><dd>${transfer.content.lines.length}</dd></dl></section>`;
}

const fieldError = (problems: readonly FormProblem[], field: string) =>
  problems
    .filter((p) => p.field === field)
    .map((p) => `<p class="error" id="${field}-error">${escapeHtml(p.message)}</p>`)
    .join('');

const describedBy = (problems: readonly FormProblem[], field: string, hint?: string) => {
  const ids = [...(problems.some((p) => p.field === field) ? [`${field}-error`] : []), ...(hint ? [hint] : [])];
  return ids.length > 0 ? ` aria-describedby="${ids.join(' ')}"${problems.some((p) => p.field === field) ? ' aria-invalid="true"' : ''}` : '';
};

type Answer = ReceiptForm['lines'][number] | undefined;

/** The other-quantity fields of line `i` (`__I__` etc. in the page's template the script fills in). */
function adjustFields(i: string, unit: string, shipped: string, variancePercent: number, answer: Answer, problems: readonly FormProblem[]): string {
  const id = `line-${i}`;
  return `<div class="more adjust"><label class="block" for="${id}-quantity">Quantity received (${unit})</label>
<input id="${id}-quantity" name="${id}-quantity" inputmode="decimal" autocomplete="off" value="${escapeHtml(answer?.quantity ?? '')}" data-shipped="${shipped}" data-max="${variancePercent}"${describedBy(problems, `${id}-quantity`, `${id}-quantity-hint`)}>
<p class="note" id="${id}-quantity-hint" aria-live="polite">Up to ${variancePercent}% off the ${shipped} shipped can be accepted, with your confirmation.</p>${fieldError(problems, `${id}-quantity`)}
<label class="choice"><input type="checkbox" id="${id}-confirm" name="${id}-confirm" value="yes"${answer?.confirm ? ' checked' : ''}${describedBy(problems, `${id}-confirm`)}> <span>I confirm I received a different quantity</span></label>${fieldError(problems, `${id}-confirm`)}</div>`;
}

function rejectFields(i: string, answer: Answer, problems: readonly FormProblem[]): string {
  const id = `line-${i}`;
  return `<div class="more reject"><label class="block" for="${id}-reason">Why you reject it</label><select id="${id}-reason" name="${id}-reason"${describedBy(problems, `${id}-reason`)}>
<option value="">Choose a reason</option>${rejectionReasons.map((r) => `<option value="${r}"${answer?.reason === r ? ' selected' : ''}>${escapeHtml(reasonLabels[r])}</option>`).join('')}</select>${fieldError(problems, `${id}-reason`)}
<label class="block" for="${id}-note">Note (optional)</label><textarea id="${id}-note" name="${id}-note" maxlength="1000"${describedBy(problems, `${id}-note`)}>${escapeHtml(answer?.note ?? '')}</textarea>${fieldError(problems, `${id}-note`)}</div>`;
}

interface Tally {
  readonly accept: number;
  readonly adjust: number;
  readonly reject: number;
  readonly open: number;
}

const tallyOf = (count: number, form?: ReceiptForm): Tally => {
  const chosen = (choice: string) => form?.lines.filter((l) => l.choice === choice).length ?? 0;
  const [accept, adjust, reject] = [chosen('accept'), chosen('adjust'), chosen('reject')];
  return { accept, adjust, reject, open: count - accept - adjust - reject };
};

const tallyText = (t: Tally) => `${t.accept} accepted · ${t.adjust} other quantity · ${t.reject} rejected · ${t.open} not yet decided`;

/** "Package 4 (tag 7100…): …" for a problem on a line; the field's own words otherwise. */
const namedProblem = (transfer: Transfer, problem: FormProblem) => {
  const line = lineOfField(problem.field, transfer.content.lines);
  return line ? `Package ${line.number} (tag ${line.tag}): ${problem.message}` : problem.message;
};

/**
 * The form: one compact row per package, nothing decided until the receiver decides it, a running
 * tally, a tag finder and "accept all not yet decided", then who signs, then a review before the
 * receipt is recorded. `form` and `problems` refill it after a refusal (the signature too).
 */
export function receiptFormPage(transfer: Transfer, options: { readonly nonce: string; readonly variancePercent: number; readonly form?: ReceiptForm; readonly problems?: readonly FormProblem[] }): Page {
  const { nonce, form, problems = [], variancePercent } = options;
  const count = transfer.content.lines.length;
  const rows = transfer.content.lines
    .map((line, i) => {
      const answer = form?.lines[i];
      const id = `line-${i}`;
      const radio = (value: string, label: string) => `<label><input type="radio" name="${id}-outcome" value="${value}"${answer?.choice === value ? ' checked' : ''}>${label}</label>`;
      const details =
        answer?.choice === 'adjust' ? adjustFields(String(i), escapeHtml(line.unit), String(line.quantity), variancePercent, answer, problems) : answer?.choice === 'reject' ? rejectFields(String(i), answer, problems) : '';
      return `<li><fieldset class="line" id="${id}-outcome" data-tag="${escapeHtml(line.tag)}" data-unit="${escapeHtml(line.unit)}" data-shipped="${line.quantity}"${describedBy(problems, `${id}-outcome`)}><legend><b>${i + 1}.</b> ${escapeHtml(line.productName)} · <b>${line.quantity} ${escapeHtml(line.unit)}</b> <span class="tag">${escapeHtml(line.tag)}</span></legend>
${fieldError(problems, `${id}-outcome`)}<div class="seg">${radio('accept', 'Accept')}${radio('adjust', 'Other qty')}${radio('reject', 'Reject')}</div>${details}</fieldset></li>`;
    })
    .join('\n');
  const summary =
    problems.length > 0
      ? `<div class="errors" role="alert" id="form-errors"><h2>Nothing was recorded yet: fix ${problems.length === 1 ? 'this problem' : `these ${problems.length} problems`}</h2><ul>${problems.map((p) => `<li><a href="#${p.field}">${escapeHtml(namedProblem(transfer, p))}</a></li>`).join('')}</ul></div>`
      : '';
  const tally = tallyOf(count, form);
  const photoInputs = (form?.photos ?? []).map((key) => `<input type="hidden" name="photo" value="${escapeHtml(key)}">`).join('');
  const accept = Object.keys(photoTypes).join(',');
  const body = `<h1>Confirm receipt</h1>${summary}${shipmentCard(transfer)}
<form id="receipt" method="post" novalidate><button type="submit" name="intent" value="review" class="vh" tabindex="-1" aria-hidden="true">Review</button>
<h2>Packages (${count})</h2><p class="note">Answer every package: Accept, Other qty (you received a different quantity) or Reject. Nothing is answered for you.</p>
<div class="bar"><p id="tally" role="status" aria-live="polite" tabindex="-1">${tallyText(tally)}</p>
<div id="find-box" hidden><label class="block" for="find">Scan or type a package tag</label><div class="row"><input id="find" inputmode="numeric" autocomplete="off" enterkeyhint="go"><button type="button" class="plain" id="go">Find</button></div><p class="note" id="find-note" aria-live="polite"></p></div>
<button type="submit" class="plain" name="intent" value="accept-rest" id="accept-rest"${tally.open === 0 ? ' hidden' : ''}>Accept all not yet decided</button></div>
<ol class="lines">${rows}</ol>
<h2>Received by</h2><div class="card">
<label class="block" for="name">Your name</label><input type="text" id="name" name="name" autocomplete="name" required maxlength="200" value="${escapeHtml(form?.name ?? '')}"${describedBy(problems, 'name')}>${fieldError(problems, 'name')}
<label class="block" for="title">Your title</label><input type="text" id="title" name="title" autocomplete="organization-title" required maxlength="200" value="${escapeHtml(form?.title ?? '')}"${describedBy(problems, 'title')}>${fieldError(problems, 'title')}
<div id="signing" hidden><label class="block" for="pad">Signature (optional): draw with your finger</label><canvas id="pad" aria-label="Signature pad"></canvas>
<button type="button" class="plain" id="clear">Clear signature</button></div><input type="hidden" id="signature" name="signature" value="${escapeHtml(form?.signature ?? '')}">${fieldError(problems, 'signature')}
<div id="photos" hidden><label class="block" for="photo-files">Photos (optional, up to ${MAX_PHOTOS}, ${MAX_PHOTO_BYTES / 1024 / 1024} MB each)</label>
<input type="file" id="photo-files" accept="${accept}" multiple><ul id="photo-list" aria-live="polite">${(form?.photos ?? []).map((_, n) => `<li>Photo ${n + 1}: attached</li>`).join('')}</ul></div>${photoInputs}${fieldError(problems, 'photos')}
</div>
<p class="note">Next you check your answers; nothing is recorded until you submit them there.</p>
<button type="submit" name="intent" value="review" id="review">Review receipt</button></form>
<template id="t-adjust">${adjustFields('__I__', '__U__', '__S__', variancePercent, undefined, [])}</template><template id="t-reject">${rejectFields('__I__', undefined, [])}</template>`;
  return { status: problems.length > 0 ? 422 : 200, html: layout(`Confirm receipt of ${recorded(transfer.manifest, transfer, 'manifest').number}`, body, nonce, true), nonce };
}

/** The answers as hidden fields: what the review step posts back, to record or to change. */
function answersAsFields(form: ReceiptForm): string {
  const field = (name: string, value: string) => (value ? `<input type="hidden" name="${name}" value="${escapeHtml(value)}">` : '');
  const lines = form.lines.map((line, i) =>
    [
      field(`line-${i}-outcome`, line.choice ?? ''),
      line.choice === 'adjust' ? field(`line-${i}-quantity`, line.quantity) + field(`line-${i}-confirm`, line.confirm ? 'yes' : '') : '',
      line.choice === 'reject' ? field(`line-${i}-reason`, line.reason) : '',
      line.choice === 'accept' ? '' : field(`line-${i}-note`, line.note),
    ].join(''),
  );
  return [...lines, field('name', form.name), field('title', form.title), field('signature', form.signature), ...form.photos.map((key) => field('photo', key))].join('');
}

/** The review before the irreversible submit: the tally, every package not accepted as shipped, who signs. */
export function reviewPage(transfer: Transfer, form: ReceiptForm, nonce: string): Page {
  const tally = tallyOf(transfer.content.lines.length, form);
  const exceptions = transfer.content.lines
    .map((line, i) => ({ line, i, answer: form.lines[i] }))
    .filter(({ answer }) => answer?.choice !== 'accept')
    .map(({ line, i, answer }) => {
      const what =
        answer?.choice === 'adjust'
          ? `Accepted ${escapeHtml(answer.quantity)} ${escapeHtml(line.unit)} of ${line.quantity} shipped${answer.confirm ? ' (difference confirmed)' : ''}`
          : `Rejected: ${escapeHtml(reasonLabels[answer?.reason as RejectionReason])}`;
      return `<tr><td>${i + 1}. ${escapeHtml(line.productName)}<br><span class="tag">${escapeHtml(line.tag)}</span></td><td>${what}${answer?.note ? `<br><span class="note">${escapeHtml(answer.note)}</span>` : ''}</td></tr>`;
    })
    .join('');
  const body = `<h1>Check before you submit</h1><div class="card" role="status"><p><strong>Nothing is recorded yet.</strong> ${tally.accept + tally.adjust + tally.reject} packages: ${tally.accept} accepted as shipped, ${tally.adjust} at another quantity, ${tally.reject} rejected.</p></div>
<h2>Not accepted as shipped</h2><div class="card">${exceptions ? `<table><thead><tr><th scope="col">Package</th><th scope="col">Your answer</th></tr></thead><tbody>${exceptions}</tbody></table>` : '<p>None: every package is accepted as shipped.</p>'}</div>
<h2>Received by</h2><div class="card"><p>${escapeHtml(form.name)}, ${escapeHtml(form.title)}</p>${form.signature ? `<img class="sig" src="${escapeHtml(form.signature)}" alt="Your drawn signature">` : '<p>No signature drawn.</p>'}<p>${form.photos.length} photo${form.photos.length === 1 ? '' : 's'} attached.</p></div>
<form id="receipt" method="post" novalidate>${answersAsFields(form)}
<p class="note">Submitting records the receipt for the shipper and gives you a signed receipt (PDF). It cannot be changed afterwards.</p>
<p><button type="submit" name="intent" value="submit" id="submit">Submit receipt</button></p><p><button type="submit" class="plain" name="intent" value="edit">Change answers</button></p></form>`;
  return { status: 200, html: layout(`Check the receipt of ${recorded(transfer.manifest, transfer, 'manifest').number}`, body, nonce, true), nonce };
}

/** Where the state system needs a person to record the receipt in its app too (Metrc: every licensee receives there), what to enter, line by line. */
function stateSystemSteps(transfer: Transfer): string {
  const place = receivingPlaceOf(transfer);
  if (!place) return '';
  const sheet = receivingSheet(transfer, place);
  return `<h2>Now record this in ${escapeHtml(sheet.stateSystem)}</h2><div class="card" id="state-system-receipt"><p>${escapeHtml(recordInStateSystem(sheet))}</p><ol>${sheet.packages
    .map((pkg) => `<li><span class="tag">${escapeHtml(pkg.tag)}</span>: ${escapeHtml(pkg.enter.slice(pkg.tag.length + 2))}</li>`)
    .join('')}</ol></div>`;
}

/** The recorded receipt, read-only: what a used link shows, to either party, as often as opened. */
export function recordedReceiptPage(transfer: Transfer, nonce: string, pdfPath: string): Page {
  const receipt = recorded(transfer.receipt, transfer, 'receipt');
  const products = new Map(transfer.content.lines.map((line) => [line.tag, line.productName]));
  const rows = receipt.lines
    .map(
      (line) =>
        `<tr><td><span class="tag">${escapeHtml(line.tag)}</span><br>${escapeHtml(products.get(line.tag) ?? '')}</td><td>${line.shippedQuantity} ${escapeHtml(line.unit)}</td><td>${
          line.outcome === 'accepted'
            ? `Accepted ${line.acceptedQuantity} ${escapeHtml(line.unit)}${line.varianceConfirmed ? ' (difference confirmed)' : ''}`
            : `Rejected: ${escapeHtml(reasonLabels[line.reason])}`
        }${line.note ? `<br><span class="note">${escapeHtml(line.note)}</span>` : ''}</td></tr>`,
    )
    .join('');
  const channel = receipt.confirmation ? 'through this receipt link' : "through the receiver's own system";
  const body = `<h1>Receipt recorded</h1><div class="card ok" role="status"><p>Recorded ${escapeHtml(formatNewYorkTime(receipt.at))} by <strong>${escapeHtml(receipt.receivedBy.name)}</strong>, ${escapeHtml(receipt.receivedBy.title)}, ${channel}. It cannot be changed; submitting again changes nothing.</p>
<p><a class="button" href="${escapeHtml(pdfPath)}" id="receipt-pdf">Download the signed receipt (PDF)</a></p></div>${shipmentCard(transfer)}
<h2>Packages</h2><div class="card"><table><thead><tr><th scope="col">Package</th><th scope="col">Shipped</th><th scope="col">Outcome</th></tr></thead><tbody>${rows}</tbody></table></div>${stateSystemSteps(transfer)}`;
  return { status: 200, html: layout(`Receipt of ${recorded(transfer.manifest, transfer, 'manifest').number}`, body, nonce), nonce };
}

const closedText: Readonly<Record<Exclude<LinkStanding, 'open' | 'received'>, { title: string; text: string; status: number }>> = {
  expired: { title: 'This link has expired', text: 'Receipt links work for a limited time. Ask the shipper to send you a new link.', status: 410 },
  revoked: { title: 'This link no longer works', text: 'The shipper withdrew it or sent a newer one. Use the newest link you received, or ask the shipper.', status: 410 },
  voided: { title: 'This transfer was cancelled', text: 'The shipper voided this manifest. Do not accept the goods on it; call the shipper.', status: 410 },
  'not-departed': { title: 'The shipment has not left yet', text: 'The shipper has not recorded the departure. Open this link again when the goods arrive.', status: 409 },
};

/** Why a link opened but takes no receipt: plainly, with the shipper to call. */
export function closedLinkPage(transfer: Transfer, standing: Exclude<LinkStanding, 'open' | 'received'>, nonce: string): Page {
  const { title, text, status } = closedText[standing];
  const shipper = recorded(transfer.manifest, transfer, 'manifest').parties.shipper;
  const body = `<h1>${title}</h1><div class="card bad" role="alert"><p>${text}</p><p>Shipper: ${escapeHtml(shipper.legalName)}, <a href="tel:${escapeHtml(shipper.phone)}">${escapeHtml(shipper.phone)}</a></p></div>`;
  return { status, html: layout(title, body, nonce), nonce };
}

export function unknownLinkPage(nonce: string): Page {
  const body = `<h1>This link is not valid</h1><div class="card bad" role="alert"><p>Check that the whole link was copied, or scan the code on the manifest again. If it still fails, ask the shipper for a new link.</p></div>`;
  return { status: 404, html: layout('Link not valid', body, nonce), nonce };
}

export function throttledPage(nonce: string, retryAfterSeconds: number): Page {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  const body = `<h1>Too many attempts</h1><div class="card bad" role="alert"><p>Too many links that do not exist were tried from this network. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.</p></div>`;
  return { status: 429, html: layout('Too many attempts', body, nonce), nonce };
}
