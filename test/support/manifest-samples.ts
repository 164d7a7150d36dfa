/**
 * Manifest documents for the renderer's tests and benchmark: realistic, with Latin-extended names,
 * two drivers, a carrier, a layover and a fixed issue time, so every render of a sample is the same.
 */
import { MANIFEST_FORMAT, SHORT_HASH_LENGTH, verificationUrl } from '#shared/manifests/document.ts';
import type { ManifestDocument, ManifestLine } from '#shared/manifests/document.ts';

export const SAMPLE_ISSUED_AT = '2026-03-02T14:30:00.000Z';
const CONTENT_HASH = '9f2c1e7ab04d5c3e8f1a6b2d0c9e4f7a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e';

const products = ['Blue Dream 3.5 g jar', 'Sour Diesel pre-roll 5 × 0.5 g', 'Gelato live resin cartridge 1 g', 'Wedding Cake gummies 10 × 5 mg'];
const strains = ['Blue Dream', 'Sour Diesel', 'Gelato', 'Wedding Cake'];

export const sampleTag = (n: number) => `12345${String(n).padStart(11, '0')}`;

export function sampleLine(n: number): ManifestLine {
  const i = (n - 1) % products.length;
  return {
    lineNumber: n,
    tag: sampleTag(n),
    productName: `${products[i] ?? 'Product'} · lot ${n}`,
    category: i === 3 ? 'edible' : 'flower',
    brand: 'Hudson Valley Farms',
    strain: strains[i] ?? 'Unknown',
    productionBatch: `B-2026-${String(n).padStart(4, '0')}`,
    quantity: i === 2 ? 1.25 : 20 + (n % 7),
    unit: i === 2 ? 'kg' : 'each',
    netWeight: { value: 84, unit: 'g' },
    grossWeight: { value: 1.2, unit: 'kg' },
    unitPrice: 18.5 + (n % 5),
    totalThc: { value: 22.4, unit: '%' },
    labTestStatus: 'passed',
    coaReference: `COA-2026-${String(n).padStart(4, '0')}`,
    finishedGoods: i !== 2,
    sample: n % 10 === 0,
    ...(n % 5 === 0 ? { notes: `Keep upright; case ${n} of a mixed pallet` } : {}),
  };
}

const premises = (street: string, city: string, zip: string) => ({ street, city, state: 'NY', zip });

/** `lines`: how many sample packages, or the packages themselves. */
export function sampleManifestDocument(
  options: Omit<Partial<ManifestDocument>, 'lines'> & { lines?: number | readonly ManifestLine[]; baseUrl?: string } = {},
): ManifestDocument {
  const { lines = 1, baseUrl = 'https://hub.example.org', ...overrides } = options;
  const manifestNumber = overrides.manifestNumber ?? 'OCM-DIST-24-000114-DX1-M000042';
  return {
    format: MANIFEST_FORMAT,
    manifestNumber,
    version: 1,
    transferId: '01JNY0RDM7C6T0K4S8XQ2V3W9Z',
    transferType: 'wholesale',
    invoiceNumbers: ['INV-1042', 'INV-1043'],
    issuedAt: SAMPLE_ISSUED_AT,
    createdAt: SAMPLE_ISSUED_AT,
    contentHash: CONTENT_HASH,
    shortHash: CONTENT_HASH.slice(0, SHORT_HASH_LENGTH),
    verificationUrl: verificationUrl(baseUrl, manifestNumber, CONTENT_HASH),
    shipper: {
      legalName: 'Hudson Distribution LLC',
      dba: 'Hudson Dist',
      licenseNumber: 'OCM-DIST-24-000114-DX1',
      premisesAddress: premises('12 River Road', 'Kingston', '12401'),
      phone: '+1 845 555 0100',
      integrated: true,
    },
    receiver: {
      legalName: 'Peña & Zoë Cannabis Co.',
      licenseNumber: 'OCM-CAURD-24-000321',
      premisesAddress: { ...premises('200 Łódź Street', 'Poughkeepsie', '12601'), unit: 'Suite 4' },
      phone: '+1 845 555 0199',
      integrated: false,
    },
    transporter: {
      legalName: 'Ærøskøbing Logistics Inc.',
      licenseNumber: 'OCM-DIST-24-000777',
      premisesAddress: premises('5 Depot Lane', 'Newburgh', '12550'),
      phone: '+1 845 555 0123',
      integrated: true,
    },
    taxPayer: { taxPaid: false, name: 'Hudson Distribution LLC', address: premises('12 River Road', 'Kingston', '12401') },
    drivers: [
      { name: 'Zoë Peña', employeeId: 'E-0042', driversLicenseNumber: '123 456 789', driversLicenseState: 'NY', phone: '+1 845 555 0142' },
      { name: 'Bartłomiej Šibenik', employeeId: 'E-0077', driversLicenseNumber: '987 654 321', driversLicenseState: 'NJ', phone: '+1 845 555 0177' },
    ],
    vehicle: {
      conveyance: 'van',
      make: 'Ford',
      model: 'Transit',
      year: 2024,
      color: 'White',
      plate: 'HUD 1234',
      plateState: 'NY',
      vin: '1FTBR1C82MKA12345',
      attestations: { gpsFitted: true, lockedBox: true, temperatureControl: false },
    },
    timing: {
      estimatedDeparture: '2026-03-02T10:00:00-05:00',
      estimatedArrival: '2026-03-03T12:30:00-05:00',
      plannedRoute: 'I-87 S from Kingston to exit 17, I-84 E to US-9 N, Main Street to the receiver’s loading dock',
      layover: { location: 'Secured depot, 5 Depot Lane, Newburgh', at: '2026-03-02T19:00:00-05:00' },
    },
    ...overrides,
    lines: typeof lines === 'number' ? Array.from({ length: lines }, (_, i) => sampleLine(i + 1)) : lines,
  };
}
