import { Router, type Request, type Response } from 'express';
import { useCases } from '../domain/use-cases';
import type { UseCaseRunner } from '../domain/job-intents';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { badInput } from '../domain/errors';
import { PurposeKey, Role, SubjectStatus } from '../entities/enums';
import type { ConsoleSessions } from './console-session';
import { requireRoles, sendError, type AuthedLocals } from './http-support';
import { errorFields, type Logger } from '../ops/logger';

/** Subjects per keyset page: three statements per page, whatever the total. */
export const EXPORT_PAGE = 500;

export interface ConsentExportFilter {
  purposes: PurposeKey[] | null;
  region: string | null;
  status: SubjectStatus | null;
  /** Only subjects with a consent changed at or after this time. */
  changedSince: Date | null;
  /** Resume after this subject id (the last line a client received). */
  afterId: number;
}

const PARAMS = new Set(['purpose', 'region', 'status', 'changedSince', 'afterId']);

export function parseExportFilter(query: Request['query']): ConsentExportFilter {
  const unknown = Object.keys(query).filter((k) => !PARAMS.has(k));
  if (unknown.length > 0) throw badInput(`unknown parameters: ${unknown.slice(0, 5).join(', ')}`, { field: unknown[0] });
  const one = (key: string): string | null => {
    const v = query[key];
    if (v === undefined) return null;
    if (typeof v !== 'string') throw badInput(`${key} must be given once`, { field: key });
    return v;
  };
  const rawPurposes = query.purpose === undefined ? null : ([] as unknown[]).concat(query.purpose).flatMap((p) => (typeof p === 'string' ? p.split(',') : [p]));
  if (rawPurposes && !rawPurposes.every((p): p is PurposeKey => typeof p === 'string' && (Object.values(PurposeKey) as string[]).includes(p)))
    throw badInput(`purpose must be one of ${Object.values(PurposeKey).join(', ')}`, { field: 'purpose' });
  const region = one('region');
  if (region !== null && !/^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$/.test(region)) throw badInput('region must be an ISO 3166-2 code such as US-CA', { field: 'region' });
  const status = one('status');
  if (status !== null && !(Object.values(SubjectStatus) as string[]).includes(status)) throw badInput(`status must be one of ${Object.values(SubjectStatus).join(', ')}`, { field: 'status' });
  const since = one('changedSince');
  const changedSince = since === null ? null : new Date(since);
  if (changedSince && Number.isNaN(changedSince.getTime())) throw badInput('changedSince must be an ISO 8601 date-time', { field: 'changedSince' });
  const after = one('afterId') ?? '0';
  if (!/^\d{1,10}$/.test(after)) throw badInput('afterId must be a subject id', { field: 'afterId' });
  return { purposes: rawPurposes ? [...new Set(rawPurposes)] : null, region: region?.toUpperCase() ?? null, status: status as SubjectStatus | null, changedSince, afterId: Number(after) };
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** Waits until the socket takes more, or the client is gone. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

async function streamPages(qr: QueryRunner, filter: ConsentExportFilter, res: Response): Promise<number> {
  let cursor = filter.afterId;
  let lines = 0;
  const purposeSql = filter.purposes ? ' AND purpose IN (?)' : '';
  const purposeArgs = filter.purposes ? [filter.purposes] : [];
  while (!res.destroyed) {
    const where: string[] = ['s.id > ?'];
    const args: unknown[] = [cursor];
    if (filter.status) {
      where.push('s.status = ?');
      args.push(filter.status);
    }
    if (filter.region) {
      where.push('s.region = ?');
      args.push(filter.region);
    }
    if (filter.purposes || filter.changedSince) {
      where.push(`EXISTS (SELECT 1 FROM consents c WHERE c.subject_id = s.id${filter.purposes ? ' AND c.purpose IN (?)' : ''}${filter.changedSince ? ' AND c.updated_at >= ?' : ''})`);
      if (filter.purposes) args.push(filter.purposes);
      if (filter.changedSince) args.push(filter.changedSince);
    }
    const subjects: { id: number; status: SubjectStatus; region: string | null }[] = await qr.query(
      `SELECT s.id, s.status, s.region FROM subjects s WHERE ${where.join(' AND ')} ORDER BY s.id LIMIT ${EXPORT_PAGE}`,
      args,
    );
    if (subjects.length === 0) break;
    const ids = subjects.map((s) => Number(s.id));
    const consents: { subject_id: number; purpose: string; status: string; source: string; policy_version: string | null; version: number; updated_at: Date }[] = await qr.query(
      `SELECT subject_id, purpose, status, source, policy_version, version, updated_at FROM consents WHERE subject_id IN (?)${purposeSql} ORDER BY subject_id, purpose`,
      [ids, ...purposeArgs],
    );
    const events: { subject_id: number; purpose: string; seq: number; status: string; source: string; policy_version: string | null; occurred_at: Date; recorded_by: string }[] = await qr.query(
      `SELECT subject_id, purpose, seq, status, source, policy_version, occurred_at, recorded_by FROM consent_events WHERE subject_id IN (?)${purposeSql} ORDER BY subject_id, purpose, seq`,
      [ids, ...purposeArgs],
    );
    const bySubject = new Map(ids.map((id) => [id, { consents: [] as unknown[], history: [] as unknown[] }]));
    for (const c of consents)
      bySubject.get(Number(c.subject_id))?.consents.push({ purpose: c.purpose, status: c.status, source: c.source, policyVersion: c.policy_version, version: Number(c.version), updatedAt: iso(c.updated_at) });
    for (const e of events)
      bySubject.get(Number(e.subject_id))?.history.push({ purpose: e.purpose, seq: Number(e.seq), status: e.status, source: e.source, policyVersion: e.policy_version, occurredAt: iso(e.occurred_at), recordedBy: e.recorded_by });
    let chunk = '';
    for (const s of subjects) {
      const own = bySubject.get(Number(s.id))!;
      chunk += `${JSON.stringify({ userId: String(s.id), status: s.status, region: s.region, consents: own.consents, history: own.history })}\n`;
    }
    lines += subjects.length;
    cursor = ids[ids.length - 1]!;
    if (!res.write(chunk)) await drained(res);
  }
  return lines;
}

/**
 * GET /exports/consents.ndjson: every subject's current consents and their full history, one
 * JSON object per line, for audits. Keyset pages over subjects inside one consistent read-only
 * snapshot, written with backpressure, so memory stays flat and the file is one point in time.
 * The export itself is audited before the first byte. No contact details are included.
 */
export function consentExportRoutes(deps: { dataSource: DataSource; run: UseCaseRunner; config: Config; log: Logger; sessions: ConsoleSessions }): Router {
  const router = Router();
  router.get('/exports/consents.ndjson', requireRoles(deps.config.auth, [Role.PRIVACY_OPS, Role.LEGAL, Role.ADMIN], deps.log, deps.sessions), async (req, res) => {
    let filter: ConsentExportFilter;
    const actor: Actor = (res.locals as AuthedLocals).actor;
    try {
      filter = parseExportFilter(req.query);
      await useCases.audit(deps.run, actor, { action: 'consents.exported', entityType: 'ConsentExport', details: { ...filter, changedSince: iso(filter.changedSince) } });
    } catch (err) {
      return sendError(res, err, deps.log);
    }
    const qr = deps.dataSource.createQueryRunner();
    try {
      await qr.connect();
      await qr.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await qr.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      res.status(200).set({
        'Content-Type': 'application/x-ndjson; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Disposition': 'attachment; filename="consents.ndjson"',
      });
      res.flushHeaders();
      await streamPages(qr, filter, res);
      await qr.query('COMMIT');
      res.end();
    } catch (err) {
      await qr.query('ROLLBACK').catch(() => undefined);
      if (!res.headersSent) sendError(res, err, deps.log);
      else {
        deps.log.error(errorFields(err), 'consent export failed mid-stream');
        // A cut connection, not a short file that looks complete.
        res.destroy(err as Error);
      }
    } finally {
      await qr.release();
    }
  });
  return router;
}
