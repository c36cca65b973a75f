import type { DataSource } from 'typeorm';

/**
 * Every subject is either untouched (personal fields and consents there) or completely
 * erased (a tombstone with nothing linked to it). Returns the ids that are neither.
 */
export async function halfErasedSubjects(ds: DataSource, subjectIds: number[]): Promise<number[]> {
  const rows: { id: number; status: string; name: string | null; email: string | null; phone: string | null; consents: number; events: number; collected: number; disclosed: number }[] = await ds.query(
    `SELECT s.id, s.status, s.name, s.email, s.phone,
            (SELECT COUNT(*) FROM consents c WHERE c.subject_id = s.id) AS consents,
            (SELECT COUNT(*) FROM consent_events e WHERE e.subject_id = s.id) AS events,
            (SELECT COUNT(*) FROM collection_events ce WHERE ce.subject_id = s.id) AS collected,
            (SELECT COUNT(*) FROM disclosures d WHERE d.subject_id = s.id) AS disclosed
       FROM subjects s WHERE s.id IN (?)`,
    [subjectIds],
  );
  return rows
    .filter((r) => {
      // A restricted person (their erasure stopped by a hold) is kept whole, like an active one.
      if (r.status === 'ACTIVE' || r.status === 'RESTRICTED') return r.name === null || r.email === null || Number(r.consents) === 0 || Number(r.events) === 0;
      return r.name !== null || r.email !== null || r.phone !== null || Number(r.consents) + Number(r.events) + Number(r.collected) + Number(r.disclosed) > 0;
    })
    .map((r) => Number(r.id));
}
