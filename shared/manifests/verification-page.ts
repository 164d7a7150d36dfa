/**
 * The public verification page an inspector or receiver reaches by scanning a manifest's QR code.
 * Plain HTML with inline CSS and no script: it must load fast on a phone at the roadside. With the
 * code of a copy it shows what `ManifestVerification` carries (no prices, no quantities beyond the
 * package count); without one only that the manifest exists.
 */
import type { ConveyanceType } from '../domain/transfer/index.ts';
import type { ManifestExistence, ManifestVerification } from './use-cases.ts';
import { escapeHtml } from '../http/html.ts';


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

function verdict(v: ManifestVerification): { tone: 'good' | 'warn' | 'bad'; text: string } {
  const number = escapeHtml(v.manifestNumber);
  if (v.hash.result === 'superseded') {
    return {
      tone: 'warn',
      text: `Outdated copy: this is version ${v.hash.version}; version ${v.version} replaced it. Ask for the current manifest.`,
    };
  }
  if (v.status === 'VOIDED') return { tone: 'bad', text: `This copy matches manifest ${number}, but the manifest was voided.` };
  if (v.stateSystem.status === 'refused' && (v.stateSystem.step === 'manifest' || v.stateSystem.step === 'amend')) {
    return {
      tone: 'bad',
      text: `Not recorded by the state system: it refused manifest ${number}${v.stateSystem.message ? ` (${escapeHtml(v.stateSystem.message)})` : ''}. This copy matches the hub's record, but the shipment is not on record with the state.`,
    };
  }
  const { newerPrint } = v.hash;
  if (newerPrint) {
    const stateId = newerPrint.stateManifestId ? ` (${escapeHtml(newerPrint.stateManifestId)})` : '';
    return {
      tone: 'good',
      text: `Genuine: this copy (version ${v.hash.version}) of manifest ${number} is current. A newer print, version ${newerPrint.version}, only adds the state system's manifest ID${stateId}; nothing else on it changed.`,
    };
  }
  return { tone: 'good', text: `Genuine: this copy is the current version (${v.hash.version}) of manifest ${number}.` };
}

/** Where the shipment stands with the state tracking system, in plain words. */
function stateSystemLine(state: ManifestVerification['stateSystem']): string | undefined {
  switch (state.status) {
    case 'recorded':
      return 'Recorded';
    case 'pending':
    case 'awaiting-person':
      return 'Not yet recorded: the report is on its way';
    case 'refused':
      return `Refused${state.message ? `: ${state.message}` : ''}`;
    case 'discrepancy':
      return 'Recorded differently from this manifest';
    case 'not-required':
      return undefined;
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

function plate(vehicle: NonNullable<ManifestVerification['vehicle']>): string {
  if (!vehicle.plate) return vehicle.conveyance === 'bicycle' ? 'None (a bicycle)' : 'None recorded';
  return vehicle.plateState ? `${vehicle.plate} (${vehicle.plateState})` : vehicle.plate;
}

const conveyanceLabels: Record<ConveyanceType, string> = { car: 'Car', van: 'Van', truck: 'Truck', trailer: 'Trailer', motorcycle: 'Motorcycle', bicycle: 'Bicycle' };

export function verificationPage(v: ManifestVerification, formatTime: (iso: string) => string): string {
  const { tone, text } = verdict(v);
  const row = (label: string, value: string | undefined) => (value === undefined ? '' : `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`);
  const party = (p: ManifestVerification['shipper']) => `${p.name} (${p.licenseNumber})`;
  return page(
    `Manifest ${v.manifestNumber}`,
    `<h1>Manifest ${escapeHtml(v.manifestNumber)}</h1><p class="verdict ${tone}" role="status">${text}</p><dl>${[
      row('Status', statusLabels[v.status]),
      row('Shipper', party(v.shipper)),
      row('Receiver', party(v.receiver)),
      row('Vehicle', v.vehicle && conveyanceLabels[v.vehicle.conveyance]),
      row('Vehicle plate', v.vehicle && plate(v.vehicle)),
      row(v.drivers.length === 1 ? 'Driver' : 'Drivers', v.drivers.length > 0 ? v.drivers.map((d) => d.name).join(', ') : undefined),
      row('Estimated departure', v.estimatedDeparture && formatTime(v.estimatedDeparture)),
      row('Departed', v.departedAt && formatTime(v.departedAt)),
      row('Arrived', v.arrivedAt && formatTime(v.arrivedAt)),
      row('Packages', String(v.packageCount)),
      row('Current version', `${v.version}, issued ${formatTime(v.issuedAt)}`),
      row('State system', stateSystemLine(v.stateSystem)),
      row('State system manifest ID', v.stateManifestId),
    ].join('')}</dl>`,
  );
}

/** Without the code of a copy in hand: only that the number was issued, and how to check a copy. */
export function existencePage(e: ManifestExistence): string {
  const number = escapeHtml(e.manifestNumber);
  const text =
    e.hash.result === 'mismatch'
      ? `Does not match: the check code on this copy fits no version of manifest ${number}. The copy may have been altered. Scan the QR code on the copy you hold again, or ask the driver for the current manifest.`
      : `Manifest ${number} exists. Scan the QR code on the copy you hold to check that copy and see its shipment.`;
  return page(`Manifest ${e.manifestNumber}`, `<h1>Manifest ${number}</h1><p class="verdict ${e.hash.result === 'mismatch' ? 'bad' : 'info'}" role="status">${text}</p>`);
}

/** The link's check code is not one a manifest prints (cut short, or mistyped). */
export function malformedCodePage(manifestNumber: string): string {
  return page(
    'Check code not recognized',
    `<h1>Manifest ${escapeHtml(manifestNumber)}</h1><p class="verdict bad" role="status">This link is incomplete: its check code is not one printed on a manifest. Scan the QR code on the copy you hold again, or type the 16 characters printed under it.</p>`,
  );
}

/** Too many numbers or codes from this network proved nothing: wait before trying again. */
export function throttledPage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return page(
    'Too many tries',
    `<h1>Too many tries</h1><p class="verdict bad" role="status">This network has looked up too many manifests that could not be checked. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then scan the QR code on the copy you hold.</p>`,
  );
}

export function unknownManifestPage(manifestNumber: string): string {
  return page(
    'Unknown manifest',
    `<h1>No such manifest</h1><p class="verdict bad" role="status">No manifest numbered ${escapeHtml(manifestNumber)} was issued through this hub. Treat the document as unverified.</p>`,
  );
}
