/**
 * `npm run bench`: the hub's benchmarks (not timed tests: timings on shared machines are noisy,
 * so these report medians and p95 instead of asserting). `BENCH_TRANSFERS` sets the sample size of
 * the transfer lifecycle; manifest rendering runs first, on its own.
 */
import { runManifestRenderBench } from './manifest-render.ts';
import { main as transfers } from './transfers.ts';

await runManifestRenderBench();
await transfers();
