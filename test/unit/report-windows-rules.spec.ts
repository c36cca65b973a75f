import { conflictingShares, overlaps, type SharedWindow } from '../../src/plugins/anonymization/report-windows.rules';

const d = (s: string) => new Date(s);
const jan: SharedWindow = { disclosureId: 1, from: d('2026-01-01T00:00:00Z'), until: d('2026-02-01T00:00:00Z'), dimensions: ['PAGE', 'REGION'], sha256: 'a'.repeat(64) };
const feb = { from: d('2026-02-01T00:00:00Z'), until: d('2026-03-01T00:00:00Z'), dimensions: ['PAGE', 'REGION'], sha256: 'b'.repeat(64) };

describe('report windows a partner may receive (issue 26, point 2)', () => {
  it('half-open windows: touching is not overlapping, a millisecond of overlap is', () => {
    expect(overlaps(jan, feb)).toBe(false);
    expect(overlaps(feb, jan)).toBe(false);
    expect(overlaps(jan, { from: d('2025-12-01T00:00:00Z'), until: d('2026-01-01T00:00:00.001Z') })).toBe(true);
    expect(overlaps(jan, { from: d('2026-01-31T23:59:59.999Z'), until: d('2026-03-01T00:00:00Z') })).toBe(true);
    expect(overlaps(jan, { from: d('2025-12-01T00:00:00Z'), until: d('2026-01-01T00:00:00Z') })).toBe(false);
    // Containment either way.
    expect(overlaps(jan, { from: d('2025-01-01T00:00:00Z'), until: d('2027-01-01T00:00:00Z') })).toBe(true);
    expect(overlaps({ from: d('2025-01-01T00:00:00Z'), until: d('2027-01-01T00:00:00Z') }, jan)).toBe(true);
  });

  it('allows a window that overlaps nothing the partner has, and the same report resent', () => {
    expect(conflictingShares([jan], feb)).toEqual([]);
    expect(conflictingShares([], feb)).toEqual([]);
    expect(conflictingShares([jan], { from: jan.from, until: jan.until, dimensions: ['PAGE', 'REGION'], sha256: jan.sha256 })).toEqual([]);
  });

  it('refuses an overlapping window that differs in any way: window, counts, dimensions or their order', () => {
    const janToFeb = { ...feb, from: jan.from };
    expect(conflictingShares([jan], janToFeb)).toEqual([jan]);
    expect(conflictingShares([jan], { ...janToFeb, sha256: jan.sha256 })).toEqual([jan]);
    expect(conflictingShares([jan], { from: jan.from, until: jan.until, dimensions: jan.dimensions, sha256: 'c'.repeat(64) })).toEqual([jan]);
    expect(conflictingShares([jan], { from: jan.from, until: jan.until, dimensions: ['PAGE'], sha256: jan.sha256 })).toEqual([jan]);
    expect(conflictingShares([jan], { from: jan.from, until: jan.until, dimensions: ['REGION', 'PAGE'], sha256: jan.sha256 })).toEqual([jan]);
    expect(conflictingShares([jan], { from: jan.from, until: jan.until, dimensions: ['PAGE', 'REGION', 'BROWSER'], sha256: jan.sha256 })).toEqual([jan]);
    // A same-start window that ends later, or a same-end one that starts earlier.
    expect(conflictingShares([jan], { ...jan, until: feb.until })).toEqual([jan]);
    expect(conflictingShares([jan], { ...jan, from: d('2025-12-01T00:00:00Z') })).toEqual([jan]);
  });

  it('names every conflicting share, and only those', () => {
    const mar: SharedWindow = { disclosureId: 3, from: d('2026-03-01T00:00:00Z'), until: d('2026-04-01T00:00:00Z'), dimensions: ['PAGE'], sha256: 'd'.repeat(64) };
    const q1 = { from: jan.from, until: mar.until, dimensions: ['PAGE'], sha256: 'e'.repeat(64) };
    const dec: SharedWindow = { ...mar, disclosureId: 4, from: d('2025-12-01T00:00:00Z'), until: d('2026-01-01T00:00:00Z') };
    expect(conflictingShares([dec, jan, mar], q1).map((c) => c.disclosureId)).toEqual([1, 3]);
  });
});
