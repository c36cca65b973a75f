import { createReadStream } from 'node:fs';
import { Router } from 'express';
import { DomainError } from '../../domain/errors';
import { Role } from '../../entities/enums';
import type { PluginRouteDeps } from '../plugin';
import { downloadArtifact } from './artifact-download.use-case';

/**
 * GET /exports/transfers/{id}/{file}: a completed transfer's file (or its manifest.json), for M&A.
 * A bearer token, or the console's session (a link on its own pages). Each download is audited
 * before the first byte; the file is sent as stored (encrypted when the transfer was), as an
 * attachment, with the SHA-256 the manifest gives.
 */
export function artifactDownloadRoutes(deps: PluginRouteDeps): Router {
  const router = Router();
  // Express would answer HEAD with this GET route, recording a download that sent nothing.
  router.head('/exports/transfers/:id/:file', (_req, res) => void res.status(405).setHeader('allow', 'GET').end());
  router.get('/exports/transfers/:id/:file', deps.requireRoles([Role.MNA, Role.ADMIN]), async (req, res) => {
    try {
      const id = String(req.params.id);
      if (!/^\d{1,10}$/.test(id)) throw new DomainError('BAD_USER_INPUT', 'not a business transfer id', { field: 'id' });
      const download = await downloadArtifact(deps.run, deps.actorOf(res), Number(id), String(req.params.file));
      const size = download.size;
      res.setHeader('content-type', download.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
      res.setHeader('content-length', String(size));
      res.setHeader('content-disposition', `attachment; filename="transfer-${id}-${download.name}"`);
      res.setHeader('cache-control', 'no-store');
      if (download.sha256) res.setHeader('x-content-sha256', download.sha256);
      const stream = createReadStream(download.file);
      stream.on('error', (err) => (res.headersSent ? res.destroy(err) : deps.sendError(res, err)));
      stream.pipe(res);
    } catch (err) {
      deps.sendError(res, err);
    }
  });
  return router;
}
