import { ageOn } from '../../src/domain/subject.service';
import { auditHash, GENESIS_HASH } from '../../src/domain/audit.service';
import { isTransientDbError, isDuplicateKeyError } from '../../src/domain/db-errors';
import { decodeIdCursor, decodeTimeCursor, encodeIdCursor, encodeTimeCursor, pageSize, parseId } from '../../src/schema/pagination';
import { verifyToken, signToken } from '../../src/schema/auth';
import { DisclosurePurpose, RecipientKind, Role } from '../../src/entities/enums';
import { needsPostalAddress } from '../../src/domain/recipient.service';
import jwt from 'jsonwebtoken';

describe('age', () => {
  it('counts a birthday only once it has come', () => {
    expect(ageOn('2013-06-15', new Date('2026-06-14T12:00:00Z'))).toBe(12);
    expect(ageOn('2013-06-15', new Date('2026-06-15T00:00:00Z'))).toBe(13);
    expect(ageOn('2000-02-29', new Date('2026-02-28T00:00:00Z'))).toBe(25);
  });
});

describe('recipient postal addresses (issue 21, point 13; Civil Code 1798.83(a)(2))', () => {
  it('1798.83(a)(2): third parties and affiliates allowed DIRECT_MARKETING need an address, and no one else does', () => {
    const needing: string[] = [];
    for (const kind of Object.values(RecipientKind)) {
      for (const purpose of Object.values(DisclosurePurpose)) if (needsPostalAddress(kind, [purpose])) needing.push(`${kind}:${purpose}`);
    }
    expect(needing).toEqual(['AFFILIATE:DIRECT_MARKETING', 'THIRD_PARTY:DIRECT_MARKETING']);
    expect(needsPostalAddress(RecipientKind.AFFILIATE, [DisclosurePurpose.TRANSACTION, DisclosurePurpose.DIRECT_MARKETING])).toBe(true);
    expect(needsPostalAddress(RecipientKind.THIRD_PARTY, [])).toBe(false);
  });
});

describe('audit hash', () => {
  const base = { seq: 1, occurredAt: new Date('2026-01-01T00:00:00.123Z'), actor: 'a', action: 'x', entityType: 'T', entityId: '1', prevHash: GENESIS_HASH };
  it('does not depend on the key order of details (MySQL reorders JSON)', () => {
    expect(auditHash({ ...base, details: { a: 1, b: [1, 2] } })).toBe(auditHash({ ...base, details: { b: [1, 2], a: 1 } }));
  });
  it('changes with every field', () => {
    const h = auditHash({ ...base, details: null });
    expect(auditHash({ ...base, seq: 2, details: null })).not.toBe(h);
    expect(auditHash({ ...base, actor: 'b', details: null })).not.toBe(h);
    expect(auditHash({ ...base, prevHash: 'f'.repeat(64), details: null })).not.toBe(h);
  });
});

describe('database errors', () => {
  it('tells transient errors (retry) from the rest', () => {
    expect(isTransientDbError({ driverError: { code: 'ER_LOCK_DEADLOCK' } })).toBe(true);
    expect(isTransientDbError({ code: 'ER_LOCK_WAIT_TIMEOUT' })).toBe(true);
    expect(isTransientDbError({ code: 'ER_DUP_ENTRY' })).toBe(false);
    expect(isDuplicateKeyError({ driverError: { code: 'ER_DUP_ENTRY' } })).toBe(true);
    expect(isTransientDbError(null)).toBe(false);
  });
});

describe('cursors, ids and page sizes', () => {
  it('round-trips cursors and refuses foreign ones', () => {
    expect(decodeIdCursor(encodeIdCursor(42))).toBe(42);
    const at = new Date('2026-03-04T05:06:07.890Z');
    expect(decodeTimeCursor(encodeTimeCursor(at, 7))).toEqual({ occurredAt: at, id: 7 });
    expect(() => decodeIdCursor('Zm9v')).toThrow(/cursor/);
    expect(() => decodeTimeCursor(encodeIdCursor(1))).toThrow(/cursor/);
  });
  it('accepts only positive integer ids', () => {
    expect(parseId('12', 'user')).toBe(12);
    for (const bad of ['0', '-1', '1.5', '1e3', ' 1', '99999999999', "1' OR '1'='1"]) expect(() => parseId(bad, 'user')).toThrow();
  });
  it('bounds page sizes', () => {
    expect(pageSize(undefined, 100)).toBe(20);
    expect(pageSize(0, 100)).toBe(0);
    expect(() => pageSize(-1, 100)).toThrow();
    expect(() => pageSize(101, 100)).toThrow();
  });
});

describe('tokens', () => {
  const secret = 's'.repeat(40);
  it('accepts a good token', () => {
    const { actor } = verifyToken(secret, `Bearer ${signToken(secret, 'app-1', [Role.APP], 60)}`);
    expect(actor).toEqual({ id: 'app-1', roles: [Role.APP] });
  });
  it.each([
    ['alg none', () => jwt.sign({ roles: ['ADMIN'] }, '', { algorithm: 'none', subject: 'x' })],
    ['a wrong secret', () => signToken('w'.repeat(40), 'x', [Role.ADMIN], 60)],
    ['an expired token', () => jwt.sign({ roles: ['ADMIN'], exp: Math.floor(Date.now() / 1000) - 10 }, secret, { subject: 'x' })],
    ['a token not yet valid', () => jwt.sign({ roles: ['ADMIN'] }, secret, { subject: 'x', notBefore: 3600, expiresIn: 7200 })],
    ['no roles', () => jwt.sign({}, secret, { subject: 'x', expiresIn: 60 })],
    ['an unknown role', () => jwt.sign({ roles: ['ROOT'] }, secret, { subject: 'x', expiresIn: 60 })],
    ['no subject', () => jwt.sign({ roles: ['ADMIN'] }, secret, { expiresIn: 60 })],
    ['HS512', () => jwt.sign({ roles: ['ADMIN'] }, secret, { subject: 'x', algorithm: 'HS512', expiresIn: 60 })],
    ['a token that never expires', () => jwt.sign({ roles: ['ADMIN'], sub: 'x' }, secret, { noTimestamp: true })],
    ['a subject of 201 characters (longer than the audit actor column)', () => signToken(secret, 'x'.repeat(201), [Role.ADMIN], 60)],
    ['a subject that is a number', () => jwt.sign({ roles: ['ADMIN'], sub: 42 }, secret, { expiresIn: 60 })],
    ['a subject with a control character', () => signToken(secret, 'x\u0000y', [Role.ADMIN], 60)],
    ['a token issued in the future', () => jwt.sign({ roles: ['ADMIN'], iat: Math.floor(Date.now() / 1000) + 3600 }, secret, { subject: 'x', expiresIn: 7200 })],
  ])('refuses %s', (_label, make) => {
    const { actor, error } = verifyToken(secret, `Bearer ${make()}`);
    expect(actor).toBeNull();
    expect(error?.code).toBe('UNAUTHENTICATED');
  });
  it('refuses a header that is not a bearer token', () => {
    expect(verifyToken(secret, 'Basic abc').error?.code).toBe('UNAUTHENTICATED');
    expect(verifyToken(secret, undefined)).toEqual({ actor: null, error: null });
  });
});
