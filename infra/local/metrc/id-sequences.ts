/**
 * Where the emulator's id counters are kept between runs, when a file is given: the hub's own data
 * outlives an `npm start`, so ids (templates, transfers, manifest numbers) must not start over and
 * name a new object like an old one the hub still holds. Real Metrc never reuses an id.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';

const stored = z.record(z.string(), z.number().int().nonnegative());

export interface IdSequenceStore {
  /** The counters kept by the last run; none on a first run. */
  readonly initial: Readonly<Record<string, number>>;
  /** Called with every advance; written once per turn of the event loop. */
  save(sequences: Readonly<Record<string, number>>): void;
  /** Writes what is pending (the emulator closes). */
  flush(): void;
}

export function idSequenceFile(path: string): IdSequenceStore {
  const parsed = existsSync(path) ? stored.safeParse(JSON.parse(readFileSync(path, 'utf8'))) : undefined;
  let pending: Readonly<Record<string, number>> | undefined;
  const flush = () => {
    if (!pending) return;
    writeFileSync(path, JSON.stringify(pending));
    pending = undefined;
  };
  return {
    initial: parsed?.success ? parsed.data : {},
    save(sequences) {
      if (!pending) setImmediate(flush);
      pending = { ...sequences };
    },
    flush,
  };
}
