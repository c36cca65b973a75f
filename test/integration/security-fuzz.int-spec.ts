import fc from 'fast-check';
import type { GraphQLSchema } from 'graphql';
import { Role } from '../../src/entities/enums';
import { fullSchema, leaves, operations, plausibleArgs, withLeafValue, documentFor, type Leaf, type LeafKind, type Operation, type SeedIds } from '../helpers/schema-walk';
import { startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';

/**
 * A fuzzer generated from the schema: every argument of every query and mutation, input
 * objects walked down to their leaves, gets invalid values (wrong types, 64 KB and 1 MB
 * strings, NUL bytes, lone surrogates, control characters, SQL/script/template fragments,
 * bad page sizes, malformed and unknown ids and cursors), the other arguments plausible.
 * Over real HTTP as ADMIN (authorization hides nothing). Every answer must be HTTP 200, 400
 * (or 413 for the 1 MB body) with only typed errors; no mutation may succeed; no row may
 * change; the process stays up. FUZZ_RUNS sets the number of random cases (default 1000,
 * fixed seed FUZZ_SEED, default 10).
 */
const RANDOM_RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 10);
const CONCURRENCY = 4;
const TYPED = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT']);

/**
 * Free text: any printable Unicode is a legitimate value here (a person's name may hold an
 * apostrophe, "<", an emoji or Arabic), so printable hostile text is not sent to mutations
 * through these fields; control characters, lone surrogates and oversized values still are.
 * A new free-text field shows up as a finding until it is listed here (or refuses hostile text).
 */
const FREE_TEXT = new Set([
  'name', 'streetAddress', 'city', 'businessDescription', 'contractReference', 'postalAddress',
  'matter', 'caseReference', 'description', 'summary', 'reason', 'dealName', 'transactionReference', 'userAgent', 'page',
  // Opaque identifiers set by browsers and apps: any printable value is theirs to choose.
  'cookieId', 'deviceId',
]);

