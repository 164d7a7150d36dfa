/**
 * Times as New York reads them: OCM's licensees, drivers and inspectors are all on Eastern time,
 * and a printed time must say which offset it is in (EST or EDT changes twice a year).
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

/** `2026-03-02 09:30:00 EST (UTC-05:00)` */
export function formatNewYorkTime(iso: string): string {
  const date = new Date(iso);
  const p = Object.fromEntries(parts.formatToParts(date).map((part) => [part.type, part.value]));
  const local = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']), Number(p['second']));
  const offsetMinutes = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}:${p['second']} ${p['timeZoneName'] ?? ''} (UTC${sign}${hours}:${minutes})`;
}
