import { addBusinessDays, addDays, localDate, startOfLocalDay } from '../../src/domain/deadlines';

const iso = (d: Date) => d.toISOString();

/** Issue 21 point 12 (docs/legal.md): days are calendar days in California; a deadline is the end of its last day there. */
describe('deadlines: calendar days in America/Los_Angeles', () => {
  it('1798.83 (30 days): received 1 March 23:30 PST is due at the end of 31 March PDT, not an hour into 1 April', () => {
    expect(iso(addDays(new Date('2026-03-02T07:30:00Z'), 30))).toBe('2026-04-01T06:59:59.999Z');
  });

  it('counts the day of receipt where the person is: one second before local midnight and at it', () => {
    expect(iso(addDays(new Date('2026-06-15T06:59:59Z'), 45))).toBe('2026-07-30T06:59:59.999Z');
    expect(iso(addDays(new Date('2026-06-15T07:00:00Z'), 45))).toBe('2026-07-31T06:59:59.999Z');
  });

  it('ends a day on standard time after the autumn change', () => {
    expect(iso(addDays(new Date('2026-10-20T19:00:00Z'), 12))).toBe('2026-11-02T07:59:59.999Z');
    expect(iso(addDays(new Date('2026-01-10T12:00:00Z'), 30))).toBe('2026-02-10T07:59:59.999Z');
  });

  it('crosses the year end in California time', () => {
    expect(iso(addDays(new Date('2026-12-31T20:00:00Z'), 1))).toBe('2027-01-02T07:59:59.999Z');
    // 21:00 on 31 December in California is already 2027 in UTC: still a 2026 receipt.
    expect(iso(addDays(new Date('2027-01-01T05:00:00Z'), 45))).toBe('2027-02-15T07:59:59.999Z');
    expect(iso(addDays(new Date('2026-03-02T07:30:00Z'), 150))).toBe('2026-07-30T06:59:59.999Z');
  });

  it('extends from the end of a due day to the end of the day 45 days later', () => {
    const due = addDays(new Date('2026-03-02T07:30:00Z'), 45);
    expect(iso(due)).toBe('2026-04-16T06:59:59.999Z');
    expect(iso(addDays(due, 45))).toBe('2026-05-31T06:59:59.999Z');
  });

  it('11 CCR 7021 (10 business days) from every day of the week, weekends skipped, to the end of the day', () => {
    const received = ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-12', '2026-12-13'];
    const due = received.map((d) => iso(addBusinessDays(new Date(`${d}T20:00:00Z`), 10)));
    expect(due).toEqual([
      '2026-12-22T07:59:59.999Z', // Mon 7 -> Mon 21
      '2026-12-23T07:59:59.999Z', // Tue 8 -> Tue 22
      '2026-12-24T07:59:59.999Z', // Wed 9 -> Wed 23
      '2026-12-25T07:59:59.999Z', // Thu 10 -> Thu 24
      '2026-12-26T07:59:59.999Z', // Fri 11 -> Fri 25 (holidays are not counted out: that errs early)
      '2026-12-26T07:59:59.999Z', // Sat 12 -> Fri 25
      '2026-12-26T07:59:59.999Z', // Sun 13 -> Fri 25
    ]);
    expect(iso(addBusinessDays(new Date('2026-12-07T20:00:00Z'), 1))).toBe('2026-12-09T07:59:59.999Z');
    expect(iso(addBusinessDays(new Date('2026-12-07T20:00:00Z'), 0))).toBe('2026-12-08T07:59:59.999Z');
  });

  it('business days follow the California calendar: Friday evening there is Saturday in UTC', () => {
    // Friday 11 December, 17:00 PST = Saturday 01:00 UTC: counted from Friday.
    expect(iso(addBusinessDays(new Date('2026-12-12T01:00:00Z'), 1))).toBe('2026-12-15T07:59:59.999Z');
  });

  it('finds a local midnight on the days the clock changes', () => {
    expect(iso(startOfLocalDay({ year: 2026, month: 3, day: 8 }))).toBe('2026-03-08T08:00:00.000Z');
    expect(iso(startOfLocalDay({ year: 2026, month: 3, day: 9 }))).toBe('2026-03-09T07:00:00.000Z');
    expect(iso(startOfLocalDay({ year: 2026, month: 11, day: 1 }))).toBe('2026-11-01T07:00:00.000Z');
    expect(iso(startOfLocalDay({ year: 2026, month: 11, day: 2 }))).toBe('2026-11-02T08:00:00.000Z');
    expect(localDate(new Date('2026-11-01T08:30:00Z'))).toEqual({ year: 2026, month: 11, day: 1 });
    expect(localDate(new Date('2026-01-01T07:59:59Z'))).toEqual({ year: 2025, month: 12, day: 31 });
  });
});
