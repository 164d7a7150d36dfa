/**
 * Manifest rendering: median and p95 render time and file size for 20, 200 and 1000 packages,
 * warm (the fonts are parsed once per process, as in a warm Lambda). Writes the figures to
 * test-artifacts/bench-manifest-render.json and one rendered 40-package sample beside them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repositoryRoot } from '#infra/local/hub.ts';
import { renderManifestPdf } from '#shared/manifests/pdf/manifest-pdf.ts';
import { sampleManifestDocument } from '../support/manifest-samples.ts';
import { percentile, table } from './stats.ts';

const SIZES = [
  { lines: 20, runs: 60, targetMs: 30 },
  { lines: 200, runs: 30 },
  { lines: 1000, runs: 20, targetMs: 500, targetKb: 400 },
] as const;
const WARMUP = 5;

export async function runManifestRenderBench() {
  const artifacts = join(repositoryRoot, 'test-artifacts');
  await mkdir(artifacts, { recursive: true });
  const rows = [];
  for (const size of SIZES) {
    const document = sampleManifestDocument({ lines: size.lines });
    for (let i = 0; i < WARMUP; i += 1) await renderManifestPdf(document);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < size.runs; i += 1) {
      const started = performance.now();
      const pdf = await renderManifestPdf(document);
      times.push(performance.now() - started);
      bytes = pdf.byteLength;
    }
    rows.push({
      packages: size.lines,
      runs: size.runs,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      max: Math.max(...times),
      sizeKb: bytes / 1024,
      target: [
        ...('targetMs' in size ? [`p95 < ${size.targetMs} ms ${percentile(times, 95) < size.targetMs ? '✓' : '✗'}`] : []),
        ...('targetKb' in size ? [`< ${size.targetKb} KB ${bytes / 1024 < size.targetKb ? '✓' : '✗'}`] : []),
      ].join(', '),
    });
  }
  const sample = join(artifacts, 'manifest-sample-40-lines.pdf');
  await writeFile(sample, await renderManifestPdf(sampleManifestDocument({ lines: 40 })));
  console.log('\nManifest rendering (ms, warm)');
  console.log(table(rows));
  console.log(`Sample: ${sample}`);
  await writeFile(join(artifacts, 'bench-manifest-render.json'), `${JSON.stringify({ at: new Date().toISOString(), rows, sample }, null, 2)}\n`);
  return rows;
}
