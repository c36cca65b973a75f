import jwt from 'jsonwebtoken';
import type { GraphQLSchema } from 'graphql';
import { Role } from '../../src/entities/enums';
import { signToken } from '../../src/schema/auth';
import { documentFor, fullSchema, operations, plausibleArgs, type Operation, type SeedIds } from '../helpers/schema-walk';
import { startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';

/**
 * Who gets in: bad tokens over real HTTP (GraphQL and the plain HTTP endpoints), and the
 * authorization matrix generated from the schema, every Query and Mutation field under every
 * role and without a token. The declared roles come from the fields' extensions (@Roles), so
 * a new operation is covered the moment it exists, and one without roles fails here.
 */
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

interface Answer {
  status: number;
  codes: string[];
  data: Record<string, unknown> | null;
}

describe('authentication and authorization', () => {
  let t: TestGateway;
  let schema: GraphQLSchema;
  let secret: string;

  async function post(query: string, variables: Record<string, unknown>, authorization: string | null, purpose: string | null = 'SERVICE'): Promise<Answer> {
    const res = await fetch(t.url, {
      method: 'POST',
      // X-Purpose: what APP callers must declare. A privileged role that declares one is held to
      // what an APP sees (type-access table), so the matrix sends it for APP only.
      headers: { 'content-type': 'application/json', ...(purpose ? { 'x-purpose': purpose } : {}), ...(authorization !== null ? { authorization } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
    return { status: res.status, codes: (body.errors ?? []).map((e) => e.extensions?.code ?? 'none'), data: body.data ?? null };
  }

  beforeAll(async () => {
    t = await startTestGateway('security_auth');
    schema = await fullSchema();
    secret = t.config.auth.jwtSecret;
  });
  afterAll(() => t.close());

  describe('bad tokens are refused with UNAUTHENTICATED', () => {
    const good = () => signToken(secret, 'auth-test', [Role.ADMIN], 600);
    const badTokens: [string, () => string][] = [
      ['alg "none", no signature', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', roles: ['ADMIN'], exp: now() + 600 })}.`],
      ['alg "none" with the real signature kept', () => { const [, , sig] = good().split('.'); return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', roles: ['ADMIN'], exp: now() + 600 })}.${sig}`; }],
      ['HS512 with the right secret (algorithm switch)', () => jwt.sign({ roles: ['ADMIN'] }, secret, { algorithm: 'HS512', subject: 'x', expiresIn: 600 })],
      ['a wrong secret', () => signToken('w'.repeat(40), 'x', [Role.ADMIN], 600)],
      ['the secret with a character changed', () => signToken(`${secret.slice(0, -1)}!`, 'x', [Role.ADMIN], 600)],
      ['expired', () => jwt.sign({ roles: ['ADMIN'], exp: now() - 5 }, secret, { subject: 'x' })],
      ['not yet valid (nbf)', () => jwt.sign({ roles: ['ADMIN'] }, secret, { subject: 'x', notBefore: 3600, expiresIn: 7200 })],
      ['without expiry', () => jwt.sign({ roles: ['ADMIN'], sub: 'x' }, secret)],
      ['issued in the future', () => jwt.sign({ roles: ['ADMIN'], iat: now() + 3600 }, secret, { subject: 'x', expiresIn: 7200 })],
      ['missing roles', () => jwt.sign({}, secret, { subject: 'x', expiresIn: 600 })],
      ['empty roles', () => jwt.sign({ roles: [] }, secret, { subject: 'x', expiresIn: 600 })],
      ['an unknown role', () => jwt.sign({ roles: ['ROOT'] }, secret, { subject: 'x', expiresIn: 600 })],
      ['a known and an unknown role', () => jwt.sign({ roles: ['APP', 'ROOT'] }, secret, { subject: 'x', expiresIn: 600 })],
      ['the PUBLIC marker as a role', () => jwt.sign({ roles: ['PUBLIC'] }, secret, { subject: 'x', expiresIn: 600 })],
      ['roles as a string', () => jwt.sign({ roles: 'ADMIN' }, secret, { subject: 'x', expiresIn: 600 })],
      ['a lower-case role', () => jwt.sign({ roles: ['admin'] }, secret, { subject: 'x', expiresIn: 600 })],
      ['no subject', () => jwt.sign({ roles: ['ADMIN'] }, secret, { expiresIn: 600 })],
      ['a 201-character subject', () => signToken(secret, 's'.repeat(201), [Role.ADMIN], 600)],
      ['a payload changed after signing', () => { const [h, , s] = good().split('.'); return `${h}.${b64({ sub: 'x', roles: ['ADMIN'], exp: now() + 99999 })}.${s}`; }],
      ['a truncated signature', () => good().slice(0, -4)],
      ['two segments', () => good().split('.').slice(0, 2).join('.')],
      ['a payload that is not JSON', () => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64('not json')}.c2ln`],
      ['garbage', () => 'abc'],
    ];
    const badHeaders: [string, () => string][] = [
      ...badTokens.map(([label, make]): [string, () => string] => [label, () => `Bearer ${make()}`]),
      ['Basic credentials', () => 'Basic YWRtaW46YWRtaW4='],
      ['"Bearer" with no token', () => 'Bearer'],
      ['two tokens', () => `Bearer ${good()} ${good()}`],
      ['a token without the Bearer scheme', () => good()],
    ];

    it('accepts the good token (so the refusals below are about the token)', async () => {
      const res = await post('{ dataCategories { key } }', {}, `Bearer ${good()}`);
      expect(res.codes).toEqual([]);
      const collect = await fetch(t.url.replace(/\/graphql$/, '/collect'), { method: 'POST', headers: { authorization: `Bearer ${good()}`, 'content-type': 'application/json' }, body: JSON.stringify({ page: '/x' }) });
      expect(collect.status).toBe(201);
    });

    it.each(badHeaders)('refuses %s on GraphQL (also on the PUBLIC operation) and the HTTP endpoints, changing nothing', async (_label, make) => {
      const header = make();
      const before = await tableChecksums(t.gateway);
      const read = await post('{ dataCategories { key } }', {}, header);
      expect(read.codes).toEqual(['UNAUTHENTICATED']);
      expect(read.data).toBeNull();
      const write = await post('mutation { registerRecipient(input: { kind: AGENT, name: "Nope", allowedPurposes: [SERVICE_PROVISION] }) { id } }', {}, header);
      expect(write.codes).toEqual(['UNAUTHENTICATED']);
      // The one PUBLIC operation runs without a token, but never with a bad one.
      const pub = await post('mutation { unsubscribe(token: "x.y") { changed } }', {}, header);
      expect(pub.codes).toEqual(['UNAUTHENTICATED']);
      const base = t.url.replace(/\/graphql$/, '');
      const collect = await fetch(`${base}/collect`, { method: 'POST', headers: { authorization: header, 'content-type': 'application/json' }, body: JSON.stringify({ page: '/x' }) });
      expect(collect.status).toBe(401);
      expect(((await collect.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
      const exported = await fetch(`${base}/exports/consents.ndjson`, { headers: { authorization: header } });
      expect(exported.status).toBe(401);
      expect(await tableChecksums(t.gateway)).toEqual(before);
    });
  });

  describe('the authorization matrix, generated from the schema', () => {
    const ROLES = Object.values(Role);
    let ids: SeedIds;

    beforeAll(async () => {
      const admin = `Bearer ${t.token(Role.ADMIN)}`;
      const must = async (query: string, variables: Record<string, unknown> = {}) => {
        const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: admin }, body: JSON.stringify({ query, variables }) });
        const body = (await res.json()) as { data: Record<string, Record<string, unknown>>; errors?: unknown };
        if (body.errors) throw new Error(`seeding failed: ${JSON.stringify(body.errors)}`);
        return body.data;
      };
      const user = (await must('mutation { registerUser(input: { name: "Matrix Person", email: "matrix@example.com", region: "US-CA", country: "US" }) { id } }')).registerUser!.id as string;
      const held = (await must('mutation { registerUser(input: { name: "Held Person", email: "held@example.com" }) { id } }')).registerUser!.id as string;
      const recipient = async (kind: string, purpose: string) => (await must(`mutation { registerRecipient(input: { kind: ${kind}, name: "Matrix ${kind}", postalAddress: "1 Matrix Way, Reno, NV", allowedPurposes: [${purpose}] }) { id } }`)).registerRecipient!.id as string;
      const recipientId = await recipient('THIRD_PARTY', 'DIRECT_MARKETING');
      const partnerId = await recipient('PARTNER', 'AGGREGATE_ANALYTICS');
      const acquirerId = await recipient('ACQUIRER', 'BUSINESS_TRANSFER');
      const hold = (await must(`mutation { placeLegalHold(input: { matter: "M", caseReference: "C-1", subjectIds: ["${held}"] }) { hold { id } } }`)).placeLegalHold!.hold as { id: string };
      const request = (await must(`mutation { requestErasure(userId: "${user}", channel: "EMAIL") { request { id } } }`)).requestErasure!.request as { id: string };
      const transfer = (await must(`mutation { startBusinessTransfer(input: { dealName: "D", acquirerId: "${acquirerId}", phase: DUE_DILIGENCE, scope: { regions: ["US-CA"] } }) { id } }`)).startBusinessTransfer!.id as string;
      ids = { userId: user, recipientId, partnerId, acquirerId, holdId: hold.id, requestId: request.id, transferId: transfer };
    });

    it('every query and mutation declares its roles (or is marked PUBLIC), and only known roles', () => {
      const ops = operations(schema);
      expect(ops.length).toBeGreaterThan(30);
      const undeclared = ops.filter((o) => !o.isPublic && (!o.roles || o.roles.length === 0)).map((o) => o.name);
      expect(undeclared).toEqual([]);
      const unknown = ops.flatMap((o) => (o.roles ?? []).filter((r) => !ROLES.includes(r as Role)).map((r) => `${o.name}: ${r}`));
      expect(unknown).toEqual([]);
    });

    it('only the declared roles get through; every other role is FORBIDDEN, no token UNAUTHENTICATED; refusals change nothing', async () => {
      const ops = operations(schema);
      type Cell = { op: Operation; who: Role | 'no token'; allowed: boolean };
      const cells: Cell[] = ops.flatMap((op) => [
        ...ROLES.map((role): Cell => ({ op, who: role, allowed: op.isPublic || (op.roles ?? []).includes(role) })),
        { op, who: 'no token' as const, allowed: op.isPublic },
      ]);
      const wrong: string[] = [];
      const check = async (c: Cell) => {
        const args = plausibleArgs(c.op, ids);
        const res = await post(documentFor(c.op, args), args, c.who === 'no token' ? null : `Bearer ${t.token(c.who)}`, c.who === Role.APP || c.who === 'no token' ? 'SERVICE' : null);
        const label = `${c.op.kind} ${c.op.name} as ${c.who}`;
        if (res.codes.includes('INTERNAL_SERVER_ERROR')) wrong.push(`${label}: INTERNAL_SERVER_ERROR`);
        if (c.allowed) {
          const refused = res.codes.filter((code) => code === 'FORBIDDEN' || code === 'UNAUTHENTICATED');
          if (refused.length) wrong.push(`${label}: declared role refused with ${refused.join()}`);
        } else {
          const expected = c.who === 'no token' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
          // An APP caller may be stopped by the purpose check (X-Purpose) before the role check.
          const ok = res.codes.length === 1 && (res.codes[0] === expected || (c.who === Role.APP && res.codes[0]!.startsWith('PURPOSE_')));
          if (!ok) wrong.push(`${label}: expected ${expected}, got ${JSON.stringify(res.codes)} with data ${JSON.stringify(res.data)}`);
        }
      };
      // Refusals first, with one checksum around all of them; then the permitted calls.
      const before = await tableChecksums(t.gateway);
      for (const c of cells.filter((c) => !c.allowed)) await check(c);
      expect(await tableChecksums(t.gateway)).toEqual(before);
      for (const c of cells.filter((c) => c.allowed)) await check(c);
      expect(wrong).toEqual([]);
      const allowed = cells.filter((c) => c.allowed).length;
      process.stdout.write(`authorization matrix: ${ops.length} operations x ${ROLES.length + 1} callers = ${cells.length} cells (${allowed} permitted, ${cells.length - allowed} refused)\n`);
    });
  });
});
