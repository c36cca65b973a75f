import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PurposeKey } from '../entities/enums';
import { DomainError } from './errors';

/** What signs and places the links in outgoing mail (from Config.communications). */
export interface LinkSettings {
  unsubscribeSecret: string;
  unsubscribeTokenTtlSeconds: number;
  publicBaseUrl: string;
}

/** Consents a link in an email may withdraw: the ones about email itself. */
export const UNSUBSCRIBABLE_PURPOSES: readonly PurposeKey[] = [
  PurposeKey.PRODUCT_EMAIL,
  PurposeKey.THIRD_PARTY_OFFERS,
  PurposeKey.LEGAL_NOTICE_EMAIL,
  PurposeKey.EMAIL_OPEN_TRACKING,
];

export interface UnsubscribeClaims {
  subjectId: number;
  purpose: PurposeKey;
  expiresAt: Date;
}

export interface OpenClaims {
  subjectId: number;
  campaign: string | null;
  expiresAt: Date;
  /** Names the one message the pixel was sent in: a hash of the token's signature (not the signature, which would rebuild the link). */
  pixelKey: string;
}

// Kept short: the token sits in a URL. k: kind (a token of one kind never passes as the other).
interface UnsubscribePayload { k: 'u'; s: number; p: PurposeKey; e: number }
// n: a nonce, so two messages of one campaign to one person have distinct pixels (older tokens lack it).
interface OpenPayload { k: 'o'; s: number; c: string | null; e: number; n?: string }
type Payload = UnsubscribePayload | OpenPayload;

const MAX_TOKEN_LENGTH = 600;
// Domain separation: the same secret never signs anything else with the same input.
const SIGNING_LABEL = 'drg-mail-link-v1.';

export type TokenProblem = 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

/** A refused link: BAD_USER_INPUT with the reason, and never a hint of whose link it was. */
export const tokenError = (reason: TokenProblem): DomainError =>
  new DomainError('BAD_USER_INPUT', reason === 'TOKEN_EXPIRED' ? 'this link has expired' : 'this link is not valid', { reason, field: 'token' });

function sign(secret: string, payloadB64: string): Buffer {
  return createHmac('sha256', secret).update(SIGNING_LABEL + payloadB64).digest();
}

function encode(secret: string, payload: Payload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(secret, body).toString('base64url')}`;
}

/** Checks the signature (constant time) before reading anything from the payload. */
function decode(secret: string, token: string, now: Date): Payload {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw tokenError('TOKEN_INVALID');
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) throw tokenError('TOKEN_INVALID');
  const given = Buffer.from(m[2]!, 'base64url');
  const expected = sign(secret, m[1]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw tokenError('TOKEN_INVALID');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
  } catch {
    throw tokenError('TOKEN_INVALID');
  }
  const p = payload as Partial<Payload> | null;
  if (!p || typeof p !== 'object' || !Number.isInteger(p.s) || (p.s as number) < 1 || !Number.isInteger(p.e)) throw tokenError('TOKEN_INVALID');
  if ((p.e as number) * 1000 <= now.getTime()) throw tokenError('TOKEN_EXPIRED');
  return p as Payload;
}

const expiry = (settings: LinkSettings, now: Date): number => Math.floor(now.getTime() / 1000) + settings.unsubscribeTokenTtlSeconds;

export function createUnsubscribeToken(settings: LinkSettings, subjectId: number, purpose: PurposeKey, now = new Date()): string {
  if (!UNSUBSCRIBABLE_PURPOSES.includes(purpose)) throw new Error(`no unsubscribe link for ${purpose}`);
  return encode(settings.unsubscribeSecret, { k: 'u', s: subjectId, p: purpose, e: expiry(settings, now) });
}

export function verifyUnsubscribeToken(settings: LinkSettings, token: string, now = new Date()): UnsubscribeClaims {
  const p = decode(settings.unsubscribeSecret, token, now);
  if (p.k !== 'u' || !UNSUBSCRIBABLE_PURPOSES.includes(p.p)) throw tokenError('TOKEN_INVALID');
  return { subjectId: p.s, purpose: p.p, expiresAt: new Date(p.e * 1000) };
}

export function createOpenToken(settings: LinkSettings, subjectId: number, campaign: string | null, now = new Date()): string {
  return encode(settings.unsubscribeSecret, { k: 'o', s: subjectId, c: campaign ? campaign.slice(0, 100) : null, e: expiry(settings, now), n: randomBytes(9).toString('base64url') });
}

export function verifyOpenToken(settings: LinkSettings, token: string, now = new Date()): OpenClaims {
  const p = decode(settings.unsubscribeSecret, token, now);
  if (p.k !== 'o' || (p.c !== null && (typeof p.c !== 'string' || p.c.length > 100))) throw tokenError('TOKEN_INVALID');
  const signature = token.slice(token.lastIndexOf('.') + 1);
  return { subjectId: p.s, campaign: p.c, expiresAt: new Date(p.e * 1000), pixelKey: createHash('sha256').update(signature).digest('base64url') };
}

export const unsubscribeUrl = (settings: LinkSettings, token: string): string => `${settings.publicBaseUrl}/unsubscribe?token=${encodeURIComponent(token)}`;
export const openPixelUrl = (settings: LinkSettings, token: string): string => `${settings.publicBaseUrl}/o/${encodeURIComponent(token)}.gif`;
