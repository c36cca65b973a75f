/** Deadlines of data requests (../shared/LEGAL.md, CCPA 11 CCR 7021). */
export const ACKNOWLEDGE_BUSINESS_DAYS = 10;
export const ANSWER_DAYS = 45;
export const EXTENSION_DAYS = 45;
export const CALIFORNIA_NOTICE_DAYS = { DESIGNATED: 30, OTHER: 150 } as const;

const DAY = 86400_000;

export const addDays = (from: Date, days: number): Date => new Date(from.getTime() + days * DAY);

/** Adds business days (Monday to Friday, UTC). Public holidays are not counted out: that errs early. */
export function addBusinessDays(from: Date, days: number): Date {
  const d = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    d.setTime(d.getTime() + DAY);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left -= 1;
  }
  return d;
}
