/**
 * `npm run bench`: the hub's benchmarks (not timed tests: timings on shared machines are noisy,
 * so these report medians and p95 instead of asserting). `BENCH_TRANSFERS` sets the sample size.
 */
import { main as transfers } from './transfers.ts';

await transfers();