interface Nasty {
  label: string;
  value: unknown;
  /** A mutation given this value must refuse it (false: it may be legitimate for this leaf). */
  mustRefuse: boolean;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const MB = 'A'.repeat(1 << 20);
const KB64 = 'A'.repeat(1 << 16);

const HOSTILE_TEXT: [string, string][] = [
  ['sql or', "' OR 1=1 --"],
  ['sql drop', '1; DROP TABLE subjects; --'],
  ['sql quote', '" OR ""="'],
  ['script tag', '<script>alert(1)</script>'],
  ['html handler', '<img src=x onerror=alert(1)>'],
  ['template ${}', '${process.exit(1)}'],
  ['template {{}}', '{{7*7}}'],
  ['rtl override', '\u202Egnp.exe'],
  ['arabic', 'مرحبا بالعالم'],
  ['emoji zwj', '👩‍👩‍👧‍👦🏳️‍🌈'],
  ['path traversal', '../../../../etc/passwd'],
  ['crlf header', 'a\r\nBcc: victim@example.com'],
];
const BAD_TEXT: [string, string][] = [
  ['64 KB', KB64],
  ['NUL byte', 'ab\u0000cd'],
  ['lone high surrogate', 'ab\ud800cd'],
  ['lone low surrogate', '\udc00'],
  ['control characters', 'a\u0007\u001b[2Jb'],
];

function wrongTypes(kind: LeafKind): Nasty[] {
  const all: [string, unknown][] = [
    ['object', { a: 1 }],
    ['nested list', [[1]]],
    ['boolean', true],
    ['float', 1.5],
    ['string', 'x'],
    ['huge number', 2 ** 53],
  ];
  const accepts: Record<LeafKind, (v: unknown) => boolean> = {
    String: (v) => typeof v === 'string',
    ID: (v) => typeof v === 'string' || Number.isInteger(v),
    Int: (v) => Number.isInteger(v) && Math.abs(v as number) < 2 ** 31,
    Float: (v) => typeof v === 'number',
    Boolean: (v) => typeof v === 'boolean',
    DateTimeISO: (v) => typeof v === 'string' || typeof v === 'number',
    JSONObject: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    Enum: () => false,
    Other: () => true,
  };
  return all.filter(([, v]) => !accepts[kind](v)).map(([label, value]) => ({ label: `wrong type: ${label}`, value, mustRefuse: true }));
}

/** The deterministic list of invalid values for one leaf. */
function nastyValues(leaf: Leaf): Nasty[] {
  const out: Nasty[] = [...wrongTypes(leaf.kind), { label: 'explicit null', value: null, mustRefuse: false }];
  const text = (mustRefuse: boolean) => [
    ...BAD_TEXT.map(([label, value]) => ({ label, value, mustRefuse: true })),
    ...HOSTILE_TEXT.map(([label, value]) => ({ label, value, mustRefuse })),
    { label: 'empty', value: '', mustRefuse: false },
    { label: 'blank', value: '   ', mustRefuse: false },
  ];
  switch (leaf.kind) {
    case 'String':
      out.push(...text(!FREE_TEXT.has(leaf.name)));
      if (leaf.name === 'after')
        for (const [label, c] of [['not a cursor', 'not-a-cursor'], ['cursor of text', b64('id:abc')], ['cursor too big', b64('id:99999999999')], ['cursor of another kind', b64('t:1:2')], ['cursor with sql', b64("id:1' OR 1=1")]])
          out.push({ label, value: c, mustRefuse: true });
      break;
    case 'ID':
      out.push(...text(true));
      for (const [label, v] of [['zero', '0'], ['negative', '-1'], ['decimal', '1.5'], ['exponent', '1e3'], ['hex', '0x1F'], ['padded', ' 1'], ['fullwidth digit', '１'], ['20 digits', '99999999999999999999'], ['2^32', '4294967296'], ['letters', 'abc']] as const)
        out.push({ label: `malformed id: ${label}`, value: v, mustRefuse: true });
      out.push({ label: 'unknown id', value: '2147483000', mustRefuse: true }, { label: 'unknown id as number', value: 2147483001, mustRefuse: true });
      break;
    case 'Int':
      for (const [label, v] of [['-1', -1], ['10^9', 1e9], ['2^31', 2 ** 31], ['2^53', 2 ** 53], ['-2^53', -(2 ** 53)], ['string number', '5']] as const)
        out.push({ label: `int ${label}`, value: v, mustRefuse: true });
      out.push({ label: 'int 0', value: 0, mustRefuse: leaf.name === 'k' });
      break;
    case 'Float':
      for (const [label, v] of [['1e308', 1e308], ['-1e308', -1e308], ['-91', -91], ['181', 181], ['string number', '1.5']] as const)
        out.push({ label: `float ${label}`, value: v, mustRefuse: true });
      break;
    case 'Boolean':
      out.push({ label: 'string true', value: 'true', mustRefuse: true }, { label: 'number 1', value: 1, mustRefuse: true });
      break;
    case 'Enum': {
      const first = leaf.enumValues[0] ?? 'X';
      for (const [label, v] of [['unknown', 'NOT_A_VALUE'], ['lower case', first.toLowerCase()], ['padded', `${first} `], ['empty', ''], ['sql', "' OR 1=1 --"]] as const)
        out.push({ label: `enum ${label}`, value: v, mustRefuse: true });
      break;
    }
    case 'DateTimeISO':
      for (const [label, v] of [['words', 'yesterday'], ['impossible', '2026-13-45T25:61:61Z'], ['year zero', '0000-00-00T00:00:00Z'], ['past Date range', '+275760-09-13T00:00:00.001Z'], ['empty', ''], ['sql', "2026-01-01' OR 1=1 --"], ['NUL', '2026-01-01T00:00:00Z\u0000']] as const)
        out.push({ label: `date ${label}`, value: v, mustRefuse: true });
      break;
    default:
      break;
  }
  // Where the missing value is acceptable (a nullable leaf), null is not an attack.
  return out;
}

/** Values for a whole list (the leaf's list itself). */
function nastyLists(leaf: Leaf): Nasty[] {
  if (!leaf.inList || leaf.steps[leaf.steps.length - 1] !== '[]') return [];
  const out: Nasty[] = [{ label: 'empty list', value: [], mustRefuse: false }];
  if (leaf.kind === 'ID') out.push({ label: '10,000 unknown ids', value: Array.from({ length: 10_000 }, (_, i) => String(2_000_000_000 + i)), mustRefuse: true });
  if (leaf.kind === 'String') out.push({ label: '10,000 strings', value: Array.from({ length: 10_000 }, (_, i) => `x${i}`), mustRefuse: true });
  return out;
}

/** Random invalid values, for the fast-check part: every one must be refused. */
function randomNasty(leaf: Leaf): fc.Arbitrary<Nasty> {
  const badChar = fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u001f', '\u007f', '\ud800', '\udbff', '\udc00', '\udfff');
  const badText = fc.tuple(fc.fullUnicodeString({ maxLength: 40 }), badChar, fc.fullUnicodeString({ maxLength: 40 })).map(([a, c, b]) => a + c + b);
  const wrong = fc.constantFrom(...wrongTypes(leaf.kind).map((n) => n.value));
  const tag = (label: string) => (value: unknown): Nasty => ({ label: `random ${label}`, value, mustRefuse: true });
  switch (leaf.kind) {
    case 'String':
    case 'ID':
    case 'DateTimeISO':
      return fc.oneof(badText.map(tag('text with a control character or lone surrogate')), wrong.map(tag('wrong type')));
    case 'Int':
      return fc.oneof(fc.integer({ min: -(2 ** 31), max: -1 }).map(tag('negative int')), fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }).map(tag('int beyond 32 bits')), wrong.map(tag('wrong type')));
    case 'Float':
      return fc.oneof(fc.double({ min: 1000, max: 1e300, noNaN: true }).map(tag('float too large')), fc.double({ min: -1e300, max: -1000, noNaN: true }).map(tag('float too small')), wrong.map(tag('wrong type')));
    case 'Enum':
      return fc.oneof(fc.fullUnicodeString({ maxLength: 30 }).filter((s) => !leaf.enumValues.includes(s)).map(tag('enum value')), wrong.map(tag('wrong type')));
    default:
      return wrong.map(tag('wrong type'));
  }
}

