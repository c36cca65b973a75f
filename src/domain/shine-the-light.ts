/**
 * California "Shine the Light" (Civil Code 1798.83): the categories of personal information a
 * notice lists, in the statute's order and in its words, (e)(6)(A)(i) to (xxvii) (docs/legal.md,
 * point 17). data_categories maps each fideslang key to at most one of these labels.
 */
export const STATUTORY_CATEGORIES = [
  'Name and address',
  'Electronic mail address',
  'Age or date of birth',
  'Names of children',
  'Electronic mail or other addresses of children',
  'Number of children',
  'The age or gender of children',
  'Height',
  'Weight',
  'Race',
  'Religion',
  'Occupation',
  'Telephone number',
  'Education',
  'Political party affiliation',
  'Medical condition',
  'Drugs, therapies, or medical products or equipment used',
  'The kind of product the customer purchased, leased, or rented',
  'Real property purchased, leased, or rented',
  'The kind of service provided',
  'Social security number',
  'Bank account number',
  'Credit card number',
  'Debit card number',
  'Bank or investment account, debit card, or credit card balance',
  'Payment history',
  "Information pertaining to the customer's creditworthiness, assets, income, or liabilities",
] as const;

export const CALIFORNIA_REGION = 'US-CA';

const yearFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', year: 'numeric' });

/** The calendar year of an instant in California. */
export function californiaYear(at: Date): number {
  return Number(yearFormat.format(at));
}

/**
 * [start, end) of a California calendar year as instants. 1 January is always Pacific Standard
 * Time (UTC-8): daylight time starts in March.
 */
export function californiaYearRange(year: number): { start: Date; end: Date } {
  return { start: new Date(Date.UTC(year, 0, 1, 8)), end: new Date(Date.UTC(year + 1, 0, 1, 8)) };
}

/** Orders statutory labels as the statute does, each once; unknown labels are dropped. */
export function statuteOrder(labels: Iterable<string>): string[] {
  const set = new Set(labels);
  return STATUTORY_CATEGORIES.filter((c) => set.has(c));
}
