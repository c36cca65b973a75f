import { prng } from '../../src/demo-data';
import { bernoulli, bernoulliExp, countNoise, discreteLaplace, epsilonThousandths, type UniformInt } from '../../src/plugins/anonymization/discrete-laplace';

/** The demo data's seeded generator as a uniform integer source: the frequencies below are the same on every run. */
function seeded(seed: number): UniformInt {
  const next = prng(seed);
  return (n) => Math.floor(next() * n);
}

describe('the discrete Laplace mechanism (issue 26, point 5)', () => {
  it('samples Bernoulli(exp(−γ)) at its rate, for γ below, at and above 1, and exactly at 0', () => {
    const uniform = seeded(1);
    const rate = (num: number, den: number) => {
      let hits = 0;
      for (let i = 0; i < 100_000; i++) if (bernoulliExp(num, den, uniform)) hits++;
      return hits / 100_000;
    };
    expect(Math.abs(rate(1, 2) - Math.exp(-0.5))).toBeLessThan(0.005);
    expect(Math.abs(rate(1, 1) - Math.exp(-1))).toBeLessThan(0.005);
    expect(Math.abs(rate(5, 2) - Math.exp(-2.5))).toBeLessThan(0.005);
    expect(rate(0, 7)).toBe(1);
    expect(bernoulli(0, 5, uniform)).toBe(false);
    expect(bernoulli(5, 5, uniform)).toBe(true);
  });

  it('draws noise with P(y) ∝ exp(−|y| s/t), symmetric, at the scale asked', () => {
    for (const [s, t] of [
      [1, 1],
      [1, 3],
      [2, 5],
    ] as const) {
      const uniform = seeded(s * 10 + t);
      const draws = 200_000;
      const seen = new Map<number, number>();
      for (let i = 0; i < draws; i++) {
        const y = discreteLaplace(s, t, uniform);
        seen.set(y, (seen.get(y) ?? 0) + 1);
      }
      const q = Math.exp(-s / t);
      const pmf = (y: number) => ((1 - q) / (1 + q)) * q ** Math.abs(y);
      for (const y of [-3, -2, -1, 0, 1, 2, 3]) expect(Math.abs((seen.get(y) ?? 0) / draws - pmf(y))).toBeLessThan(0.004);
    }
  });

  it('takes ε in thousandths and refuses what is not one', () => {
    expect(epsilonThousandths(0.5)).toBe(500);
    expect(epsilonThousandths(0.001)).toBe(1);
    expect(epsilonThousandths(1.25)).toBe(1250);
    for (const bad of [0, -0.5, 0.0005, 0.0015, Number.NaN]) expect(() => epsilonThousandths(bad)).toThrow('ε must be a positive multiple of 0.001');
    expect(() => discreteLaplace(0, 1)).toThrow(RangeError);
    expect(() => discreteLaplace(1, 1.5)).toThrow(RangeError);
    expect(() => bernoulliExp(-1, 1, Math.floor)).toThrow(RangeError);
    expect(() => bernoulliExp(1, 0, Math.floor)).toThrow(RangeError);
  });

  it('scales count noise as Δ/ε: ten times the sensitivity, ten times the spread', () => {
    const meanAbs = (epsilon: number, sensitivity: number) => {
      const uniform = seeded(7);
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += Math.abs(countNoise(epsilon, sensitivity, uniform));
      return sum / 20_000;
    };
    // E|Y| for scale b = Δ/ε is 2q/(1 − q²) with q = e^(−1/b); b = 2 gives 1.92, b = 20 gives 20.0.
    expect(Math.abs(meanAbs(0.5, 1) - 1.92)).toBeLessThan(0.08);
    expect(Math.abs(meanAbs(0.5, 10) - 20.0)).toBeLessThan(0.8);
  });
});
