import fc from 'fast-check';
import {
  ageBandHierarchy,
  kAnonymize,
  planKAnonymity,
  QuasiIdentifier,
  regionHierarchy,
  signupMonthHierarchy,
} from '../../src/plugins/anonymization/k-anonymity';

const RUNS = 200;

type Row = { id: number; region: string | null; age: string | null; signup: string | null; spend: number };

const QIS: QuasiIdentifier[] = [
  { column: 'region', ...regionHierarchy },
  { column: 'age', ...ageBandHierarchy },
  { column: 'signup', ...signupMonthHierarchy },
];

function classSizes(rows: readonly Record<string, unknown>[], columns: string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const row of rows) {
    const key = JSON.stringify(columns.map((c) => row[c]));
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  return sizes;
}

/** Rows that would sit in classes smaller than k at the given levels (an independent count). */
function rowsInSmallClasses(rows: readonly Row[], qis: QuasiIdentifier[], levels: number[], k: number): number {
  const generalized = rows.map((row) => Object.fromEntries(qis.map((qi, q) => [qi.column, qi.hierarchy(row[qi.column as keyof Row], levels[q])])));
  let small = 0;
  for (const size of classSizes(generalized, qis.map((qi) => qi.column)).values()) if (size < k) small += size;
  return small;
}

describe('hierarchies', () => {
  it('region: US-CA → US → *', () => {
    expect([0, 1, 2].map((l) => regionHierarchy.hierarchy('US-CA', l))).toEqual(['US-CA', 'US', '*']);
    expect(regionHierarchy.hierarchy('gb-eng', 0)).toBe('GB-ENG');
    expect(regionHierarchy.hierarchy('FR', 1)).toBe('FR');
    expect(regionHierarchy.hierarchy(null, 1)).toBeNull();
    expect(regionHierarchy.hierarchy(null, 2)).toBe('*');
    expect(regionHierarchy.maxLevel).toBe(2);
  });

  it('age band: band → under-18 / 18-44 / 45+ → *', () => {
    expect([0, 1, 2].map((l) => ageBandHierarchy.hierarchy('25-34', l))).toEqual(['25-34', '18-44', '*']);
    expect(ageBandHierarchy.hierarchy('65+', 1)).toBe('45+');
    expect(ageBandHierarchy.hierarchy('45-54', 1)).toBe('45+');
    expect(ageBandHierarchy.hierarchy('13-17', 1)).toBe('under-18');
    expect(ageBandHierarchy.hierarchy('under-13', 1)).toBe('under-18');
    // An unknown value is not passed through once generalized.
    expect(ageBandHierarchy.hierarchy('17-19', 1)).toBeNull();
  });

  it('signup month: 2026-03 → 2026 → *', () => {
    expect([0, 1, 2].map((l) => signupMonthHierarchy.hierarchy('2026-03', l))).toEqual(['2026-03', '2026', '*']);
    expect(signupMonthHierarchy.hierarchy('2026-03-17T10:00:00Z', 0)).toBe('2026-03');
    expect(signupMonthHierarchy.hierarchy(new Date('2025-12-31T23:00:00Z'), 0)).toBe('2025-12');
    expect(signupMonthHierarchy.hierarchy('garbage', 1)).toBeNull();
  });
});

