import {
  getNamedType, isEnumType, isNonNullType, isObjectType, isScalarType,
  type GraphQLField, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { READ_PURPOSE_RULES, PERSONAL_FIELDS } from '../../src/domain/read-purpose.rules';
import { maySee, type TypeAccessTable, type Viewer } from '../../src/domain/type-access.policy';
import { ReadPurpose, Role } from '../../src/entities/enums';
import { signToken } from '../../src/schema/auth';
import { isPaginationType } from '../../src/schema/authorize-graph';
import { fullTypeAccess } from '../../scripts/type-access-table';
import { fullSchema, operations, plausibleArgs, type SeedIds } from '../helpers/schema-walk';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

/** Edges followed from each root field; the gateway's own depth limit is 8 levels of selection. */
const MAX_EDGES = 3;

interface PathQuery {
  root: string;
  /** Field names from the root, e.g. recipient.disclosures.edges.node.user */
  steps: string[];
  document: string;
}

/**
 * Every path from every query root through every object edge (pagination wrappers crossed, not
 * counted) up to MAX_EDGES, as one small query each: `__typename` at every level, every scalar of
 * the last object. Edges whose required arguments cannot be filled are skipped (and counted).
 */
function pathQueries(schema: GraphQLSchema, ids: SeedIds): { paths: PathQuery[]; skipped: string[] } {
  const paths: PathQuery[] = [];
  const skipped: string[] = [];
  const argsOf = (field: GraphQLField<unknown, unknown>): string | null => {
    const parts: string[] = [];
    for (const a of field.args) {
      if (a.name === 'first') parts.push('first: 2');
      else if (isNonNullType(a.type) && a.defaultValue === undefined) return null;
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  };
  const leafSelection = (type: GraphQLObjectType): string =>
    ['__typename', ...Object.values(type.getFields()).filter((f) => {
      const named = getNamedType(f.type);
      return (isScalarType(named) || isEnumType(named)) && !f.args.some((a) => isNonNullType(a.type));
    }).map((f) => f.name)].join(' ');

  const walk = (type: GraphQLObjectType, edges: number, trail: string[], wrap: (inner: string) => string, root: string): void => {
    // This object ends a path: select all its scalars.
    if (trail.length > 0) paths.push({ root, steps: trail, document: wrap(leafSelection(type)) });
    if (edges >= MAX_EDGES) return;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (!isObjectType(named)) continue;
      const args = argsOf(field);
      if (args === null) {
        skipped.push(`${[...trail, field.name].join('.')}`);
        continue;
      }
      if (isPaginationType(named)) {
        // Through edges.node to the node type.
        const node = getNamedType(named.getFields().edges!.type) as GraphQLObjectType;
        const nodeType = getNamedType(node.getFields().node!.type) as GraphQLObjectType;
        walk(nodeType, edges + 1, [...trail, field.name, 'edges', 'node'], (inner) => wrap(`__typename ${field.name}${args} { __typename edges { node { ${inner} } } }`), root);
      } else {
        walk(named, edges + 1, [...trail, field.name], (inner) => wrap(`__typename ${field.name}${args} { ${inner} }`), root);
      }
    }
  };

  for (const op of operations(schema).filter((o) => o.kind === 'query')) {
    const named = getNamedType(op.field.type);
    if (!isObjectType(named)) continue;
    const args = plausibleArgs(op, ids);
    for (const a of op.field.args) if (a.name === 'first') args.first = 2;
    const call = Object.keys(args).length ? `(${Object.entries(args).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')})` : '';
    const start = isPaginationType(named) ? (getNamedType((getNamedType(named.getFields().edges!.type) as GraphQLObjectType).getFields().node!.type) as GraphQLObjectType) : named;
    const open = (inner: string) => (isPaginationType(named) ? `{ ${op.name}${call} { __typename edges { node { ${inner} } } } }` : `{ ${op.name}${call} { ${inner} } }`);
    const steps = isPaginationType(named) ? [op.name, 'edges', 'node'] : [op.name];
    paths.push({ root: op.name, steps, document: open(leafSelection(start)) });
    walk(start, 0, steps, open, op.name);
  }
  return { paths, skipped };
}

/** Every object in an answer with its __typename, and every User object. */
function objectsOf(value: unknown, out: { typename: string; value: Record<string, unknown> }[] = []): typeof out {
  if (Array.isArray(value)) for (const v of value) objectsOf(v, out);
  else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.__typename === 'string') out.push({ typename: o.__typename, value: o });
    for (const v of Object.values(o)) objectsOf(v, out);
  }
  return out;
}

/**
 * Issue 20's generated test: every path of the schema, for every role and every purpose, against
 * seeded data. Each type appears only where the type-access table allows it, each field a purpose
 * masks is masked, and each person whose data came back is in the access log, under the reader.
 * An edge added anywhere is walked without touching this file.
 */
