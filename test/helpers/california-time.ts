/** The end (last millisecond) of the calendar day `days` after the day of `at`, in Los Angeles, worked out independently with Intl. */
export function endOfCaliforniaDay(at: string, days: number): string {
  const local = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
  const [y, m, d] = local.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + days + 1, 12));
  // Local midnight of the day after: 07:00 or 08:00 UTC, whichever Los Angeles calls 00:00.
  for (const hour of [7, 8]) {
    const candidate = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth(), next.getUTCDate(), hour));
    const time = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hour: 'numeric', hourCycle: 'h23' }).format(candidate);
    if (Number(time) === 0) return new Date(candidate.getTime() - 1).toISOString();
  }
  throw new Error(`no local midnight found after ${at}`);
}

/** The end of the `days`-th weekday (Monday to Friday) after the day of `at`, in Los Angeles: counted day by day, independently. */
export function endOfCaliforniaBusinessDay(at: string, days: number): string {
  let offset = 0;
  let left = days;
  while (left > 0) {
    offset += 1;
    const day = new Date(endOfCaliforniaDay(at, offset));
    const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', weekday: 'short' }).format(day);
    if (weekday !== 'Sat' && weekday !== 'Sun') left -= 1;
  }
  return endOfCaliforniaDay(at, offset);
}
