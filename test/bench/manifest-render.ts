/**
 * Manifest rendering: p50 and p95 render time and file size for 20, 200 and 1000 packages, warm
 * (the fonts are parsed once per process, as in a warm Lambda), beside a naive pdf-lib rendering of
 * the very same text runs in the same process: a new document, both fonts embedded as subsets the
 * way pdf-lib does it (parsed for the document), and one `drawText` per string at the same place
 * and size. The two are timed in turn, so a busy machine slows both alike; the ratio is the
 * figure to compare across machines. The targets (issue 17) are wall-clock p50s on an idle machine,
 * so the load average is printed with them, and CPU time beside wall time.
 * Writes the figures to test-artifacts/bench-manifest-render.json and one rendered 40-package
 * sample beside them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import type { PDFFont } from 'pdf-lib';
import { repositoryRoot } from '#infra/local/hub.ts';
import type { ManifestDocument } from '#shared/manifests/document.ts';
import type { TextRun } from '#shared/manifests/pdf/canvas.ts';
import { renderManifestPdf } from '#shared/manifests/pdf/manifest-pdf.ts';
import { fontBytes } from '#shared/manifests/pdf/typeface.ts';
import type { Weight } from '#shared/manifests/pdf/typeface.ts';
import { sampleManifestDocument } from '../support/manifest-samples.ts';
import { percentile, table } from './stats.ts';

const SIZES = [
  { lines: 20, runs: 60, targetP50Ms: 10 },
  { lines: 200, runs: 30 },
  { lines: 1000, runs: 20, targetP50Ms: 150, targetKb: 400 },
] as const;
const WARMUP = 5;

/** Every string the hub's renderer draws for `document`, by page. */
async function textRunsOf(document: ManifestDocument): Promise<TextRun[][]> {
  const pages: TextRun[][] = [];
  await renderManifestPdf(document, { onText: (page, run) => (pages[page] ??= []).push(run) });
  return pages;
}

/** The same strings through pdf-lib as its documentation shows: drawText per string, fonts embedded as subsets. */
async function naiveRender(pages: readonly TextRun[][]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const fonts: Record<Weight, PDFFont> = {
    regular: await pdf.embedFont(fontBytes.regular, { subset: true }),
    bold: await pdf.embedFont(fontBytes.bold, { subset: true }),
  };
  for (const runs of pages) {
    const page = pdf.addPage([612, 792]);
    for (const run of runs) page.drawText(run.text, { x: run.x, y: run.y, size: run.size, font: fonts[run.weight] });
  }
  return pdf.save();
}

interface Sample {
  wall: number[];
  cpu: number[];
  bytes: number;
}

async function timed(sample: Sample, render: () => Promise<Uint8Array>): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const pdf = await render();
  sample.wall.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  sample.cpu.push((used.user + used.system) / 1000);
  sample.bytes = pdf.byteLength;
}

export interface RenderTarget {
  readonly target: string;
  readonly measured: string;
  readonly comparedWith: string;
  readonly met: boolean;
}

export async function runManifestRenderBench(): Promise<{ rows: Record<string, string | number>[]; targets: RenderTarget[] }> {
  const artifacts = join(repositoryRoot, 'test-artifacts');
  await mkdir(artifacts, { recursive: true });
  const load = loadavg()[0] ?? 0;
  const rows = [];
  const targets: RenderTarget[] = [];
  for (const size of SIZES) {
    const document = sampleManifestDocument({ lines: size.lines });
    const runs = await textRunsOf(document);
    const textRuns = runs.reduce((n, page) => n + page.length, 0);
    const hub: Sample = { wall: [], cpu: [], bytes: 0 };
    const naive: Sample = { wall: [], cpu: [], bytes: 0 };
    for (let i = 0; i < WARMUP; i += 1) {
      await renderManifestPdf(document);
      await naiveRender(runs);
    }
    for (let i = 0; i < size.runs; i += 1) {
      await timed(hub, () => renderManifestPdf(document));
      await timed(naive, () => naiveRender(runs));
    }
    const p50 = percentile(hub.wall, 50);
    const naiveP50 = percentile(naive.wall, 50);
    const sizeKb = hub.bytes / 1024;
    rows.push({
      packages: size.lines,
      'text runs': textRuns,
      runs: size.runs,
      p50,
      p95: percentile(hub.wall, 95),
      'cpu p50': percentile(hub.cpu, 50),
      'naive p50': naiveP50,
      'naive cpu p50': percentile(naive.cpu, 50),
      'naive ÷ hub': `${(naiveP50 / p50).toFixed(1)}×`,
      sizeKb,
      'naive KB': naive.bytes / 1024,
    });
    if ('targetP50Ms' in size) {
      targets.push({
        target: `Render ${size.lines} packages: p50 ≤ ${size.targetP50Ms} ms (idle machine)`,
        measured: `${p50.toFixed(1)} ms (CPU ${percentile(hub.cpu, 50).toFixed(1)} ms)`,
        comparedWith: `naive pdf-lib, same ${textRuns} text runs, same process: ${naiveP50.toFixed(1)} ms (${(naiveP50 / p50).toFixed(1)}× the hub's); load average ${load.toFixed(1)} on ${availableParallelism()} cores`,
        met: p50 <= size.targetP50Ms,
      });
    }
    if ('targetKb' in size) {
      targets.push({ target: `${size.lines}-package file < ${size.targetKb} KB`, measured: `${sizeKb.toFixed(1)} KB`, comparedWith: `naive: ${(naive.bytes / 1024).toFixed(1)} KB`, met: sizeKb < size.targetKb });
    }
  }
  const sample = join(artifacts, 'manifest-sample-40-lines.pdf');
  await writeFile(sample, await renderManifestPdf(sampleManifestDocument({ lines: 40 })));
  console.log(`\nManifest rendering (ms, warm; load average ${load.toFixed(1)} on ${availableParallelism()} cores when it started)`);
  console.log(table(rows));
  for (const t of targets) console.log(`${t.met ? '✓' : '✗'} ${t.target}: ${t.measured}; compared with ${t.comparedWith}`);
  console.log(`Sample: ${sample}`);
  await writeFile(join(artifacts, 'bench-manifest-render.json'), `${JSON.stringify({ at: new Date().toISOString(), loadAverage: load, rows, targets, sample }, null, 2)}\n`);
  return { rows, targets };
}
