/** An adapter's reconciliation checkpoint, read back: a missing or unreadable one is none (observing is idempotent, so starting over is safe). */
import type * as z from 'zod';

export function readCheckpoint<S extends z.ZodType>(text: string | undefined, schema: S): z.output<S> | undefined {
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
