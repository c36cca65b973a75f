import { protectionWidth, suppressCells } from '../../src/plugins/anonymization/cell-suppression';
import { loadLinearSolver, type LinearSolver } from '../../src/plugins/anonymization/linear-solver';
import { addTally, mergeTallies, releaseDueDiligence, tallySubjects, type ClassTally, type SubjectFacts } from '../../src/plugins/business-transfer/due-diligence-release';

let solver: LinearSolver;
beforeAll(async () => {
  solver = await loadLinearSolver();
});
const suppress = async (cells: { key: string[]; count: number }[], k: number) => suppressCells(cells, ['value'], k, { solver, width: protectionWidth(k, 50) }).cells.map((c) => c.count);
const purposes = { consent: ['ANALYTICS', 'MARKETING'], disclosure: ['DIRECT_MARKETING', 'TRANSACTION'] };

function person(region: string | null, band: string | null, month: string | null, consents: Record<string, string>, disclosures: Record<string, number> = {}): SubjectFacts {
  return { values: [region, band, month], consents, disclosures };
}

describe('due diligence releases classes, never people (issue 26, point 4)', () => {
  it('tallies subjects by class: sizes, consent statuses and disclosures, sorted by class', () => {
    const tallies = tallySubjects([
      person('US-NY', '25-34', '2025-01', { ANALYTICS: 'GRANTED' }, { TRANSACTION: 2, DIRECT_MARKETING: 0 }),
      person('US-CA', '25-34', '2025-01', { ANALYTICS: 'NONE' }),
      person('US-NY', '25-34', '2025-01', { ANALYTICS: 'WITHDRAWN' }, { TRANSACTION: 3 }),
    ]);
    expect(tallies).toEqual([
      { values: ['US-CA', '25-34', '2025-01'], subjects: 1, consents: { ANALYTICS: { NONE: 1 } }, disclosures: {} },
      { values: ['US-NY', '25-34', '2025-01'], subjects: 2, consents: { ANALYTICS: { GRANTED: 1, WITHDRAWN: 1 } }, disclosures: { TRANSACTION: { disclosures: 5, subjects: 2 } } },
    ]);
  });

  it('merges the chunks\' tallies class by class, whatever their order', () => {
    const a: ClassTally = { values: ['US-NY', null, '2025-01'], subjects: 2, consents: { ANALYTICS: { GRANTED: 2 } }, disclosures: { TRANSACTION: { disclosures: 4, subjects: 1 } } };
    const b: ClassTally = { values: ['US-NY', null, '2025-01'], subjects: 3, consents: { ANALYTICS: { GRANTED: 1, NONE: 2 } }, disclosures: { TRANSACTION: { disclosures: 1, subjects: 1 } } };
    const c: ClassTally = { values: ['US-CA', null, '2025-01'], subjects: 1, consents: {}, disclosures: {} };
    const merged = mergeTallies([[a], [c, b]]);
    expect(merged).toEqual([
      { values: ['US-CA', null, '2025-01'], subjects: 1, consents: {}, disclosures: {} },
      { values: ['US-NY', null, '2025-01'], subjects: 5, consents: { ANALYTICS: { GRANTED: 3, NONE: 2 } }, disclosures: { TRANSACTION: { disclosures: 5, subjects: 2 } } },
    ]);
    // The inputs are not changed.
    expect(a.subjects).toBe(2);
    const into: ClassTally = { values: [null, null, null], subjects: 0, consents: {}, disclosures: {} };
    addTally(into, a);
    addTally(into, a);
    expect(into).toEqual({ values: [null, null, null], subjects: 4, consents: { ANALYTICS: { GRANTED: 4 } }, disclosures: { TRANSACTION: { disclosures: 8, subjects: 2 } } });
  });

  it('releases each class at its generalized values with its size, merges classes that generalize alike, drops the ones the plan drops', async () => {
    const facts = [
      ...Array.from({ length: 12 }, () => person('US-NY', '25-34', '2025-01', { ANALYTICS: 'GRANTED', MARKETING: 'NONE' }, { TRANSACTION: 1 })),
      ...Array.from({ length: 5 }, () => person('US-CA', '25-34', '2025-01', { ANALYTICS: 'GRANTED', MARKETING: 'NONE' })),
      ...Array.from({ length: 7 }, () => person('US-TX', '25-34', '2025-01', { ANALYTICS: 'NONE', MARKETING: 'NONE' })),
      ...Array.from({ length: 3 }, () => person('FR-75', '25-34', '2025-01', { ANALYTICS: 'GRANTED', MARKETING: 'GRANTED' })),
    ];
    // US states generalize to US, France is dropped.
    const generalize = (v: (string | null)[]) => (v[0]?.startsWith('US') ? ['US', v[1] ?? null, v[2] ?? null] : null);
    const r = await releaseDueDiligence(tallySubjects(facts), generalize, 11, suppress, purposes);
    expect(r.subjects).toEqual([{ region: 'US', ageBand: '25-34', signupMonth: '2025-01', subjects: 24 }]);
    expect(r.released).toBe(24);
    // ANALYTICS: 17 GRANTED, 7 NONE: 7 < 11 is suppressed, and so its complement (a 1-way table with its total released).
    // MARKETING: 24 NONE. The French GRANTED never counts: they are not released.
    expect(r.consents).toEqual([
      { purpose: 'ANALYTICS', status: 'GRANTED', subjects: null },
      { purpose: 'ANALYTICS', status: 'NONE', subjects: null },
      { purpose: 'MARKETING', status: 'NONE', subjects: 24 },
    ]);
    // TRANSACTION: 12 with, 12 without: both at least k, released with the number of disclosures.
    expect(r.disclosures).toEqual([{ purpose: 'TRANSACTION', subjects: 12, disclosures: 12 }]);
  });

  it('suppresses a purpose\'s people with or without disclosures below k, and their number of disclosures with them', async () => {
    const few = [
      ...Array.from({ length: 20 }, () => person('US-NY', null, null, {}, { DIRECT_MARKETING: 1 })),
      ...Array.from({ length: 3 }, () => person('US-NY', null, null, {}, { TRANSACTION: 4 })),
    ];
    const r = await releaseDueDiligence(tallySubjects(few), (v) => [...v], 11, suppress, purposes);
    // DIRECT_MARKETING: 20 with, 3 without: the 3 are too few, so the 20 go too. TRANSACTION: 3 with.
    expect(r.disclosures).toEqual([
      { purpose: 'DIRECT_MARKETING', subjects: null, disclosures: null },
      { purpose: 'TRANSACTION', subjects: null, disclosures: null },
    ]);
    // Everyone disclosed for a purpose: no "without" cell, the count is the released total.
    const all = await releaseDueDiligence(tallySubjects(few.slice(0, 20)), (v) => [...v], 11, suppress, purposes);
    expect(all.disclosures).toEqual([{ purpose: 'DIRECT_MARKETING', subjects: 20, disclosures: 20 }]);
    // No consent rows at all: nothing listed for the purpose.
    expect(all.consents).toEqual([]);
  });

  it('releases nothing but an empty table when every class is dropped', async () => {
    const r = await releaseDueDiligence(tallySubjects([person('US-NY', null, null, { ANALYTICS: 'GRANTED' }, { TRANSACTION: 1 })]), () => null, 11, suppress, purposes);
    expect(r).toEqual({ subjects: [], consents: [], disclosures: [], released: 0 });
  });

  it('orders classes, chunks\' classes and statuses by key whatever order they come in, so an export is the same text every time', async () => {
    const people = [
      person('US-TX', '45-54', '2025-03', { ANALYTICS: 'WITHDRAWN' }),
      person('US-NY', '25-34', '2025-02', { ANALYTICS: 'NONE' }),
      person('US-CA', '18-24', '2025-01', { ANALYTICS: 'GRANTED' }),
    ];
    expect(tallySubjects(people).map((t) => t.values[0])).toEqual(['US-CA', 'US-NY', 'US-TX']);
    expect(mergeTallies([tallySubjects(people.slice(0, 1)), tallySubjects(people.slice(1))]).map((t) => t.values[0])).toEqual(['US-CA', 'US-NY', 'US-TX']);
    const many = people.flatMap((p) => Array.from({ length: 12 }, () => p));
    const r = await releaseDueDiligence(tallySubjects(many.reverse()), (v) => [...v], 11, suppress, purposes);
    expect(r.subjects.map((c) => c.region)).toEqual(['US-CA', 'US-NY', 'US-TX']);
    expect(r.consents).toEqual([
      { purpose: 'ANALYTICS', status: 'GRANTED', subjects: 12 },
      { purpose: 'ANALYTICS', status: 'NONE', subjects: 12 },
      { purpose: 'ANALYTICS', status: 'WITHDRAWN', subjects: 12 },
    ]);
    // No one disclosed for a purpose: the purpose is not listed.
    expect(r.disclosures).toEqual([]);
  });
});
