import { Router } from 'express';
import { useCases } from '../domain/use-cases';
import type { UseCaseRunner } from '../domain/job-intents';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { errorFields, type Logger } from '../ops/logger';

/** A transparent 1x1 GIF89a, 43 bytes, with a complete LZW stream (clear, pixel 0, end). */
export const PIXEL_GIF = Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex');

/**
 * The open-tracking pixel: always the image, whatever the token; an open is recorded only if
 * the token is valid and the subject grants EMAIL_OPEN_TRACKING at this moment.
 */
export function openTrackingRoutes(deps: { dataSource: DataSource; run: UseCaseRunner; config: Config; log: Logger }): Router {
  const router = Router();
  router.get('/o/:file', async (req, res) => {
    const file = String(req.params.file);
    if (file.endsWith('.gif')) {
      try {
        await useCases.recordEmailOpen(deps.run, deps.config.communications, file.slice(0, -4));
      } catch (err) {
        // The mail client only wants the image; a failed recording is ours to see in the log.
        deps.log.error(errorFields(err), 'open not recorded');
      }
    }
    res
      .status(200)
      .set({ 'Content-Type': 'image/gif', 'Content-Length': String(PIXEL_GIF.length), 'Cache-Control': 'no-store, no-cache, must-revalidate, max-age=0', Pragma: 'no-cache', Expires: '0' })
      .end(PIXEL_GIF);
  });
  return router;
}
