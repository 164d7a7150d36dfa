/**
 * Metrc's official manifest of a registered transfer, as `GET /transfers/v2/manifest/{id}/pdf`
 * answers it: a real PDF (one page per delivery) carrying the manifest number, shipper, recipient,
 * transporters and packages. Standard fonts only, so text outside WinAnsi is replaced.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { MetrcModel, Transfer } from './model.ts';
import { responseTime } from './time.ts';

/** Fixed document dates keep the bytes stable for one transfer. */
const DOCUMENT_DATE = new Date('2026-01-01T00:00:00Z');

function winAnsi(text: string): string {
  return text.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
}

export async function manifestPdf(model: MetrcModel, transfer: Transfer): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setTitle(`Transfer Manifest ${transfer.manifestNumber}`);
  document.setProducer('Metrc emulator (local)');
  document.setCreationDate(DOCUMENT_DATE);
  document.setModificationDate(DOCUMENT_DATE);
  const regular = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);

  transfer.deliveries.forEach((delivery, index) => {
    const page = document.addPage([612, 792]);
    let y = 750;
    const line = (text: string, size = 10, font = regular) => {
      page.drawText(winAnsi(text), { x: 40, y, size, font });
      y -= size + 6;
    };
    line('TRANSPORTATION MANIFEST', 14, bold);
    line(`Manifest No. ${transfer.manifestNumber}`, 12, bold);
    line(`Delivery ${index + 1} of ${transfer.deliveries.length}${transfer.voided ? ' - VOIDED' : ''}`);
    line(`Date created: ${responseTime(transfer.createdMs)}`);
    y -= 6;
    line(`Originating entity: ${transfer.shipperName} (license ${transfer.shipperLicense})`);
    line(`Destination: ${model.facilityName(delivery.recipientLicense)} (license ${delivery.recipientLicense})`);
    line(`Transfer type: ${delivery.transferTypeName}`);
    line(`Estimated departure: ${delivery.estimatedDeparture}   Estimated arrival: ${delivery.estimatedArrival}`);
    line(`Planned route: ${delivery.plannedRoute ?? ''}`);
    y -= 6;
    for (const leg of delivery.transporters) {
      line(`Transporter: ${leg.TransporterFacilityLicenseNumber ?? ''}  Driver: ${leg.DriverName ?? ''} (${leg.DriverLicenseNumber ?? ''})`);
      line(`Vehicle: ${[leg.VehicleMake, leg.VehicleModel, leg.VehicleLicensePlateNumber].filter(Boolean).join(' ')}`);
    }
    y -= 6;
    line('Packages', 11, bold);
    delivery.packages.forEach((shipped, i) => {
      if (y < 60) return;
      const pkg = model.packages.get(shipped.label);
      line(`${i + 1}. ${shipped.label}  ${pkg?.itemName ?? ''}  ${shipped.shippedQuantity} ${shipped.shippedUnit}  ${shipped.state}`);
    });
  });
  return document.save({ useObjectStreams: false });
}
