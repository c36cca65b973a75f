import { randomInt } from 'node:crypto';

/**
 * The discrete Laplace (two-sided geometric) mechanism, sampled exactly with integer arithmetic
 * only, after Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy"
 * (NeurIPS 2020), algorithms 1 and 2. No npm library samples it exactly (`differential-privacy`
 * 1.1.2 adds continuous Laplace noise by inverse CDF, which leaks through its low bits, Mironov
 * 2012; OpenDP has no Node build), so this is the small implementation issue 26 allows.
 *
 * P(noise = y) ∝ exp(−|y| × ε / Δ): adding it to every count of a histogram in which one person
 * changes the counts by at most Δ in total (L1) is ε-differentially private for that person.
 */

/** A uniform integer in [0, n): crypto by default, a seeded generator in tests. */
export type UniformInt = (n: number) => number;

export const cryptoUniform: UniformInt = (n) => randomInt(n);

/** Bernoulli(num / den), 0 <= num <= den. */
export function bernoulli(num: number, den: number, uniform: UniformInt): boolean {
  return uniform(den) < num;
}

/** Bernoulli(exp(−num/den)) for 0 <= num/den <= 1 (CKS algorithm 1, first part). */
function bernoulliExpAtMostOne(num: number, den: number, uniform: UniformInt): boolean {
  let k = 1;
  while (bernoulli(num, den * k, uniform)) k++;
  return k % 2 === 1;
}

/** Bernoulli(exp(−num/den)) for any num/den >= 0 (CKS algorithm 1). */
export function bernoulliExp(num: number, den: number, uniform: UniformInt): boolean {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || num < 0 || den <= 0) throw new RangeError('bernoulliExp takes a non-negative rational num/den');
  for (let whole = Math.floor(num / den); whole > 0; whole--) if (!bernoulliExpAtMostOne(1, 1, uniform)) return false;
  return bernoulliExpAtMostOne(num % den, den, uniform);
}

/**
 * One draw of discrete Laplace noise with scale t/s (CKS algorithm 2): P(y) ∝ exp(−|y| s / t).
 * s and t are positive integers.
 */
export function discreteLaplace(s: number, t: number, uniform: UniformInt = cryptoUniform): number {
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(t) || s < 1 || t < 1) throw new RangeError('discreteLaplace takes positive integers s and t');
  for (;;) {
    const u = uniform(t);
    if (!bernoulliExp(u, t, uniform)) continue;
    let v = 0;
    while (bernoulliExp(1, 1, uniform)) v++;
    const y = Math.floor((u + t * v) / s);
    const negative = bernoulli(1, 2, uniform);
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/** ε is taken in thousandths, so the scale Δ/ε is an exact ratio of integers. */
export const EPSILON_DENOMINATOR = 1000;

/** The integer form of ε (thousandths); refuses an ε that is not a whole number of thousandths. */
export function epsilonThousandths(epsilon: number): number {
  const thousandths = Math.round(epsilon * EPSILON_DENOMINATOR);
  if (!(thousandths >= 1) || Math.abs(thousandths - epsilon * EPSILON_DENOMINATOR) > 1e-6) throw new RangeError('ε must be a positive multiple of 0.001');
  return thousandths;
}

/** Noise for a count whose person-level L1 sensitivity is `sensitivity`, at privacy loss ε: scale Δ/ε. */
export function countNoise(epsilon: number, sensitivity: number, uniform: UniformInt = cryptoUniform): number {
  // Scale Δ/ε = Δ × 1000 / (ε × 1000): s = ε in thousandths, t = Δ × 1000.
  return discreteLaplace(epsilonThousandths(epsilon), sensitivity * EPSILON_DENOMINATOR, uniform);
}
