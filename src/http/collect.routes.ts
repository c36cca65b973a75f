import express, { Router } from 'express';
import { useCases } from '../domain/use-cases';
import type { UseCaseRunner } from '../domain/job-intents';
import type { Logger } from '../ops/logger';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { CollectedVisit } from '../domain/communications.service';
import { badInput } from '../domain/errors';
import { Role } from '../entities/enums';
import type { MutationRateLimiter } from '../schema/rate-limit';
import { hasForbiddenCharacters } from '../schema/input-hygiene';
import { jsonErrors, clientIp, rateLimit, requireRoles, sendError, type AuthedLocals } from './http-support';

const FIELDS = new Set(['userId', 'page', 'cookieId', 'deviceId', 'latitude', 'longitude', 'geoAccuracyM']);

function optionalString(body: Record<string, unknown>, key: string, max: number): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw badInput(`${key} must be a string of 1 to ${max} characters`, { field: key });
  // The same text rule as every GraphQL string: MySQL would store a NUL and turn a lone surrogate into U+FFFD.
  if (hasForbiddenCharacters(v)) throw badInput(`${key} holds a control character or an unpaired surrogate`, { field: key, reason: 'INVALID_CHARACTERS' });
  return v;
}

function optionalNumber(body: Record<string, unknown>, key: string, min: number, max: number, integer = false): number | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) throw badInput(`${key} must be a number from ${min} to ${max}`, { field: key });
  return v;
}

/** Checks the whole body before anything is written: unknown fields and wrong types are refused. */
export function parseCollectBody(body: unknown): Omit<CollectedVisit, 'gpc' | 'dnt' | 'ipAddress' | 'userAgent'> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badInput('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) throw badInput(`unknown fields: ${unknown.slice(0, 5).join(', ')}`, { field: unknown[0] });
  let subjectId: number | null = null;
  if (b.userId !== undefined && b.userId !== null) {
    const raw = typeof b.userId === 'number' ? String(b.userId) : b.userId;
    if (typeof raw !== 'string' || !/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 4294967295) throw badInput('userId must be a positive integer id', { field: 'userId' });
    subjectId = Number(raw);
  }
  const page = optionalString(b, 'page', 2048);
  if (page === null) throw badInput('page is required', { field: 'page' });
  return {
    subjectId,
    page,
    cookieId: optionalString(b, 'cookieId', 128),
    deviceId: optionalString(b, 'deviceId', 128),
    latitude: optionalNumber(b, 'latitude', -90, 90),
    longitude: optionalNumber(b, 'longitude', -180, 180),
    geoAccuracyM: optionalNumber(b, 'geoAccuracyM', 0, 20_000_000, true),
  };
}

/**
 * POST /collect: the company's web servers report a visit. The IP is the request's, the user
 * agent its header; `Sec-GPC: 1` opts the linked subject out of sharing for third-party
 * marketing (and is never read as an opt-in when absent); `DNT: 1` is recorded on the event.
 */
export function collectRoutes(deps: { dataSource: DataSource; run: UseCaseRunner; config: Config; log: Logger; limiter: MutationRateLimiter }): Router {
  const router = Router();
  router.post(
    '/collect',
    requireRoles(deps.config.auth, [Role.APP, Role.ADMIN], deps.log),
    // Per token subject, before the body is parsed: a flood costs one Redis call per request.
    rateLimit(deps.limiter, (_req, res) => ({ key: (res.locals as AuthedLocals).actor.id, kind: 'subject' }), deps.log),
    express.json({ limit: '16kb', strict: true, type: () => true }),
    async (req, res) => {
      try {
        const fields = parseCollectBody(req.body);
        const ua = req.get('user-agent')?.slice(0, 512) || null;
        // A user agent is not the caller's to vouch for: one that breaks the text rule is dropped, not stored.
        const userAgent = ua && !hasForbiddenCharacters(ua) ? ua : null;
        const visit: CollectedVisit = { ...fields, ipAddress: clientIp(req), userAgent, gpc: req.get('sec-gpc')?.trim() === '1', dnt: req.get('dnt')?.trim() === '1' };
        const { event, gpcOptOutRecorded } = await useCases.collectVisit(deps.run, (res.locals as AuthedLocals).actor, visit);
        res.status(201).json({ id: String(event.id), userId: event.subjectId === null ? null : String(event.subjectId), gpc: event.gpc, dnt: event.dnt, gpcOptOutRecorded });
      } catch (err) {
        sendError(res, err, deps.log);
      }
    },
  );
  router.use('/collect', jsonErrors(deps.log));
  return router;
}