describe('kAnonymize: examples', () => {
  const rows: Row[] = [
    { id: 1, region: 'US-CA', age: '25-34', signup: '2026-01', spend: 10 },
    { id: 2, region: 'US-CA', age: '25-34', signup: '2026-02', spend: 20 },
    { id: 3, region: 'US-NY', age: '35-44', signup: '2026-01', spend: 30 },
    { id: 4, region: 'US-NY', age: '35-44', signup: '2026-03', spend: 40 },
    { id: 5, region: 'US-TX', age: '25-34', signup: '2026-02', spend: 50 },
    { id: 6, region: 'US-TX', age: '35-44', signup: '2026-03', spend: 60 },
  ];

  it('generalizes the most varied column first and releases classes of at least k', () => {
    const result = kAnonymize(rows, { quasiIdentifiers: QIS, k: 2 });
    // region and signup both have 3 values: region goes first (listed first), to "US"; rows 1
    // and 3 are still alone, so signup (now the most varied) goes to the year. Lowering region
    // again would leave row 5 alone: that is the answer.
    expect(result.levels).toEqual({ region: 1, age: 0, signup: 1 });
    expect(result.kAchieved).toBe(3);
    expect(result.suppressedRows).toBe(0);
    expect(result.rows.map((r) => [r.region, r.age, r.signup])).toEqual([
      ['US', '25-34', '2026'],
      ['US', '25-34', '2026'],
      ['US', '35-44', '2026'],
      ['US', '35-44', '2026'],
      ['US', '25-34', '2026'],
      ['US', '35-44', '2026'],
    ]);
    // Other columns ride along untouched, in input order.
    expect(result.rows.map((r) => [r.id, r.spend])).toEqual(rows.map((r) => [r.id, r.spend]));
    expect(Object.keys(result.levels)).toEqual(['region', 'age', 'signup']);
  });

  it('does not generalize when the data is already k-anonymous', () => {
    const twice = [...rows, ...rows.map((r) => ({ ...r, id: r.id + 100 }))];
    const result = kAnonymize(twice, { quasiIdentifiers: QIS, k: 2 });
    expect(result.levels).toEqual({ region: 0, age: 0, signup: 0 });
    expect(result.kAchieved).toBe(2);
    expect(result.rows.map((r) => r.region)).toEqual(twice.map((r) => r.region));
  });

  it('suppresses an outlier instead of generalizing everyone, within the budget', () => {
    const many: Row[] = Array.from({ length: 40 }, (_, i) => ({ id: i, region: i % 2 ? 'US-CA' : 'US-NY', age: '25-34', signup: '2026-01', spend: i }));
    many.push({ id: 99, region: 'NZ-AUK', age: '65+', signup: '2019-07', spend: 0 });
    const result = kAnonymize(many, { quasiIdentifiers: QIS, k: 5 });
    expect(result.levels).toEqual({ region: 0, age: 0, signup: 0 });
    expect(result.suppressedRows).toBe(1);
    expect(result.rows.find((r) => r.id === 99)).toBeUndefined();
    expect(result.kAchieved).toBe(20);
  });

  it('generalizes instead when suppression would exceed the budget', () => {
    const many: Row[] = Array.from({ length: 40 }, (_, i) => ({ id: i, region: 'US-CA', age: '25-34', signup: '2026-01', spend: i }));
    many.push({ id: 99, region: 'US-CA', age: '25-34', signup: '2026-02', spend: 0 });
    const result = kAnonymize(many, { quasiIdentifiers: QIS, k: 5, maxSuppressionRate: 0 });
    expect(result.suppressedRows).toBe(0);
    expect(result.levels).toEqual({ region: 0, age: 0, signup: 1 });
    expect(new Set(result.rows.map((r) => r.signup))).toEqual(new Set(['2026']));
  });

  it('suppresses everything when even full generalization leaves fewer than k rows', () => {
    const result = kAnonymize(rows.slice(0, 3), { quasiIdentifiers: QIS, k: 5 });
    expect(result.rows).toEqual([]);
    expect(result.suppressedRows).toBe(3);
    expect(result.kAchieved).toBe(0);
    expect(result.levels).toEqual({ region: 2, age: 2, signup: 2 });
  });

  it('handles no rows, no quasi-identifiers, and nulls as their own class', () => {
    expect(kAnonymize([], { quasiIdentifiers: QIS, k: 3 })).toEqual({ rows: [], levels: { region: 0, age: 0, signup: 0 }, kAchieved: 0, suppressedRows: 0 });
    const none = kAnonymize(rows, { quasiIdentifiers: [], k: 3 });
    expect(none.kAchieved).toBe(6);
    const withNull = kAnonymize(
      [
        { id: 1, region: null, age: '25-34', signup: '2026-01', spend: 0 },
        { id: 2, region: null, age: '25-34', signup: '2026-01', spend: 0 },
      ],
      { quasiIdentifiers: QIS, k: 2 },
    );
    expect(withNull.rows.map((r) => r.region)).toEqual([null, null]);
  });

  it('refuses bad options', () => {
    expect(() => kAnonymize(rows, { quasiIdentifiers: QIS, k: 0 })).toThrow(RangeError);
    expect(() => kAnonymize(rows, { quasiIdentifiers: QIS, k: 2.5 })).toThrow(RangeError);
    expect(() => kAnonymize(rows, { quasiIdentifiers: QIS, k: 2, maxSuppressionRate: 1.5 })).toThrow(RangeError);
    expect(() => kAnonymize(rows, { quasiIdentifiers: [QIS[0], QIS[0]], k: 2 })).toThrow(RangeError);
    expect(() => kAnonymize(rows, { quasiIdentifiers: [{ ...QIS[0], maxLevel: -1 }], k: 2 })).toThrow(RangeError);
  });
});

