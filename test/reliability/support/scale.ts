/**
 * Sizes of the reliability tests. Defaults are small so `.ci/run` finishes in minutes;
 * RELIABILITY_SCALE multiplies every size, and a per-test variable overrides one size.
 */
export function size(name: string, base: number): number {
  const own = process.env[name];
  if (own !== undefined && own !== '') {
    const n = Number(own);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${own}"`);
    return n;
  }
  const scale = Number(process.env.RELIABILITY_SCALE ?? 1);
  if (!(scale > 0)) throw new Error(`RELIABILITY_SCALE must be a positive number, got "${process.env.RELIABILITY_SCALE}"`);
  return Math.max(1, Math.round(base * scale));
}

/** The demo data's mulberry32: a failing run's kill points can be replayed (RELIABILITY_SEED). */
export { prng as seededRandom } from '../../../src/demo-data';

export const RELIABILITY_SEED = Number(process.env.RELIABILITY_SEED ?? 20261129);
