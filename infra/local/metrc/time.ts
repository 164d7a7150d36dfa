/**
 * Metrc's date formats (metrc.md §1): requests send local times without an offset
 * (`2026-03-06T09:15:00.000`, read as the facility's local time [inferred]), responses carry one
 * (`2026-02-08T07:05:59.744+00:00`); dates are `YYYY-MM-DD`.
 */

const REQUEST_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** `2026-02-08T07:05:59.744+00:00`, as Metrc writes `LastModified`. */
export function responseTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** The wall-clock parts of an instant in a time zone. */
function wallParts(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** The zone's offset from UTC at an instant, in ms. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = wallParts(ms, timeZone);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return asUtc - (ms - (ms % 1000));
}

/**
 * A request time as an instant: with an offset as written, without one as wall time in `timeZone`.
 * Undefined when the text is not such a time.
 */
export function parseRequestTime(text: string, timeZone: string): number | undefined {
  const match = REQUEST_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0', offset] = match;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== Number(d)) return undefined;
  if (offset === 'Z') return wall;
  if (offset) {
    const sign = offset.startsWith('-') ? -1 : 1;
    const [oh = 0, om = 0] = offset.slice(1).split(':').map(Number);
    return wall - sign * (oh * 60 + om) * 60_000;
  }
  // Two passes settle the offset across a clock change.
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in a time zone: what a rule's effective date compares with. */
export function localDate(ms: number, timeZone: string): string {
  const p = wallParts(ms, timeZone);
  return `${String(p.y).padStart(4, '0')}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}