describe('kAnonymize: random tables (property)', () => {
  const row = fc.record({
    region: fc.constantFrom('US-CA', 'US-NY', 'US-TX', 'CA-ON', 'CA-QC', 'GB-ENG', 'GB-SCT', null),
    age: fc.constantFrom('under-13', '13-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+', null),
    signup: fc.constantFrom('2024-11', '2025-01', '2025-06', '2026-01', '2026-02', '2026-03', null),
    spend: fc.integer({ min: 0, max: 1000 }),
  });
  const input = fc.record({
    rows: fc.array(row, { maxLength: 120 }).map((rs) => rs.map((r, id): Row => ({ id, ...r }))),
    k: fc.integer({ min: 1, max: 10 }),
    rate: fc.constantFrom(0, 0.01, 0.05, 0.1, 0.2),
  });

  it('leaves every equivalence class with at least k rows and reports suppression exactly', () => {
    fc.assert(
      fc.property(input, ({ rows, k, rate }) => {
        const result = kAnonymize(rows, { quasiIdentifiers: QIS, k, maxSuppressionRate: rate });
        const sizes = [...classSizes(result.rows, ['region', 'age', 'signup']).values()];
        expect(sizes.every((s) => s >= k)).toBe(true);
        expect(result.kAchieved).toBe(sizes.length === 0 ? 0 : Math.min(...sizes));
        if (result.rows.length > 0) expect(result.kAchieved).toBeGreaterThanOrEqual(k);
        expect(result.suppressedRows).toBe(rows.length - result.rows.length);

        // Released rows are the input rows, in order, generalized at the reported levels.
        const levels = QIS.map((qi) => result.levels[qi.column]);
        let i = 0;
        for (const out of result.rows) {
          while (rows[i].id !== out.id) i++;
          expect(out).toEqual({
            ...rows[i],
            region: regionHierarchy.hierarchy(rows[i].region, levels[0]),
            age: ageBandHierarchy.hierarchy(rows[i].age, levels[1]),
            signup: signupMonthHierarchy.hierarchy(rows[i].signup, levels[2]),
          });
        }

        // Bounded suppression: over budget only when nothing is left to generalize.
        if (result.suppressedRows > Math.floor(rate * rows.length)) expect(levels).toEqual(QIS.map((qi) => qi.maxLevel));
      }),
      { numRuns: RUNS },
    );
  });

  it('generalizes no more than needed: lowering any one level breaks the budget', () => {
    fc.assert(
      fc.property(input, ({ rows, k, rate }) => {
        const result = kAnonymize(rows, { quasiIdentifiers: QIS, k, maxSuppressionRate: rate });
        const levels = QIS.map((qi) => result.levels[qi.column]);
        const budget = Math.floor(rate * rows.length);
        if (result.suppressedRows > budget) return; // everything at the top already
        levels.forEach((level, q) => {
          if (level === 0) return;
          const lower = levels.map((l, i) => (i === q ? l - 1 : l));
          expect(rowsInSmallClasses(rows, QIS, lower, k)).toBeGreaterThan(budget);
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('planKAnonymity: the decision from counted quasi-identifiers (issue 23, streamed due diligence)', () => {
  const row = fc.record({
    region: fc.constantFrom('US-CA', 'US-NY', 'CA-ON', 'GB-ENG', null),
    age: fc.constantFrom('18-24', '25-34', '45-54', '65+', 'unknown', null),
    signup: fc.constantFrom('2025-01', '2025-06', '2026-03', null),
  });
  const input = fc.record({
    rows: fc.array(row, { maxLength: 150 }),
    k: fc.integer({ min: 1, max: 12 }),
    rate: fc.constantFrom(0, 0.05, 0.2),
    // The same rows counted in groups split arbitrarily: equal values may come in several groups.
    split: fc.integer({ min: 1, max: 3 }),
  });

  it('decides exactly as kAnonymize on the rows, and generalize() releases the same rows', () => {
    fc.assert(
      fc.property(input, ({ rows, k, rate, split }) => {
        const options = { quasiIdentifiers: QIS, k, maxSuppressionRate: rate };
        const byRows = kAnonymize(rows, options);
        const groups: { values: unknown[]; count: number }[] = [];
        const counted = new Map<string, number>();
        rows.forEach((r, i) => {
          const key = `${JSON.stringify([r.region, r.age, r.signup])}#${i % split}`;
          counted.set(key, (counted.get(key) ?? 0) + 1);
        });
        for (const [key, count] of counted) groups.push({ values: JSON.parse(key.slice(0, key.lastIndexOf('#'))) as unknown[], count });
        const plan = planKAnonymity(groups, options);
        expect(plan.levels).toEqual(byRows.levels);
        expect(plan.kAchieved).toBe(byRows.kAchieved);
        expect(plan.suppressedRows).toBe(byRows.suppressedRows);
        const streamed = rows.flatMap((r) => {
          const g = plan.generalize([r.region, r.age, r.signup]);
          return g ? [{ region: g[0], age: g[1], signup: g[2] }] : [];
        });
        expect(streamed).toEqual(byRows.rows.map((r) => ({ region: r.region, age: r.age, signup: r.signup })));
      }),
      { numRuns: RUNS },
    );
  });

  it('counts the budget over rows, not groups: 2 rows of 40 may be suppressed at 5%, 3 may not', () => {
    const big = { values: ['US-CA', '25-34', '2025-01'], count: 38 };
    const twoOutliers = planKAnonymity([big, { values: ['GB-ENG', '65+', '2026-03'], count: 2 }], { quasiIdentifiers: QIS, k: 5 });
    expect(twoOutliers).toMatchObject({ levels: { region: 0, age: 0, signup: 0 }, suppressedRows: 2, kAchieved: 38 });
    expect(twoOutliers.generalize(['GB-ENG', '65+', '2026-03'])).toBeNull();
    expect(twoOutliers.generalize(['US-CA', '25-34', '2025-01'])).toEqual(['US-CA', '25-34', '2025-01']);
    const threeOutliers = planKAnonymity([{ ...big, count: 37 }, { values: ['GB-ENG', '65+', '2026-03'], count: 3 }], { quasiIdentifiers: QIS, k: 5 });
    expect(threeOutliers.suppressedRows).toBeLessThanOrEqual(2);
    expect(Object.values(threeOutliers.levels).some((l) => l > 0)).toBe(true);
  });

  it('releases nothing from no groups, and refuses groups it cannot count', () => {
    expect(planKAnonymity([], { quasiIdentifiers: QIS, k: 3 })).toMatchObject({ kAchieved: 0, suppressedRows: 0, levels: { region: 0, age: 0, signup: 0 } });
    expect(() => planKAnonymity([{ values: ['US-CA', '25-34', '2025-01'], count: 0 }], { quasiIdentifiers: QIS, k: 3 })).toThrow(/at least one row/);
    expect(() => planKAnonymity([{ values: ['US-CA', '25-34', '2025-01'], count: 1.5 }], { quasiIdentifiers: QIS, k: 3 })).toThrow(/at least one row/);
    expect(() => planKAnonymity([{ values: ['US-CA', '25-34'], count: 1 }], { quasiIdentifiers: QIS, k: 3 })).toThrow(/2 values for 3 quasi-identifiers/);
    expect(() => planKAnonymity([], { quasiIdentifiers: QIS, k: 0 })).toThrow(RangeError);
  });

  it('suppresses a value it never counted (a row that was not in the histogram)', () => {
    const plan = planKAnonymity([{ values: ['US-CA', '25-34', '2025-01'], count: 5 }], { quasiIdentifiers: QIS, k: 5 });
    expect(plan.generalize(['US-CA', '25-34', '2025-01'])).toEqual(['US-CA', '25-34', '2025-01']);
    expect(plan.generalize(['US-NY', '25-34', '2025-01'])).toBeNull();
  });
});

describe('k-anonymity: the edges of its options (issue 23)', () => {
  const rows = [{ region: 'US-CA', age: '25-34', signup: '2025-01' }];
  it('accepts a suppression rate of exactly 0 and 1 and maxLevel 0; refuses just outside, naming the problem', () => {
    expect(() => kAnonymize(rows, { quasiIdentifiers: QIS, k: 1, maxSuppressionRate: 0 })).not.toThrow();
    expect(() => kAnonymize(rows, { quasiIdentifiers: QIS, k: 1, maxSuppressionRate: 1 })).not.toThrow();
    expect(() => kAnonymize(rows, { quasiIdentifiers: QIS, k: 1, maxSuppressionRate: -0.01 })).toThrow('maxSuppressionRate must be between 0 and 1');
    expect(() => kAnonymize(rows, { quasiIdentifiers: QIS, k: 1, maxSuppressionRate: 1.01 })).toThrow('maxSuppressionRate must be between 0 and 1');
    expect(() => kAnonymize(rows, { quasiIdentifiers: [{ ...QIS[0], maxLevel: 0 }], k: 1 })).not.toThrow();
    expect(() => kAnonymize(rows, { quasiIdentifiers: [{ ...QIS[0], maxLevel: -1 }], k: 1 })).toThrow('maxLevel of region must be a non-negative integer');
    expect(() => kAnonymize(rows, { quasiIdentifiers: QIS, k: 0 })).toThrow('k must be a positive integer');
    expect(() => kAnonymize(rows, { quasiIdentifiers: [QIS[0], QIS[0]], k: 1 })).toThrow('quasi-identifier region is listed twice');
    expect(() => kAnonymize('rows' as never, { quasiIdentifiers: QIS, k: 1 })).toThrow('rows must be an array');
    expect(() => planKAnonymity('groups' as never, { quasiIdentifiers: QIS, k: 1 })).toThrow('groups must be an array');
  });

  it('generalizes the first of two equally varied columns (Datafly\'s tie goes to the column listed first)', () => {
    // Either column alone would do: generalizing region or age band each leaves classes of 2.
    const tie = [
      { region: 'US-CA', age: '18-24', signup: '2025-01' },
      { region: 'US-NY', age: '18-24', signup: '2025-01' },
      { region: 'US-CA', age: '25-34', signup: '2025-01' },
      { region: 'US-NY', age: '25-34', signup: '2025-01' },
    ];
    expect(kAnonymize(tie, { quasiIdentifiers: [QIS[0], QIS[1]], k: 2, maxSuppressionRate: 0 }).levels).toEqual({ region: 1, age: 0 });
    expect(kAnonymize(tie, { quasiIdentifiers: [QIS[1], QIS[0]], k: 2, maxSuppressionRate: 0 }).levels).toEqual({ age: 1, region: 0 });
  });
});
