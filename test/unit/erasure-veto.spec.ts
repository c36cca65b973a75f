import { blockedBy } from '../../src/domain/erasure.service';

describe('what the plugins\' vetoes of an erasure add up to', () => {
  it('takes the first veto\'s code, merges each kind of reference sorted and once, and keeps every reason', () => {
    expect(
      blockedBy([
        { plugin: 'legal-hold', code: 'LEGAL_HOLD_ACTIVE', reason: 'held by legal hold 7, 3', refs: { holdIds: [7, 3] } },
        { plugin: 'regulator', code: 'REGULATOR_ORDER', reason: 'order 2', refs: { orderIds: [2], holdIds: [3, 11] } },
      ]),
    ).toEqual({
      code: 'LEGAL_HOLD_ACTIVE',
      refs: { holdIds: [3, 7, 11], orderIds: [2] },
      reasons: ['legal-hold: held by legal hold 7, 3', 'regulator: order 2'],
    });
  });

  it('names the kinds of reference in a stable order, whatever order the plugins give them in', () => {
    const a = blockedBy([{ plugin: 'p', code: 'X', reason: 'r', refs: { zIds: [1], aIds: [2] } }]);
    expect(Object.keys(a.refs)).toEqual(['aIds', 'zIds']);
    expect(blockedBy([{ plugin: 'p', code: 'X', reason: 'r', refs: {} }])).toEqual({ code: 'X', refs: {}, reasons: ['p: r'] });
  });
});
