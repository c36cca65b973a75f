import express, { Router, type Request, type Response } from 'express';
import { useCases } from '../domain/use-cases';
import type { UseCaseRunner } from '../domain/job-intents';
import type { Logger } from '../ops/logger';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { inspectUnsubscribeToken } from '../domain/communications.service';
import { DomainError } from '../domain/errors';
import { PurposeKey } from '../entities/enums';
import type { MutationRateLimiter } from '../schema/rate-limit';
import { jsonErrors, clientIp, escapeHtml, publicPage, rateLimit, sendError } from './http-support';

const LABELS: Partial<Record<PurposeKey, string>> = {
  [PurposeKey.PRODUCT_EMAIL]: 'emails about our own products and offers',
  [PurposeKey.THIRD_PARTY_OFFERS]: 'emails with offers on behalf of other businesses',
  [PurposeKey.LEGAL_NOTICE_EMAIL]: 'privacy policy notices by email (they stay posted on our website, and the policy still applies)',
  [PurposeKey.EMAIL_OPEN_TRACKING]: 'email-open tracking',
};


function refused(req: Request, res: Response, err: unknown, log: Logger): void {
  if (!(err instanceof DomainError) || req.accepts(['html', 'json']) === 'json') return sendError(res, err, log);
  const expired = err.details?.reason === 'TOKEN_EXPIRED';
  publicPage(res, 400, expired ? 'This link has expired' : 'This link is not valid', `<p>${expired ? 'Please use the unsubscribe link in a more recent email, or' : 'Please check that the whole link was copied, or'} contact us to change your email preferences.</p>`);
}

const tokenOf = (req: Request): string => {
  const q = req.query.token;
  if (typeof q === 'string') return q;
  const b = (req.body as Record<string, unknown> | undefined)?.token;
  return typeof b === 'string' ? b : '';
};

/**
 * RFC 8058 one-click unsubscribe. GET only shows a confirmation form (mail scanners prefetch
 * links, so a GET must never change anything); POST, from that form or from the mail client's
 * List-Unsubscribe-Post, withdraws the consent. The signed token is the only credential.
 */
export function unsubscribeRoutes(deps: { dataSource: DataSource; run: UseCaseRunner; config: Config; log: Logger; limiter: MutationRateLimiter }): Router {
  const settings = deps.config.communications;
  const router = Router();
  router.get('/unsubscribe', (req, res) => {
    const token = tokenOf(req);
    let purpose: PurposeKey;
    try {
      purpose = inspectUnsubscribeToken(settings, token).purpose;
    } catch (err) {
      return refused(req, res, err, deps.log);
    }
    publicPage(
      res,
      200,
      'Unsubscribe',
      `<p>Stop ${escapeHtml(LABELS[purpose] ?? purpose)}?</p>` +
        `<form method="post" action="/unsubscribe?token=${escapeHtml(encodeURIComponent(token))}">` +
        `<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    );
  });
  // RFC 8058 bodies are form-encoded ("List-Unsubscribe=One-Click"); the token rides in the URL.
  // Token-less: the mutation budget of the client address, shared with GraphQL's `unsubscribe`.
  const perAddress = rateLimit(deps.limiter, (req) => ({ key: clientIp(req) ?? 'unknown', kind: 'address' }), deps.log);
  router.post('/unsubscribe', perAddress, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    try {
      const result = await useCases.unsubscribe(deps.run, settings, tokenOf(req));
      if (req.accepts(['html', 'json']) === 'json') return void res.set('Cache-Control', 'no-store').json(result);
      publicPage(res, 200, 'You are unsubscribed', `<p>You will no longer receive ${escapeHtml(LABELS[result.purpose] ?? result.purpose)}.</p>`);
    } catch (err) {
      refused(req, res, err, deps.log);
    }
  });
  router.use('/unsubscribe', jsonErrors(deps.log));
  return router;
}
