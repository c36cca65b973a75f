import { overlappingDueDiligence } from '../../src/plugins/business-transfer/due-diligence-scope.rules';

describe('due-diligence exports an acquirer may receive next (issue 26, point 4)', () => {
  const ca = { transferId: 1, regions: ['US-CA'] };
  const east = { transferId: 2, regions: ['US-NY', 'US-NJ'] };
  const all = { transferId: 3, regions: null };
  it('allows disjoint regions, and a first export of any scope', () => {
    expect(overlappingDueDiligence([], null)).toEqual([]);
    expect(overlappingDueDiligence([], ['US-CA'])).toEqual([]);
    expect(overlappingDueDiligence([ca], ['US-TX'])).toEqual([]);
    expect(overlappingDueDiligence([ca, east], ['US-TX', 'US-WA'])).toEqual([]);
  });
  it('refuses a shared region, an unrestricted export after any, and any export after an unrestricted one, naming each', () => {
    expect(overlappingDueDiligence([ca, east], ['US-NJ'])).toEqual([east]);
    expect(overlappingDueDiligence([ca, east], ['US-CA', 'US-NY'])).toEqual([ca, east]);
    expect(overlappingDueDiligence([ca, east], null)).toEqual([ca, east]);
    expect(overlappingDueDiligence([all], ['US-TX'])).toEqual([all]);
    expect(overlappingDueDiligence([ca], ['US-CA'])).toEqual([ca]);
  });
});
