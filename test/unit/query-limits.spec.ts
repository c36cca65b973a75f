import { getIntrospectionQuery, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { loadConfig } from '../../src/config';
import { buildGatewaySchema } from '../../src/schema/build-schema';
import { fanOutDocument as fanOut } from '../../scripts/hostile-documents';
import { INTROSPECTION_COST, knownOperationTypesRule, queryLimitsRule, type GuardLimits } from '../../src/schema/guards';

/**
 * The query-shape limits at each boundary: the limit passes, one more is refused, for depth,
 * cost and aliases, written directly, through named fragments and through inline fragments.
 * Costs are worked out by hand in each case: a leaf costs 1; a field with a selection costs
 * 1 + page size x what it selects (page size 1 for a plain list, `first` for a paginated field,
 * the default page of 20 when `first` is left out, the maximum page when `first` is a variable).
 */
describe('query-shape limits (src/schema/guards.ts)', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  const base: GuardLimits = { maxDepth: 5, maxCost: 100, maxAliases: 3, maxPageSize: 50 };
  /** The reasons our rule reports, alone (graphql-js's rules are checked separately below). */
  const reasons = (q: string, limits: Partial<GuardLimits> = {}) =>
    validate(schema, parse(q), [queryLimitsRule({ ...base, ...limits })]).map((e) => String(e.extensions.reason));
  const specErrors = (q: string) => validate(schema, parse(q), specifiedRules).map((e) => e.message);

  describe('depth (limit 5)', () => {
    // users 1, edges 2, node 3, consents 4, purpose 5
    const five = '{ users(first: 1) { edges { node { consents { purpose } } } } }';
    // users 1, edges 2, node 3, disclosures 4, edges 5, cursor 6
    const six = '{ users(first: 1) { edges { node { disclosures(first: 1) { edges { cursor } } } } } }';

    it.each([
      ['written directly', five, six],
      [
        'through a named fragment on the connection',
        '{ users(first: 1) { ...U } } fragment U on UserConnection { edges { node { consents { purpose } } } }',
        '{ users(first: 1) { ...U } } fragment U on UserConnection { edges { node { disclosures(first: 1) { edges { cursor } } } } }',
      ],
      [
        'through a named fragment spread deep down',
        '{ users(first: 1) { edges { node { ...F } } } } fragment F on User { consents { purpose } }',
        '{ users(first: 1) { edges { node { ...F } } } } fragment F on User { disclosures(first: 1) { edges { cursor } } }',
      ],
      [
        'through inline fragments (which add no level)',
        '{ users(first: 1) { ... on UserConnection { edges { node { ... { consents { purpose } } } } } } }',
        '{ users(first: 1) { ... on UserConnection { edges { node { ... { disclosures(first: 1) { edges { cursor } } } } } } } }',
      ],
      [
        'through a fragment inside a fragment',
        '{ users(first: 1) { ...A } } fragment A on UserConnection { edges { ...B } } fragment B on UserEdge { node { consents { purpose } } }',
        '{ users(first: 1) { ...A } } fragment A on UserConnection { edges { ...B } } fragment B on UserEdge { node { disclosures(first: 1) { edges { cursor } } } }',
      ],
    ])('%s: depth 5 passes, depth 6 is refused', (_how, atLimit, overLimit) => {
      expect(specErrors(atLimit)).toEqual([]);
      expect(specErrors(overLimit)).toEqual([]);
      expect(reasons(atLimit)).toEqual([]);
      expect(reasons(overLimit)).toEqual(['QUERY_TOO_DEEP']);
    });

    it('checks a fragment measured once again at every deeper spread', () => {
      // R is first spread where its field sits at depth 4, then where it sits at depth 8.
      const q =
        '{ recipients(first: 1) { edges { node { ...R } } } users(first: 1) { edges { node { disclosures(first: 1) { edges { node { recipient { ...R } } } } } } } } fragment R on Recipient { id }';
      expect(specErrors(q)).toEqual([]);
      expect(reasons(q, { maxDepth: 8, maxCost: 1000 })).toEqual([]);
      expect(reasons(q, { maxDepth: 7, maxCost: 1000 })).toEqual(['QUERY_TOO_DEEP']);
    });

    it('counts a fragment whose own fields nest too deep even where it is spread at the top', () => {
      expect(reasons('{ ...Q } fragment Q on Query { users(first: 1) { edges { node { consents { purpose } } } } }')).toEqual([]);
      expect(reasons('{ ...Q } fragment Q on Query { users(first: 1) { edges { node { disclosures(first: 1) { edges { cursor } } } } } }')).toEqual(['QUERY_TOO_DEEP']);
    });
  });

  describe('cost (limit 100, largest page 50, default page 20)', () => {
    it.each([
      // users = 1 + n x edges, edges = 1 + cursor (1) = 2
      ['a literal page size', '{ users(first: 49) { edges { cursor } } }', '{ users(first: 50) { edges { cursor } } }', {}],
      ['a page size given as a variable (counted at the largest page: 49, then 50)', 'query($n: Int) { users(first: $n) { edges { cursor } } }', 'query($n: Int) { users(first: $n) { edges { cursor } } }', { maxPageSize: 49 }, { maxPageSize: 50 }],
      // 1 + 20 x (edges: 1 + cursor 1 + node (1 + id 1)) = 81; with name, 1 + 20 x 5 = 101
      ['a paginated field without first (the default page)', '{ users { edges { cursor node { id } } } }', '{ users { edges { cursor node { id name } } } }', {}],
      ['a named fragment', '{ users(first: 49) { ...E } } fragment E on UserConnection { edges { cursor } }', '{ users(first: 50) { ...E } } fragment E on UserConnection { edges { cursor } }', {}],
      ['an inline fragment', '{ users(first: 49) { ... on UserConnection { edges { cursor } } } }', '{ users(first: 50) { ... { edges { cursor } } } }', {}],
      // 1 + n x (2 + 2): each spread of E costs again
      ['one fragment spread twice', '{ users(first: 24) { ...E ...E } } fragment E on UserConnection { edges { cursor } }', '{ users(first: 25) { ...E ...E } } fragment E on UserConnection { edges { cursor } }', {}],
      // top-level siblings add: 1 + 1 x 2 = 3 per users(first: 1); 33 of them is 99, 34 is 102
      [
        'many cheap fields (each costs)',
        `{ ${Array.from({ length: 33 }, (_, i) => `u${i}: users(first: 1) { edges { cursor } }`).join(' ')} }`,
        `{ ${Array.from({ length: 34 }, (_, i) => `u${i}: users(first: 1) { edges { cursor } }`).join(' ')} }`,
        { maxAliases: 100 },
      ],
    ] as [string, string, string, Partial<GuardLimits>, Partial<GuardLimits>?][])('%s: at the limit passes, over it is refused', (_how, atLimit, overLimit, limits, overLimits = limits) => {
      expect(specErrors(atLimit)).toEqual([]);
      expect(reasons(atLimit, limits)).toEqual([]);
      expect(reasons(overLimit, overLimits)).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('counts a plain list (no first argument) once, not as a page', () => {
      // users 1 + 20 x (edges 1 + node (1 + consents (1 + purpose 1))) = 1 + 20 x 4 = 81
      expect(reasons('{ users { edges { node { consents { purpose } } } } }')).toEqual([]);
      expect(reasons('{ users { edges { node { consents { purpose } } } } }', { maxCost: 80 })).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('takes the default page at most as large as the largest page', () => {
      // 1 + 10 x (edges 1 + cursor 1 + node (1 + id 1)) = 41 with a largest page of 10
      expect(reasons('{ users { edges { cursor node { id } } } }', { maxCost: 41, maxPageSize: 10 })).toEqual([]);
      expect(reasons('{ users { edges { cursor node { id } } } }', { maxCost: 40, maxPageSize: 10 })).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('takes only a first argument for a page size, not any other argument', () => {
      // user(id) is one object: 1 + 1 x (id 1 + name 1) = 3
      expect(reasons('{ user(id: "1") { id name } }', { maxCost: 3 })).toEqual([]);
      // recipients(kind) is paginated without first: 1 + 20 x (edges 1 + cursor 1) = 41, not the largest page
      expect(reasons('{ recipients(kind: AGENT) { edges { cursor } } }', { maxCost: 41 })).toEqual([]);
      expect(reasons('{ recipients(kind: AGENT) { edges { cursor } } }', { maxCost: 40 })).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('measures unknown fields and fragments on unknown types as plain fields (graphql-js refuses them)', () => {
      expect(reasons('{ nope { id } }', { maxCost: 2 })).toEqual([]);
      expect(reasons('{ nope { id } }', { maxCost: 1 })).toEqual(['QUERY_TOO_COSTLY']);
      expect(reasons('{ ... on Nope { x { y } } }', { maxCost: 2 })).toEqual([]);
      expect(reasons('{ ...N } fragment N on Nope { x { y } }', { maxCost: 1 })).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('measures a mutation against the Mutation type (its fields with first are pages too)', () => {
      // registerUser 1 + (disclosures 1 + 20 x (edges 1 + cursor 1)) = 1 + 41 = 42
      const m = 'mutation($i: RegisterUserInput!) { registerUser(input: $i) { disclosures { edges { cursor } } } }';
      expect(specErrors(m)).toEqual([]);
      expect(reasons(m, { maxCost: 42 })).toEqual([]);
      expect(reasons(m, { maxCost: 41 })).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('counts a fragment inside its own cycle as nothing more, and the rest of it as usual', () => {
      // A = edges (1 + cursor 1) + A (0): users = 1 + 1 x 2 = 3
      const cycle = '{ users(first: 1) { ...A } } fragment A on UserConnection { edges { cursor } ...A }';
      expect(reasons(cycle, { maxCost: 3 })).toEqual([]);
      expect(reasons(cycle, { maxCost: 2 })).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('counts first: 0 as a page of one', () => {
      expect(reasons('{ users(first: 0) { edges { cursor } } }', { maxCost: 3 })).toEqual([]);
      expect(reasons('{ users(first: 0) { edges { cursor } } }', { maxCost: 2 })).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('counts introspection as one flat-cost field, so GraphQL tools can introspect where it is on', () => {
      expect(reasons('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', { maxCost: INTROSPECTION_COST })).toEqual([]);
      expect(reasons('{ a: __schema { queryType { name } } b: __schema { queryType { name } } }', { maxCost: 2 * INTROSPECTION_COST - 1 })).toEqual(['QUERY_TOO_COSTLY']);
      const config = loadConfig({});
      expect(validate(schema, parse(getIntrospectionQuery()), [queryLimitsRule(config.graphql)])).toEqual([]);
    });
  });

  describe('aliases (limit 3)', () => {
    const cat = (a: string) => `${a}: dataCategories { key }`;
    it.each([
      ['at the top level', `{ ${cat('a')} ${cat('b')} ${cat('c')} }`, `{ ${cat('a')} ${cat('b')} ${cat('c')} ${cat('d')} }`],
      ['below the top level (they add up)', `{ ${cat('a')} users(first: 1) { edges { b: cursor c: cursor } } }`, `{ ${cat('a')} users(first: 1) { edges { b: cursor c: cursor d: cursor } } }`],
      ['in a named fragment, at each spread', `{ ...F ...F ${cat('x')} } fragment F on Query { ${cat('a')} }`, `{ ...F ...F } fragment F on Query { ${cat('a')} ${cat('b')} }`],
      ['in an inline fragment', `{ ... on Query { ${cat('a')} ${cat('b')} } ${cat('c')} }`, `{ ... on Query { ${cat('a')} ${cat('b')} } ... { ${cat('c')} ${cat('d')} } }`],
      // one level down and three at the top: no one selection set holds more than three
      ['one level down plus the top (no set over the limit on its own)', `{ users(first: 1) { a: edges { cursor } } x: __typename y: __typename }`, `{ users(first: 1) { a: edges { cursor } } x: __typename y: __typename z: __typename }`],
    ])('%s: 3 pass, 4 are refused', (_how, atLimit, overLimit) => {
      expect(reasons(atLimit)).toEqual([]);
      expect(reasons(overLimit)).toEqual(['TOO_MANY_ALIASES']);
    });
  });

  describe('fragment fan-out', () => {
    it('refuses 2^40 copies (each fragment is measured once, so this returns at once)', () => {
      const errors = validate(schema, parse(fanOut(40)), [queryLimitsRule(loadConfig({}).graphql)]);
      expect(errors.map((e) => e.extensions.reason)).toEqual(['QUERY_TOO_COSTLY']);
      expect(errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    });

    it('sums the copies exactly: 2^6 leaves cost 64', () => {
      expect(reasons(fanOut(6), { maxCost: 64 })).toEqual([]);
      expect(reasons(fanOut(6), { maxCost: 63 })).toEqual(['QUERY_TOO_COSTLY']);
    });

    it('counts aliases in every copy', () => {
      expect(reasons(fanOut(2, 'Query', 'a: __typename'), { maxAliases: 4 })).toEqual([]);
      expect(reasons(fanOut(2, 'Query', 'a: __typename'), { maxAliases: 3 })).toEqual(['TOO_MANY_ALIASES']);
    });
  });

  describe('documents graphql-js refuses on its own', () => {
    it('survives fragment cycles and unknown fragments (graphql-js reports them)', () => {
      expect(reasons('{ users(first: 1) { ...A } } fragment A on UserConnection { edges { cursor } ...B } fragment B on UserConnection { ...A }')).toEqual([]);
      expect(reasons('{ users(first: 1) { ...Nope } }')).toEqual([]);
      expect(specErrors('{ users(first: 1) { ...Nope } }').join()).toMatch(/Unknown fragment/);
    });

    it('measures each operation of a document, with the fragments they share measured once', () => {
      const q = `query A { ...F } query B { ...F x: dataCategories { key } } fragment F on Query { a: dataCategories { key } b: dataCategories { key } c: dataCategories { key } }`;
      expect(reasons(q)).toEqual(['TOO_MANY_ALIASES']);
      expect(validate(schema, parse(q), [queryLimitsRule(base)]).map((e) => e.nodes?.[0]?.loc?.start)).toEqual([q.indexOf('query B')]);
    });

    it('gives each limit its message with the configured value', () => {
      const messages = (q: string) => validate(schema, parse(q), [queryLimitsRule(base)]).map((e) => e.message);
      expect(messages('{ users(first: 1) { edges { node { disclosures(first: 1) { edges { cursor } } } } } }')).toEqual(['query depth exceeds the limit of 5']);
      expect(messages('{ users(first: 50) { edges { cursor } } }')).toEqual(['query cost exceeds the limit of 100']);
      expect(messages('{ a: __typename b: __typename c: __typename d: __typename }')).toEqual(['query uses more aliases than the limit of 3']);
    });
  });

  describe('operation types the schema has no root for', () => {
    const check = (q: string) => validate(schema, parse(q), [knownOperationTypesRule]).map((e) => [e.message, e.extensions.reason, e.extensions.code, e.locations]);
    it('refuses a subscription with a typed error, and lets queries and mutations through', () => {
      expect(check('subscription { __typename }')).toEqual([['this API has no subscription operations', 'UNSUPPORTED_OPERATION_TYPE', 'BAD_USER_INPUT', [{ line: 1, column: 1 }]]]);
      expect(check('query { __typename }')).toEqual([]);
      expect(check('mutation { __typename }')).toEqual([]);
    });
  });
});
