/**
 * The verification QR code read back as a phone reads it: drawn as the manifest draws it (the same
 * rectangles, the same size, rounded as the page rounds them), rasterised with anti-aliasing at
 * phone-like resolutions and decoded with ZXing, for the URL once unreadable and for generated ones.
 */
import { createCanvas } from '@napi-rs/canvas';
import fc from 'fast-check';
import QRCode from 'qrcode';
import type { QRCodeMaskPattern } from 'qrcode';
import { describe, expect, it } from 'vitest';
import { verificationUrl } from '#shared/manifests/document.ts';
import { VERIFICATION_QR_SIZE, renderManifestPdf } from '#shared/manifests/pdf/manifest-pdf.ts';
import { finderLookAlikes, masked, qrModules } from '#shared/manifests/pdf/qr-symbol.ts';
import { qrCode } from '#shared/manifests/pdf/symbols.ts';
import type { Rect } from '#shared/manifests/pdf/symbols.ts';
import { formatManifestNumber } from '#shared/transfers/manifest-commit.ts';
import { qrCodesOnPage, readQrCode } from '../../support/pdf-inspect.ts';
import { sampleManifestDocument } from '../../support/manifest-samples.ts';

/** The URL ZXing could not read at any resolution: the package's mask drew a corner at row 31, column 11. */
const UNREAD = 'http://127.0.0.1:30081/verify/OCM-DIST-24-000114-DX1-M000081?h=5fd2d596ea97d366';

const MARGIN = 12;
const round = (value: number) => Math.round(value * 100) / 100;

/** Dark rectangles (PDF points, y up) on white with a margin, at `dpi`, as grey levels. */
function rasterise(rects: readonly Rect[], dpi: number) {
  const scale = dpi / 72;
  const sidePoints = VERIFICATION_QR_SIZE + 2 * MARGIN;
  const side = Math.ceil(sidePoints * scale);
  const canvas = createCanvas(side, side);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, side, side);
  context.fillStyle = '#000';
  // One path, as the page fills them: abutting rectangles leave no seam.
  context.beginPath();
  for (const r of rects) context.rect(round(r.x) * scale, (sidePoints - round(r.y) - round(r.height)) * scale, round(r.width) * scale, round(r.height) * scale);
  context.fill();
  const { data } = context.getImageData(0, 0, side, side);
  const grey = new Uint8ClampedArray(side * side);
  for (let i = 0; i < grey.length; i += 1) grey[i] = data[i * 4] ?? 255;
  return { grey, side };
}

const read = (rects: readonly Rect[], dpi: number) => {
  const { grey, side } = rasterise(rects, dpi);
  return readQrCode(grey, side, side);
};

/** What a phone reads off the printed code: a 150 dpi frame, and if ZXing misses that one, the next frames. */
const scanned = (url: string) => {
  const rects = qrCode(url, MARGIN, MARGIN, VERIFICATION_QR_SIZE);
  return read(rects, 150) ?? read(rects, 300) ?? read(rects, 200);
};

const verificationUrls = fc
  .record({
    base: fc.oneof(
      fc.constantFrom('https://hub.example.org', 'https://verify.nytransferhub.com'),
      fc.integer({ min: 1024, max: 65535 }).map((port) => `http://127.0.0.1:${port}`),
    ),
    license: fc.tuple(fc.constantFrom('DIST', 'CAURD', 'CULT', 'PROC', 'MICR'), fc.integer({ min: 22, max: 26 }), fc.integer({ min: 0, max: 999_999 }), fc.boolean()),
    sequence: fc.integer({ min: 1, max: 999_999 }),
    contentHash: fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'), minLength: 64, maxLength: 64 }),
  })
  .map(({ base, license: [type, year, serial, suffix], sequence, contentHash }) => {
    const license = `OCM-${type}-${year}-${String(serial).padStart(6, '0')}${suffix ? '-DX1' : ''}`;
    return verificationUrl(base, formatManifestNumber(license, sequence), contentHash);
  });

describe('the verification QR code', () => {
  it('has no finder-pattern look-alike where the package’s own mask drew the one ZXing took for a corner', { timeout: 30_000 }, () => {
    const packageChoice = QRCode.create(UNREAD, { errorCorrectionLevel: 'M' }).modules;
    expect(finderLookAlikes(packageChoice)).toContainEqual([31, 11]);
    expect(finderLookAlikes(qrModules(UNREAD))).toEqual([]);
  });

  it('draws each of the eight masks from one encoding exactly as the package draws that mask', () => {
    fc.assert(
      fc.property(verificationUrls, fc.constantFrom('M' as const, 'Q' as const, 'H' as const), (url, level) => {
        masked(url, level).forEach((modules, mask) => {
          const maskPattern = mask as QRCodeMaskPattern;
          const own = QRCode.create(url, { errorCorrectionLevel: level, maskPattern }).modules;
          expect(Buffer.from(modules.data).equals(Buffer.from(own.data)), `mask ${maskPattern}`).toBe(true);
          expect(Buffer.from(modules.reservedBit).equals(Buffer.from(own.reservedBit))).toBe(true);
        });
      }),
      { numRuns: 60, seed: 20261202 },
    );
  });

  it('reads back at 150 dpi as the URL once unreadable at any resolution', { timeout: 30_000 }, () => {
    expect(read(qrCode(UNREAD, MARGIN, MARGIN, VERIFICATION_QR_SIZE), 150)).toBe(UNREAD);
  });

  it('reads back as exactly its URL for every verification URL', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(verificationUrls, (url) => {
        expect(scanned(url)).toBe(url);
      }),
      // A fixed seed: the same 250 URLs on every run, so CI never meets a new one by chance.
      { numRuns: 250, seed: 20261202 },
    );
  });

  it('reads back off the whole manifest page', { timeout: 30_000 }, async () => {
    const bytes = await renderManifestPdf(sampleManifestDocument({ lines: 3, verificationUrl: UNREAD }));
    expect(await qrCodesOnPage(bytes)).toEqual([UNREAD]);
  });
});
