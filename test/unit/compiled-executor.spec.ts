import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { buildSchema, execute, GraphQLError, parse, type GraphQLObjectType, type OperationDefinitionNode } from 'graphql';
import { asGraphQLJsError, CompiledExecutor, mayCompile, positionOf } from '../../src/schema/compiled-executor';

const schema = buildSchema(`
  enum Kind { A B }
  input Filter { kind: Kind! = A, name: String }
  type Item { id: ID!, kind: Kind!, name: String, boom: String }
  type Query { items(first: Int = 2, kinds: [Kind!], filter: Filter): [Item!]! }
  type Mutation { touch(id: ID!): Item }
`);
const items = [
  { id: '1', kind: 'A', name: 'one' },
  { id: '2', kind: 'B', name: null },
  { id: '3', kind: 'A', name: 'three' },
];
const resolvers = {
  items: (args: { first: number; kinds?: string[]; filter?: { kind: string; name?: string | null } }) =>
    items
      .filter((i) => !args.kinds || args.kinds.includes(i.kind))
      .filter((i) => !args.filter || (i.kind === args.filter.kind && (args.filter.name === undefined || i.name === args.filter.name)))
      .slice(0, args.first),
  touch: ({ id }: { id: string }) => items.find((i) => i.id === id) ?? null,
};
(schema.getType('Item') as GraphQLObjectType).getFields().boom!.resolve = () => {
  throw Object.assign(new Error('no boom here'), { extensions: { code: 'NOT_FOUND' } });
};
// The resolvers live on the schema, as type-graphql puts them.
for (const [name, fn] of Object.entries(resolvers)) {
  const field = (name === 'touch' ? schema.getMutationType() : schema.getQueryType())!.getFields()[name]!;
  field.resolve = (_src, args) => (fn as (a: unknown) => unknown)(args);
}

function op(source: string): OperationDefinitionNode {
  return parse(source).definitions[0] as OperationDefinitionNode;
}

function requestContext(source: string, variables: Record<string, unknown> = {}, operationName: string | null = null): GatewayGraphQLRequestContext {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  // Only the fields the executor reads; Apollo fills the rest.
  return { source, document, operation, operationName, queryHash: `hash:${source}`, request: { query: source, variables }, context: {} } as unknown as GatewayGraphQLRequestContext;
}

async function started(options: { cacheSize?: number; compileAfter?: number; counts?: (ctx: Record<string, unknown>) => boolean } = {}) {
  const seen: string[] = [];
  const gateway = new CompiledExecutor(schema, { cacheSize: options.cacheSize ?? 10, compileAfter: options.compileAfter ?? 1, observe: (kind) => seen.push(kind), counts: options.counts });
  let loaded = 0;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    expect(apiSchema).toBe(schema);
    loaded++;
  });
  const { executor } = await gateway.load();
  expect(loaded).toBe(1);
  return { gateway, seen, run: executor };
}

describe('mayCompile: only what graphql-jit runs exactly as graphql-js', () => {
  it.each([
    ['a query without variables', '{ items { id } }', true],
    ['scalar, enum and list variables', 'query($n: Int, $k: [Kind!]) { items(first: $n, kinds: $k) { id } }', true],
    ['a constant input-object literal', '{ items(filter: { kind: B }) { id } }', true],
    ['an input-object variable (graphql-jit #142: a non-null field with a default is refused)', 'query($f: Filter) { items(filter: $f) { id } }', false],
    ['a variable inside an input-object literal (graphql-jit #91: omitted becomes null)', 'query($n: String) { items(filter: { name: $n }) { id } }', false],
    ['a variable inside a nested literal in a list', 'query($n: String) { items(kinds: [A], filter: { kind: A, name: $n }) { id } }', false],
    ['a mutation', 'mutation { touch(id: "1") { id } }', false],
    ['a variable of an unknown type', 'query($x: Nope) { items { id } }', false],
  ])('%s → %s', (_name, source, expected) => {
    expect(mayCompile(schema, parse(source), op(source))).toBe(expected);
  });
});

describe('positionOf: graphql-js line and column back to an offset', () => {
  it.each([
    ['abc', 1, 1, 0],
    ['abc', 1, 3, 2],
    ['a\nbc', 2, 1, 2],
    ['a\r\nbc', 2, 2, 4],
    ['a\rb\nc', 3, 1, 4],
    ['a\n', 5, 1, 2],
  ])('%j line %i column %i is offset %i', (source, line, column, offset) => {
    expect(positionOf(source, line, column)).toBe(offset);
  });
});

describe('asGraphQLJsError', () => {
  it('keeps a graphql-js error as it is', () => {
    const e = new GraphQLError('x');
    expect(asGraphQLJsError(e, '{ a }')).toBe(e);
  });
});

