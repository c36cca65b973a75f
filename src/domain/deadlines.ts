/**
 * Deadlines of data requests (../shared/LEGAL.md, CCPA 11 CCR 7021, Civ. Code 1798.83). Days are
 * calendar days where the business answers: a deadline is the end of its last day in California
 * (America/Los_Angeles), whatever the clock change in between (docs/legal.md, point 12).
 */
export const ACKNOWLEDGE_BUSINESS_DAYS = 10;
export const ANSWER_DAYS = 45;
export const EXTENSION_DAYS = 45;
export const CALIFORNIA_NOTICE_DAYS = { DESIGNATED: 30, OTHER: 150 } as const;

/** The time zone whose calendar counts the days. */
export const DEADLINE_TIME_ZONE = 'America/Los_Angeles';

const longDate = new Intl.DateTimeFormat('en-US', { timeZone: DEADLINE_TIME_ZONE, dateStyle: 'long' });

/** A day as a letter to a Californian writes it ("December 6, 2026"), in California time. */
export function californiaLongDate(at: Date): string {
  return longDate.format(at);
}

const DAY = 86400_000;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone. */
function wallClock(at: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second) };
}

/** The calendar date of an instant in a zone. */
export function localDate(at: Date, timeZone = DEADLINE_TIME_ZONE): LocalDate {
  const { year, month, day } = wallClock(at, timeZone);
  return { year, month, day };
}

/** The instant a local date begins in a zone (its midnight; the zone's offset found by asking it). */
export function startOfLocalDay(date: LocalDate, timeZone = DEADLINE_TIME_ZONE): Date {
  const wanted = Date.UTC(date.year, date.month - 1, date.day);
  let guess = wanted;
  // Two corrections settle it: the offset of the guess, then of the corrected instant (a clock
  // change between them moves it once more).
  for (let i = 0; i < 2; i += 1) {
    const w = wallClock(new Date(guess), timeZone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** A local date moved by whole calendar days. */
function plusDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The last instant (millisecond) of a local date. */
function endOfLocalDay(date: LocalDate, timeZone: string): Date {
  return new Date(startOfLocalDay(plusDays(date, 1), timeZone).getTime() - 1);
}

/** The end of the `days`-th calendar day after the day of `from`, in the zone. */
export function addDays(from: Date, days: number, timeZone = DEADLINE_TIME_ZONE): Date {
  return endOfLocalDay(plusDays(localDate(from, timeZone), days), timeZone);
}

/**
 * The end of the `days`-th business day (Monday to Friday) after the day of `from`, in the zone.
 * Public holidays are not counted out: that errs early.
 */
export function addBusinessDays(from: Date, days: number, timeZone = DEADLINE_TIME_ZONE): Date {
  let date = localDate(from, timeZone);
  let left = days;
  while (left > 0) {
    date = plusDays(date, 1);
    const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return endOfLocalDay(date, timeZone);
}
