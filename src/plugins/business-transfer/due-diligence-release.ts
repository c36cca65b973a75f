/**
 * What a due-diligence export releases (issue 26, point 4): class-level aggregates only, never a
 * row per person. A chunk counts its subjects by their quasi-identifier class (region, age band,
 * signup month, as recorded) together with the consent statuses and disclosure counts of the
 * class: a tally, kept in the chunk's row, never in a file. The assembly merges the tallies,
 * k-anonymizes the classes (generalizing and dropping, as before), and releases:
 * - `subjects`: one row per released class, its generalized values and how many people (>= k);
 * - `consents`: per purpose, how many released people have each status, small counts suppressed
 *   by the usage reports' audited cell suppression (a purpose's statuses are a 1-way table whose
 *   total is the released people);
 * - `disclosures`: per purpose, how many released people were disclosed for it and how many
 *   disclosures, suppressed the same way (people with and without, over the released people).
 * No column is tied to another except through a class of at least k, so no row can be singled
 * out or matched across two exports: there is no row of a person to match.
 */

export type QuasiValues = [region: string | null, ageBand: string | null, signupMonth: string | null];

export interface ClassTally {
  values: QuasiValues;
  subjects: number;
  /** purpose → status (NONE when the person has no consent row) → people. */
  consents: Record<string, Record<string, number>>;
  /** purpose → disclosures and people with at least one. */
  disclosures: Record<string, { disclosures: number; subjects: number }>;
}

/** One subject's contribution: its class, its consent status per purpose, its disclosure count per purpose. */
export interface SubjectFacts {
  values: QuasiValues;
  consents: Record<string, string>;
  disclosures: Record<string, number>;
}

function emptyTally(values: QuasiValues): ClassTally {
  return { values, subjects: 0, consents: {}, disclosures: {} };
}

/** Adds `from` into `into` (same class or not: the caller decides what a class is). */
export function addTally(into: ClassTally, from: Pick<ClassTally, 'subjects' | 'consents' | 'disclosures'>): void {
  into.subjects += from.subjects;
  for (const [purpose, statuses] of Object.entries(from.consents)) {
    const mine = (into.consents[purpose] ??= {});
    for (const [status, n] of Object.entries(statuses)) mine[status] = (mine[status] ?? 0) + n;
  }
  for (const [purpose, d] of Object.entries(from.disclosures)) {
    const mine = (into.disclosures[purpose] ??= { disclosures: 0, subjects: 0 });
    mine.disclosures += d.disclosures;
    mine.subjects += d.subjects;
  }
}

const classKey = (values: readonly unknown[]): string => JSON.stringify(values);

/** A map's values in the order of its keys (unique, so never equal): the same input always gives the same text. */
function inKeyOrder<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, t]) => t);
}

/** A chunk's subjects counted by class, sorted by class so the same chunk always stores the same text. */
export function tallySubjects(subjects: Iterable<SubjectFacts>): ClassTally[] {
  const byClass = new Map<string, ClassTally>();
  for (const s of subjects) {
    const key = classKey(s.values);
    let tally = byClass.get(key);
    if (!tally) byClass.set(key, (tally = emptyTally(s.values)));
    addTally(tally, {
      subjects: 1,
      consents: Object.fromEntries(Object.entries(s.consents).map(([p, status]) => [p, { [status]: 1 }])),
      disclosures: Object.fromEntries(Object.entries(s.disclosures).filter(([, n]) => n > 0).map(([p, n]) => [p, { disclosures: n, subjects: 1 }])),
    });
  }
  return inKeyOrder(byClass);
}

/** The chunks' tallies as one, by class. */
export function mergeTallies(chunks: Iterable<readonly ClassTally[]>): ClassTally[] {
  const byClass = new Map<string, ClassTally>();
  for (const tallies of chunks) {
    for (const t of tallies) {
      const key = classKey(t.values);
      let into = byClass.get(key);
      if (!into) byClass.set(key, (into = emptyTally(t.values)));
      addTally(into, t);
    }
  }
  return inKeyOrder(byClass);
}

/** Suppresses a 1-way count table (counts under k, and what would reveal them): null where suppressed. */
export type SuppressCounts = (cells: { key: string[]; count: number }[], k: number) => Promise<(number | null)[]>;

export interface DueDiligenceRelease {
  subjects: { region: string | null; ageBand: string | null; signupMonth: string | null; subjects: number }[];
  consents: { purpose: string; status: string; subjects: number | null }[];
  disclosures: { purpose: string; subjects: number | null; disclosures: number | null }[];
  /** People in released classes. */
  released: number;
}

/**
 * The release from the merged tallies: `generalize` maps a class's values to its released class
 * (null: the class is dropped), as planned by the k-anonymity rule over the same tallies.
 */
export async function releaseDueDiligence(
  tallies: readonly ClassTally[],
  generalize: (values: QuasiValues) => (string | null)[] | null,
  k: number,
  suppress: SuppressCounts,
  purposes: { consent: readonly string[]; disclosure: readonly string[] },
): Promise<DueDiligenceRelease> {
  const classes = new Map<string, ClassTally>();
  for (const t of tallies) {
    const g = generalize(t.values);
    if (!g) continue;
    const values = [g[0] ?? null, g[1] ?? null, g[2] ?? null] as QuasiValues;
    const key = classKey(values);
    let into = classes.get(key);
    if (!into) classes.set(key, (into = emptyTally(values)));
    addTally(into, t);
  }
  const released = [...classes.values()].reduce((n, c) => n + c.subjects, 0);
  const all = emptyTally([null, null, null]);
  for (const c of classes.values()) addTally(all, c);

  const consents: DueDiligenceRelease['consents'] = [];
  for (const purpose of purposes.consent) {
    // A tally holds no status with no one in it.
    const statuses = Object.entries(all.consents[purpose] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    const counts = await suppress(statuses.map(([status, n]) => ({ key: [status], count: n })), k);
    statuses.forEach(([status], i) => consents.push({ purpose, status, subjects: counts[i] ?? null }));
  }

  const disclosures: DueDiligenceRelease['disclosures'] = [];
  for (const purpose of purposes.disclosure) {
    // A tally holds a purpose only when someone was disclosed for it.
    const d = all.disclosures[purpose];
    if (!d) continue;
    // People with and without such a disclosure: a 1-way table whose total is the released people.
    const [withCount = null] = await suppress([{ key: ['with'], count: d.subjects }, { key: ['without'], count: released - d.subjects }], k);
    // The number of disclosures is released only beside a released number of people.
    disclosures.push({ purpose, subjects: withCount, disclosures: withCount === null ? null : d.disclosures });
  }

  return {
    subjects: inKeyOrder(classes).map((c) => ({ region: c.values[0], ageBand: c.values[1], signupMonth: c.values[2], subjects: c.subjects })),
    consents,
    disclosures,
    released,
  };
}
