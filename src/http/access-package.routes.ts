import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { Router, type Request, type Response } from 'express';
import type { DataSource } from 'typeorm';
import { accessSettingsOf, type Config } from '../config';
import { openAccessArchive } from '../domain/access-request.service';
import type { UseCaseRunner } from '../domain/job-intents';
import { useCases } from '../domain/use-cases';
import { DomainError } from '../domain/errors';
import type { Logger } from '../ops/logger';
import type { MutationRateLimiter } from '../schema/rate-limit';
import { clientIp, escapeHtml, publicPage, rateLimit } from './http-support';


const REFUSALS: Readonly<Record<string, [number, string, string]>> = {
  TOKEN_EXPIRED: [410, 'This link has expired', 'Please contact us and we will send you a new link.'],
  TOKEN_USED_OR_INVALID: [410, 'This link is not valid', 'It may have been used already (a link works once), or not copied whole. Please contact us and we will send you a new link.'],
  TOKEN_INVALID: [400, 'This link is not valid', 'Please check that the whole link was copied, or contact us for a new one.'],
};

function refused(res: Response, err: unknown, log: Logger): void {
  const reason = err instanceof DomainError ? String(err.details?.reason ?? '') : '';
  const known = REFUSALS[reason];
  if (!known) {
    log.error({ err }, 'access package download failed');
    return publicPage(res, 500, 'Something went wrong', '<p>Please try again later, or contact us.</p>');
  }
  publicPage(res, known[0], known[1], `<p>${escapeHtml(known[2])}</p>`);
}

/**
 * The one-time link of an access package. GET only shows a page with a button (mail scanners fetch
 * links, and a fetch must not spend the one use); POST, from that button, spends the token in one
 * change and streams the archive, opened from its sealed file as it is sent. A download cut off
 * half-way has spent the link: the person asks for a new one (reissueAccessLink).
 */
export function accessPackageRoutes(deps: { dataSource: DataSource; run: UseCaseRunner; config: Config; log: Logger; limiter: MutationRateLimiter }): Router {
  const settings = accessSettingsOf(deps.config);
  const router = Router();
  const tokenOf = (req: Request): string => {
    const b = (req.body as Record<string, unknown> | undefined)?.token;
    if (typeof b === 'string') return b;
    return typeof req.query.token === 'string' ? req.query.token : '';
  };
  router.get('/access-package', (req, res) => {
    const token = tokenOf(req);
    publicPage(
      res,
      200,
      'Your personal information',
      '<p>Your archive is ready: a ZIP file with a letter that explains it, a JSON file per section and a CSV file per table. The link works once.</p>' +
        `<form method="post" action="/access-package"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">Download</button></form>`,
    );
  });
  // Token guessing is refused by the token's 256 bits; the address budget keeps it from being a load.
  const perAddress = rateLimit(deps.limiter, (req) => ({ key: clientIp(req) ?? 'unknown', kind: 'address' }), deps.log);
  router.post('/access-package', perAddress, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    let claimed;
    try {
      claimed = await useCases.claimAccessPackage(deps.run, settings, tokenOf(req));
    } catch (err) {
      return refused(res, err, deps.log);
    }
    res.status(200).set({
      'Content-Type': 'application/zip',
      'Content-Length': String(claimed.bytes),
      'Content-Disposition': `attachment; filename="personal-information-${claimed.requestId}.zip"`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-SHA256': claimed.sha256,
    });
    // pipeline: backpressure, and a client that goes away stops the reading.
    await pipeline(Readable.from(openAccessArchive(claimed)), res).catch((err: unknown) => {
      deps.log.warn({ err, packageId: claimed.packageId }, 'access package download did not complete');
    });
  });
  return router;
}