interface Case {
  op: Operation;
  leaf: Leaf;
  nasty: Nasty;
  /** Put the value at the list itself instead of at one element. */
  wholeList?: boolean;
}

interface Finding {
  path: string;
  value: string;
  problem: string;
}

describe('schema fuzzer: invalid values to every argument of every operation', () => {
  let t: TestGateway;
  let schema: GraphQLSchema;
  let ids: SeedIds;
  let admin: string;
  const stats = { requests: 0, operations: 0, leaves: 0, deterministic: 0, random: 0, statuses: {} as Record<string, number>, codes: {} as Record<string, number> };

  beforeAll(async () => {
    t = await startTestGateway('security_fuzz');
    schema = await fullSchema();
    admin = t.token(Role.ADMIN);
    const must = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
      const res = await t.gql<T>(query, variables, admin);
      if (!res.data || res.errors) throw new Error(`seeding failed: ${JSON.stringify(res.errors)}`);
      return res.data;
    };
    const user = await must<{ registerUser: { id: string } }>('mutation($i: RegisterUserInput!) { registerUser(input: $i) { id } }', { i: { name: 'Fuzz Person', email: 'fuzz.seed@example.com', region: 'US-CA', country: 'US' } });
    const other = await must<{ registerUser: { id: string } }>('mutation($i: RegisterUserInput!) { registerUser(input: $i) { id } }', { i: { name: 'Other Person', email: 'other.seed@example.com' } });
    const recipient = async (kind: string, purposes: string[]) =>
      (await must<{ registerRecipient: { id: string } }>('mutation($i: RegisterRecipientInput!) { registerRecipient(input: $i) { id } }', { i: { kind, name: `Seed ${kind}`, postalAddress: '1 Seed Way, Reno, NV', allowedPurposes: purposes } })).registerRecipient.id;
    const thirdParty = await recipient('THIRD_PARTY', ['DIRECT_MARKETING']);
    const partner = await recipient('PARTNER', ['AGGREGATE_ANALYTICS']);
    const acquirer = await recipient('ACQUIRER', ['BUSINESS_TRANSFER']);
    const hold = await must<{ placeLegalHold: { hold: { id: string } } }>('mutation($i: PlaceLegalHoldInput!) { placeLegalHold(input: $i) { hold { id } } }', { i: { matter: 'Seed matter', caseReference: 'SEED-1', subjectIds: [other.registerUser.id] } });
    const request = await must<{ requestErasure: { request: { id: string } } }>('mutation($u: ID!) { requestErasure(userId: $u, channel: "EMAIL") { request { id } } }', { u: user.registerUser.id });
    const transfer = await must<{ startBusinessTransfer: { id: string } }>('mutation($i: StartBusinessTransferInput!) { startBusinessTransfer(input: $i) { id } }', { i: { dealName: 'Seed deal', acquirerId: acquirer, phase: 'DUE_DILIGENCE', scope: { regions: ['US-CA'] } } });
    ids = {
      userId: user.registerUser.id,
      recipientId: thirdParty,
      partnerId: partner,
      acquirerId: acquirer,
      holdId: hold.placeLegalHold.hold.id,
      requestId: request.requestErasure.request.id,
      transferId: transfer.startBusinessTransfer.id,
    };
  });
  afterAll(() => t.close());

  /** Sends one case; returns what was wrong with the answer, if anything. */
  async function send(c: Case, huge = false): Promise<Finding | null> {
    const base = plausibleArgs(c.op, ids);
    const args = c.wholeList
      ? withLeafValue(base, { ...c.leaf, steps: c.leaf.steps.slice(0, -1) }, c.nasty.value, ids, c.op.name)
      : withLeafValue(base, c.leaf, c.nasty.value, ids, c.op.name);
    const query = documentFor(c.op, args);
    const finding = (problem: string): Finding => ({ path: c.leaf.path + (c.wholeList ? ' (list)' : ''), value: c.nasty.label, problem });
    stats.requests += 1;
    const res = await fetch(t.url, {
      method: 'POST',
      // ADMIN is not purpose-bound; declaring a purpose would hold it to what an APP sees.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables: args }),
    });
    stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
    const text = await res.text();
    const allowedStatus = huge ? [200, 400, 413] : [200, 400];
    if (!allowedStatus.includes(res.status)) return finding(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    let body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = JSON.parse(text);
    } catch {
      return finding(`not JSON: ${text.slice(0, 200)}`);
    }
    for (const e of body.errors ?? []) {
      const code = e.extensions?.code ?? 'none';
      stats.codes[code] = (stats.codes[code] ?? 0) + 1;
      if (!TYPED.has(code)) return finding(`error code ${code}: ${e.message.slice(0, 200)}`);
    }
    const succeeded = !body.errors?.length && body.data?.[c.op.name] !== undefined;
    if (c.op.kind === 'mutation' && c.nasty.mustRefuse && succeeded) return finding('mutation accepted the invalid value');
    if (!succeeded && !body.errors?.length) return finding('neither data nor errors');
    return null;
  }

  async function pool<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await run(items[next++]!);
    }));
  }

  it('answers only typed errors, accepts no invalid input and changes no row', async () => {
    const ops = operations(schema);
    const byOp = ops.map((op) => ({ op, leaves: leaves(op) }));
    stats.operations = ops.length;
    stats.leaves = byOp.reduce((n, o) => n + o.leaves.length, 0);
    const before = await tableChecksums(t.gateway);
    const findings: Finding[] = [];
    const skipped = (c: Case) => c.op.kind === 'mutation' && !c.nasty.mustRefuse;

    // 1. The deterministic list: every nasty value at every leaf (for mutations: the invalid
    //    ones; a value that may be legitimate there is only sent to queries).
    const cases: Case[] = [];
    for (const { op, leaves: ls } of byOp)
      for (const leaf of ls) {
        for (const nasty of nastyValues(leaf)) cases.push({ op, leaf, nasty });
        for (const nasty of nastyLists(leaf)) cases.push({ op, leaf, nasty, wholeList: true });
      }
    const deterministic = cases.filter((c) => !skipped(c));
    stats.deterministic = deterministic.length;
    await pool(deterministic, async (c) => {
      const f = await send(c);
      if (f) findings.push(f);
    });
    // A 1 MB string once per operation with a string argument: the body limit answers.
    for (const { op, leaves: ls } of byOp) {
      const leaf = ls.find((l) => l.kind === 'String' || l.kind === 'ID');
      if (!leaf) continue;
      const f = await send({ op, leaf, nasty: { label: '1 MB', value: MB, mustRefuse: true } }, true);
      if (f) findings.push(f);
    }

    // 2. Random invalid values from fast-check (fixed seed; FUZZ_RUNS to run more).
    const withLeaves = byOp.filter((o) => o.leaves.length > 0);
    const randomCase = fc
      .tuple(fc.nat(withLeaves.length - 1), fc.nat(1000))
      .chain(([o, l]) => {
        const { op, leaves: ls } = withLeaves[o]!;
        const leaf = ls[l % ls.length]!;
        return randomNasty(leaf).map((nasty): Case => ({ op, leaf, nasty }));
      });
    const randomCases = fc.sample(randomCase, { numRuns: RANDOM_RUNS, seed: SEED });
    stats.random = randomCases.length;
    await pool(randomCases, async (c) => {
      const f = await send(c);
      if (f) findings.push({ ...f, value: `${f.value}: ${JSON.stringify(c.nasty.value).slice(0, 80)}` });
    });

    // The figures for docs/reliability-security.md.
    process.stdout.write(`fuzz figures: ${JSON.stringify(stats)}\n`);
    // The process is up, nothing was written.
    const health = await fetch(t.url.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
    if (findings.length) process.stdout.write(`fuzz findings: ${JSON.stringify(findings, null, 1)}\n`);
    expect(findings).toEqual([]);
    expect(await tableChecksums(t.gateway)).toEqual(before);
    expect(stats.operations).toBeGreaterThan(30);
    expect(stats.requests).toBe(stats.deterministic + stats.random + byOp.filter((o) => o.leaves.some((l) => l.kind === 'String' || l.kind === 'ID')).length);
    // A slow shared CI machine needs headroom; FUZZ_RUNS adds time for its random cases.
  }, 180_000 + RANDOM_RUNS * 100);
});
