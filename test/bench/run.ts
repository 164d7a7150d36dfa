/**
 * `npm run bench`: the hub's benchmarks (not timed tests: timings on shared machines are noisy,
 * so these report medians and p95 instead of asserting). `BENCH_TRANSFERS` sets the sample size of
 * the transfer lifecycle; manifest rendering runs first, on its own. Ends with issue 17's targets,
 * each ✓ or ✗ with what it was compared with.
 */
import { runManifestRenderBench } from './manifest-render.ts';
import { main as transfers } from './transfers.ts';
import { table } from './stats.ts';

const render = await runManifestRenderBench();
const lifecycle = await transfers();
console.log('\nTargets (issue 17)\n');
console.log(table([...render.targets, ...lifecycle].map((t) => ({ '': t.met ? '✓' : '✗', target: t.target, measured: t.measured, 'compared with': t.comparedWith }))));