describe('CompiledExecutor', () => {
  async function bothWays(source: string, variables: Record<string, unknown> = {}) {
    const { run, seen } = await started();
    const compiled = await run(requestContext(source, variables));
    const interpreted = await execute({ schema, document: parse(source), variableValues: variables });
    return { compiled: JSON.parse(JSON.stringify(compiled)), interpreted: JSON.parse(JSON.stringify(interpreted)), seen };
  }

  it('answers a query exactly as graphql-js does, compiled', async () => {
    const r = await bothWays('query($n: Int, $k: [Kind!]) { items(first: $n, kinds: $k) { id kind name } }', { n: 5, k: ['A'] });
    expect(r.seen).toEqual(['compiled']);
    expect(r.compiled).toEqual({ data: { items: [{ id: '1', kind: 'A', name: 'one' }, { id: '3', kind: 'A', name: 'three' }] } });
    expect(r.compiled).toEqual(r.interpreted);
  });

  it('gives a resolver error the path, locations, extensions and original error graphql-js gives', async () => {
    const source = '{\n  items(first: 1) {\n    id\n    boom\n  }\n}';
    const { run } = await started();
    const compiled = await run(requestContext(source));
    const interpreted = await execute({ schema, document: parse(source) });
    const [c] = compiled.errors!;
    const [i] = interpreted.errors!;
    expect(c).toBeInstanceOf(GraphQLError);
    expect(c!.constructor).toBe(GraphQLError);
    expect(c!.toJSON()).toEqual(i!.toJSON());
    expect(c!.toJSON()).toEqual({ message: 'no boom here', locations: [{ line: 4, column: 5 }], path: ['items', 0, 'boom'], extensions: { code: 'NOT_FOUND' } });
    expect(c!.originalError?.message).toBe('no boom here');
    expect(compiled.data).toEqual(interpreted.data);
  });

  it('refuses a bad variable with graphql-js\'s own error (its AST node is how Apollo answers BAD_USER_INPUT)', async () => {
    const { run, seen } = await started();
    const res = await run(requestContext('query($k: [Kind!]) { items(kinds: $k) { id } }', { k: ['C'] }));
    expect(res.data).toBeUndefined();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.message).toMatch(/^Variable "\$k" got invalid value "C" at "k\[0\]"; Value "C" does not exist in "Kind" enum\./);
    expect(res.errors![0]!.nodes?.[0]?.kind).toBe('VariableDefinition');
    expect(seen).toEqual([]);
  });

  it('defaults an omitted non-null input field, as graphql-js does, by not compiling that document', async () => {
    const { run, seen } = await started();
    const res = await run(requestContext('query($f: Filter) { items(filter: $f) { id } }', { f: { name: 'three' } }));
    expect(res).toEqual({ data: { items: [{ id: '3' }] } });
    expect(seen).toEqual(['interpreted']);
  });

  it('compiles a document on its compileAfter-th arrival and keeps running the compiled function', async () => {
    const { run, seen } = await started({ compileAfter: 3 });
    const rc = requestContext('{ items { id } }');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await run(rc));
    for (const r of results) expect(r).toEqual({ data: { items: [{ id: '1' }, { id: '2' }] } });
    expect(seen).toEqual(['interpreted', 'interpreted', 'compiled', 'compiled', 'compiled']);
    // graphql-js builds its results on null-prototype objects, graphql-jit on plain ones: which one ran.
    expect(results.map((r) => Object.getPrototypeOf(r.data))).toEqual([null, null, Object.prototype, Object.prototype, Object.prototype]);
  });

  it('tells operations of one document apart by name', async () => {
    const source = 'query First { items(first: 1) { id } } query Second { items(first: 2) { id } }';
    const { run, seen } = await started();
    expect(await run({ ...requestContext(source, {}, 'Second'), operation: parse(source).definitions[1] } as GatewayGraphQLRequestContext)).toEqual({ data: { items: [{ id: '1' }, { id: '2' }] } });
    expect(await run(requestContext(source, {}, 'First'))).toEqual({ data: { items: [{ id: '1' }] } });
    expect(seen).toEqual(['compiled', 'compiled']);
  });

  it('keeps at most cacheSize documents, dropping the least recently used', async () => {
    const { run, seen } = await started({ cacheSize: 2, compileAfter: 2 });
    const a = requestContext('{ a: items { id } }');
    const b = requestContext('{ b: items { id } }');
    const c = requestContext('{ c: items { id } }');
    await run(a); // a seen once
    await run(b); // b seen once
    await run(a); // a compiled, now the most recent
    await run(c); // c seen once: b, the least recent, is dropped
    await run(b); // b is new again: interpreted
    await run(a); // a was dropped by b's return (a, c, b → c, b): new again
    expect(seen).toEqual(['interpreted', 'interpreted', 'compiled', 'interpreted', 'interpreted', 'interpreted']);
  });

  it('lets only requests that count (authenticated ones) bring a document to its compile; the others use what is compiled', async () => {
    const { run, seen } = await started({ compileAfter: 2, cacheSize: 1, counts: (ctx) => ctx.actor === 'app' });
    const as = (actor: string | null, source: string) => ({ ...requestContext(source), context: { actor } }) as GatewayGraphQLRequestContext;
    const apps = '{ items { id } }';
    await run(as('app', apps)); // counted once
    for (let i = 0; i < 5; i++) await run(as(null, '{ stranger: items { id } }')); // never counted, never cached
    await run(as(null, apps)); // not counted: still one arrival
    await run(as('app', apps)); // the second counted arrival compiles
    await run(as(null, apps)); // a stranger runs what is compiled
    expect(seen).toEqual(['interpreted', 'interpreted', 'interpreted', 'interpreted', 'interpreted', 'interpreted', 'interpreted', 'compiled', 'compiled']);
  });

  it('runs mutations on graphql-js', async () => {
    const { run, seen } = await started();
    expect(await run(requestContext('mutation { touch(id: "2") { id kind } }'))).toEqual({ data: { touch: { id: '2', kind: 'B' } } });
    expect(seen).toEqual(['interpreted']);
  });
});
