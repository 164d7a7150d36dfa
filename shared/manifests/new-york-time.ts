/**
 * Times as New York reads them: OCM's licensees, drivers and inspectors are all on Eastern time,
 * and a printed time must say which offset it is in (EST or EDT changes twice a year). Reports
 * count New York days too.
 */
const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

interface NewYorkParts {
  /** `2026-03-02` */
  readonly date: string;
  /** `09:30:00` */
  readonly time: string;
  /** `EST` or `EDT` */
  readonly zone: string;
  /** Minutes ahead of UTC (negative in New York). */
  readonly offsetMinutes: number;
}

function newYorkParts(date: Date): NewYorkParts {
  const p = Object.fromEntries(parts.formatToParts(date).map((part) => [part.type, part.value]));
  const local = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']), Number(p['second']));
  return {
    date: `${p['year']}-${p['month']}-${p['day']}`,
    time: `${p['hour']}:${p['minute']}:${p['second']}`,
    zone: p['timeZoneName'] ?? '',
    offsetMinutes: Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000),
  };
}

/** `2026-03-02 09:30:00 EST (UTC-05:00)` */
export function formatNewYorkTime(iso: string): string {
  const { date, time, zone, offsetMinutes } = newYorkParts(new Date(iso));
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${date} ${time} ${zone} (UTC${sign}${hours}:${minutes})`;
}

/** The New York calendar day of an instant: `2026-03-02`. */
export const newYorkDate = (iso: string): string => newYorkParts(new Date(iso)).date;

/** The New York wall-clock time of an instant, as a spreadsheet reads a date-time: `2026-03-02 09:30:00`. */
export function newYorkDateTime(iso: string): string {
  const { date, time } = newYorkParts(new Date(iso));
  return `${date} ${time}`;
}

/** The instant a New York day (`2026-03-08`) begins; midnight always exists there (clocks change at 2 a.m.). */
export function newYorkDayStart(day: string): Date {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  const midnightAsUtc = Date.UTC(year, month - 1, date);
  // The offset at that midnight: guess with the offset of the UTC instant, then correct once.
  const guess = midnightAsUtc - newYorkParts(new Date(midnightAsUtc)).offsetMinutes * 60_000;
  return new Date(midnightAsUtc - newYorkParts(new Date(guess)).offsetMinutes * 60_000);
}

/** The last millisecond of a New York day (23 or 25 hours long on the days the clocks change). */
export function newYorkDayEnd(day: string): Date {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  const next = new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
  return new Date(newYorkDayStart(next).getTime() - 1);
}
