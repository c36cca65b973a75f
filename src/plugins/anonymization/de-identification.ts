import type { EntityManager } from 'typeorm';
import { coarsenGeo, generalizeIp, userAgentFamily } from './strategies';

interface EventRow {
  id: number;
  ip_address: string | null;
  latitude: number | null;
  longitude: number | null;
  user_agent: string | null;
  page: string | null;
  occurred_at: Date;
}

/** A page without its query string or fragment: those may carry tokens, emails or ids. */
export function pathOnly(page: string | null): string | null {
  if (!page) return null;
  try {
    return new URL(page, 'http://x').pathname;
  } catch {
    return null;
  }
}

/**
 * On erasure, a subject's collection events are generalized and unlinked so that usage counts
 * survive without identifying anyone: IP to its /24 (or /48), location to a ~10 km cell, the
 * user agent to browser family and device type, the page to its path, the time to the month;
 * device and cookie ids go. A fixed number of statements, whatever the number of events.
 */
export async function deIdentifyCollectionEvents(em: EntityManager, subjectId: number, keepIds: readonly number[] = []): Promise<number> {
  const rows: EventRow[] = await em.query(
    `SELECT id, ip_address, latitude, longitude, user_agent, page, occurred_at FROM collection_events WHERE subject_id = ?${keepIds.length ? ' AND id NOT IN (?)' : ''} FOR UPDATE`,
    keepIds.length ? [subjectId, keepIds] : [subjectId],
  );
  if (rows.length === 0) return 0;
  const values = rows.map((r) => {
    const geo = r.latitude !== null && r.longitude !== null ? coarsenGeo(Number(r.latitude), Number(r.longitude), 'GRID_10KM') : null;
    const ua = r.user_agent ? userAgentFamily(r.user_agent) : null;
    const at = new Date(r.occurred_at);
    return [
      r.id,
      r.ip_address ? generalizeIp(r.ip_address) : null,
      geo?.lat ?? null,
      geo?.lon ?? null,
      ua ? `${ua.browser}; ${ua.deviceType}` : null,
      pathOnly(r.page),
      new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)),
    ];
  });
  // One multi-row upsert on the primary key rewrites every event in a single statement.
  await em.query(
    `INSERT INTO collection_events (id, ip_address, latitude, longitude, user_agent, page, occurred_at) VALUES ${values.map(() => '(?,?,?,?,?,?,?)').join(',')}
     ON DUPLICATE KEY UPDATE ip_address = VALUES(ip_address), latitude = VALUES(latitude), longitude = VALUES(longitude),
       user_agent = VALUES(user_agent), page = VALUES(page), occurred_at = VALUES(occurred_at),
       geo_accuracy_m = IF(VALUES(latitude) IS NULL, NULL, 10000), device_id = NULL, cookie_id = NULL, subject_id = NULL, de_identified = 1`,
    values.flat(),
  );
  return rows.length;
}

/** Disclosures keep their counts but no link to the erased subject. */
export async function unlinkDisclosures(em: EntityManager, subjectId: number, keepIds: readonly number[] = []): Promise<number> {
  const result = await em.query(`UPDATE disclosures SET subject_id = NULL WHERE subject_id = ?${keepIds.length ? ' AND id NOT IN (?)' : ''}`, keepIds.length ? [subjectId, keepIds] : [subjectId]);
  return Number(result.affectedRows ?? 0);
}