describe('every path of the graph, for every role and purpose', () => {
  let t: TestGateway;
  let schema: GraphQLSchema;
  let table: TypeAccessTable;
  let ids: SeedIds;

  beforeAll(async () => {
    t = await startTestGateway('path_walk', { env: { EXPORT_DIR: `/tmp/drg-path-walk-${process.pid}` } });
    schema = await fullSchema();
    table = fullTypeAccess();
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 30, recipients: 10, consentsPerSubject: 6, disclosuresPerSubject: 3, seed: 33 });
    const admin = t.token(Role.ADMIN);
    const must = async <T>(query: string): Promise<T> => {
      const res = await t.gql<T>(query, undefined, admin);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return res.data!;
    };
    const acquirerId = (await must<{ registerRecipient: { id: string } }>('mutation { registerRecipient(input: { kind: ACQUIRER, name: "Walk Buyer", allowedPurposes: [BUSINESS_TRANSFER] }) { id } }')).registerRecipient.id;
    const partnerId = (await must<{ registerRecipient: { id: string } }>('mutation { registerRecipient(input: { kind: PARTNER, name: "Walk Partner", allowedPurposes: [AGGREGATE_ANALYTICS] }) { id } }')).registerRecipient.id;
    await t.gateway.dataSource.query(`INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, occurred_at, recorded_by) VALUES (4, ?, 'BUSINESS_TRANSFER', 1, NOW(3), 'walk')`, [acquirerId]);
    const holdId = (await must<{ placeLegalHold: { hold: { id: string } } }>('mutation { placeLegalHold(input: { matter: "Walk", caseReference: "W-1", subjectIds: ["5", "6"] }) { hold { id } } }')).placeLegalHold.hold.id;
    const requestId = (await must<{ requestErasure: { request: { id: string } } }>('mutation { requestErasure(userId: "5", channel: "EMAIL") { request { id } } }')).requestErasure.request.id;
    const transferId = (await must<{ startBusinessTransfer: { id: string } }>(`mutation { startBusinessTransfer(input: { dealName: "Walk", acquirerId: "${acquirerId}", phase: DUE_DILIGENCE, scope: { regions: ["US-CA"] } }) { id } }`)).startBusinessTransfer.id;
    // Completed, so that its files and their verification are on the paths too.
    await t.gateway.work(['business-transfer']);
    await waitFor(async () => (await t.gateway.dataSource.query(`SELECT status FROM business_transfers WHERE id = ?`, [transferId]))[0].status === 'COMPLETED', 'the walk\'s transfer', 60000, 50);
    const [{ id: recipientId }] = await t.gateway.dataSource.query('SELECT recipient_id AS id FROM disclosures WHERE subject_id = 4 LIMIT 1');
    ids = { userId: '4', recipientId: String(recipientId), partnerId, acquirerId, holdId, requestId, transferId };
  });
  afterAll(() => t.close());

  it('shows each type only where the table allows it, masks what the purpose masks, and logs every person shown', async () => {
    const { paths, skipped } = pathQueries(schema, ids);
    expect(paths.length).toBeGreaterThan(100);
    const viewers: (Viewer & { label: string })[] = [
      ...[Role.LEGAL, Role.MNA, Role.PRIVACY_OPS, Role.ADMIN].map((r) => ({ label: r, roles: [r], purpose: null })),
      ...Object.values(ReadPurpose).map((p) => ({ label: `APP/${p}`, roles: [Role.APP], purpose: p })),
      ...Object.values(ReadPurpose).map((p) => ({ label: `LEGAL/${p}`, roles: [Role.LEGAL], purpose: p })),
    ];
    const leaks: string[] = [];
    const errors: string[] = [];
    const limited = new Set<string>();
    let requests = 0;
    let objectsSeen = 0;
    let peopleShown = 0;
    for (const viewer of viewers) {
      for (const p of paths) {
        requests += 1;
        const actor = `walk-${requests}`;
        const token = signToken(t.config.auth.jwtSecret, actor, [...viewer.roles], 600);
        const res = await t.gql<Record<string, unknown>>(p.document, undefined, token, viewer.purpose);
        for (const e of res.errors ?? []) {
          const code = (e.extensions as { code?: string } | undefined)?.code;
          // A path deeper than the query limits is refused before it runs: counted, not walked.
          if (code === 'BAD_USER_INPUT') limited.add(p.document);
          else if (code !== 'FORBIDDEN' && code !== 'NOT_FOUND') errors.push(`${viewer.label} ${p.steps.join('.')}: ${code} ${e.message}`);
        }
        const shown = new Set<number>();
        for (const o of objectsOf(res.data)) {
          objectsSeen += 1;
          const type = schema.getType(o.typename);
          if (type && isObjectType(type) && !isPaginationType(type) && !maySee(table[o.typename], viewer)) leaks.push(`${viewer.label} sees ${o.typename} at ${p.steps.join('.')}`);
          if (o.typename !== 'User') continue;
          const personal = PERSONAL_FIELDS.filter((f) => f in o.value && o.value[f] !== null);
          if (viewer.purpose) {
            const rule = READ_PURPOSE_RULES[viewer.purpose];
            for (const f of personal) if (!rule.fields.includes(f) && !(f in rule.generalized)) leaks.push(`${viewer.label} sees User.${f} at ${p.steps.join('.')}`);
          }
          if (personal.length > 0) shown.add(Number(o.value.id));
        }
        if (shown.size > 0) {
          peopleShown += shown.size;
          const logged: { subject_id: number }[] = await t.gateway.dataSource.query('SELECT DISTINCT subject_id FROM access_log WHERE actor = ?', [actor]);
          const missing = [...shown].filter((id) => !logged.some((l) => Number(l.subject_id) === id));
          if (missing.length) leaks.push(`${viewer.label} read ${missing.join(', ')} at ${p.steps.join('.')} with no access-log row`);
        }
      }
    }
    const figures = { paths: paths.length, skippedEdges: skipped.length, skipped, overLimits: limited.size, viewers: viewers.length, requests, objectsSeen, peopleShown, leaks: leaks.length };
    process.stdout.write(`path walk: ${JSON.stringify(figures)}\n`);
    expect(errors.slice(0, 20)).toEqual([]);
    expect(leaks.slice(0, 20)).toEqual([]);
    expect(peopleShown).toBeGreaterThan(0);
    expect(limited.size).toBeLessThan(paths.length / 2);
    expect(objectsSeen).toBeGreaterThan(paths.length);
    // 5,200 requests over real HTTP: minutes on a slow, shared CI host; nothing here measures speed.
  }, 300_000);
});
