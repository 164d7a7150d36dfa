/**
 * The public verification page an inspector or receiver reaches by scanning a manifest's QR code.
 * Plain HTML with inline CSS and no script: it must load fast on a phone at the roadside. It shows
 * only what `ManifestVerification` carries: no prices, no quantities beyond the package count.
 */
import type { ManifestVerification } from './use-cases.ts';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const statusLabels: Record<ManifestVerification['status'], string> = {
  DRAFT: 'Draft',
  MANIFESTED: 'Manifested, not yet departed',
  IN_TRANSIT: 'In transit',
  ARRIVED: 'Arrived at the receiver',
  ACCEPTED: 'Received: all packages accepted',
  PARTIALLY_ACCEPTED: 'Received: some packages rejected',
  REJECTED: 'Received: all packages rejected',
  DISCARDED: 'Discarded',
  VOIDED: 'VOIDED: not valid for transport',
};

function verdict(v: ManifestVerification): { tone: 'good' | 'warn' | 'bad' | 'info'; text: string } {
  const number = escapeHtml(v.manifestNumber);
  switch (v.hash.result) {
    case 'current':
      return v.status === 'VOIDED'
        ? { tone: 'bad', text: `This copy matches manifest ${number}, but the manifest was voided.` }
        : { tone: 'good', text: `Genuine: this copy is the current version (${v.hash.version}) of manifest ${number}.` };
    case 'superseded':
      return {
        tone: 'warn',
        text: `Outdated copy: this is version ${v.hash.version}; version ${v.version} replaced it. Ask for the current manifest.`,
      };
    case 'mismatch':
      return { tone: 'bad', text: `Does not match: the hash on this copy fits no version of manifest ${number}. The copy may have been altered.` };
    case 'not-given':
      return { tone: 'info', text: `Manifest ${number} exists. Scan the QR code of a printed copy to check that copy.` };
  }
}

const style = `body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#111;background:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem}h1{font-size:1.3rem;margin:.2rem 0 1rem}
.verdict{border:3px solid;padding:.8rem;font-weight:600;margin-bottom:1rem}
.good{border-color:#1a7f37}.warn{border-color:#9a6700;border-style:dashed}.bad{border-color:#b00020;border-width:5px}.info{border-color:#555}
dl{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.35rem .8rem;margin:0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
footer{margin-top:1.5rem;font-size:.85rem;color:#444}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>${body}<footer>NY transfer hub · manifest verification. This page never shows prices or quantities.</footer></main></body></html>`;
}

export function verificationPage(v: ManifestVerification, formatTime: (iso: string) => string): string {
  const { tone, text } = verdict(v);
  const row = (label: string, value: string | undefined) => (value === undefined ? '' : `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`);
  const party = (p: ManifestVerification['shipper']) => `${p.name} (${p.licenceNumber})`;
  return page(
    `Manifest ${v.manifestNumber}`,
    `<h1>Manifest ${escapeHtml(v.manifestNumber)}</h1><p class="verdict ${tone}" role="status">${text}</p><dl>${[
      row('Status', statusLabels[v.status]),
      row('Shipper', party(v.shipper)),
      row('Receiver', party(v.receiver)),
      row('Estimated departure', v.estimatedDeparture && formatTime(v.estimatedDeparture)),
      row('Departed', v.departedAt && formatTime(v.departedAt)),
      row('Arrived', v.arrivedAt && formatTime(v.arrivedAt)),
      row('Packages', String(v.packageCount)),
      row('Current version', `${v.version}, issued ${formatTime(v.issuedAt)}`),
    ].join('')}</dl>`,
  );
}

export function unknownManifestPage(manifestNumber: string): string {
  return page(
    'Unknown manifest',
    `<h1>No such manifest</h1><p class="verdict bad" role="status">No manifest numbered ${escapeHtml(manifestNumber)} was issued through this hub. Treat the document as unverified.</p>`,
  );
}
