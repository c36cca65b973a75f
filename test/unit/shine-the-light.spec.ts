import { californiaYear, californiaYearRange, statuteOrder, STATUTORY_CATEGORIES } from '../../src/domain/shine-the-light';

/** Issue 21 (tests that pin the rules, point 17): the statute's categories and California's calendar year. */
describe('Shine the Light rules (Civil Code 1798.83)', () => {
  it('1798.83(e)(6)(A): lists the 27 categories in the statute\'s order and words', () => {
    expect(STATUTORY_CATEGORIES).toHaveLength(27);
    expect(new Set(STATUTORY_CATEGORIES).size).toBe(27);
    // (i), (ii), (v), (vii), (xviii), (xx), (xxv), (xxvii): the ones a paraphrase would change.
    expect(STATUTORY_CATEGORIES[0]).toBe('Name and address');
    expect(STATUTORY_CATEGORIES[1]).toBe('Electronic mail address');
    expect(STATUTORY_CATEGORIES[4]).toBe('Electronic mail or other addresses of children');
    expect(STATUTORY_CATEGORIES[6]).toBe('The age or gender of children');
    expect(STATUTORY_CATEGORIES[12]).toBe('Telephone number');
    expect(STATUTORY_CATEGORIES[17]).toBe('The kind of product the customer purchased, leased, or rented');
    expect(STATUTORY_CATEGORIES[19]).toBe('The kind of service provided');
    expect(STATUTORY_CATEGORIES[22]).toBe('Credit card number');
    expect(STATUTORY_CATEGORIES[24]).toBe('Bank or investment account, debit card, or credit card balance');
    expect(STATUTORY_CATEGORIES[26]).toBe("Information pertaining to the customer's creditworthiness, assets, income, or liabilities");
  });

  it('1798.83(a)(1): orders labels as the statute does, each once, and drops what the statute does not list', () => {
    expect(statuteOrder(['Credit card number', 'Telephone number', 'Name and address', 'Telephone number'])).toEqual(['Name and address', 'Telephone number', 'Credit card number']);
    expect(statuteOrder(['Email address', 'Device identifier', 'Electronic mail address'])).toEqual(['Electronic mail address']);
    expect(statuteOrder([])).toEqual([]);
  });

  it('1798.83(a) "preceding calendar year": the year of an instant is California\'s, at both edges of New Year', () => {
    // 31 December 23:59:59.999 PST is 1 January 07:59:59.999 UTC.
    expect(californiaYear(new Date('2027-01-01T07:59:59.999Z'))).toBe(2026);
    expect(californiaYear(new Date('2027-01-01T08:00:00.000Z'))).toBe(2027);
    expect(californiaYear(new Date('2026-01-01T07:59:59.999Z'))).toBe(2025);
    expect(californiaYear(new Date('2026-07-01T12:00:00Z'))).toBe(2026);
  });

  it('a California year runs from local midnight on 1 January (PST) to the next', () => {
    const { start, end } = californiaYearRange(2026);
    expect(start.toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(end.toISOString()).toBe('2027-01-01T08:00:00.000Z');
    expect(californiaYear(start)).toBe(2026);
    expect(californiaYear(new Date(start.getTime() - 1))).toBe(2025);
    expect(californiaYear(new Date(end.getTime() - 1))).toBe(2026);
    expect(californiaYearRange(2024).end.toISOString()).toBe('2025-01-01T08:00:00.000Z');
  });
});
