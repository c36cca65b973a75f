import { GraphQLObjectType, parse, validate, type GraphQLSchema } from 'graphql';
import { buildGatewaySchema } from '../../src/schema/build-schema';
import { queryLimitsRule } from '../../src/schema/guards';
import { Role } from '../../src/entities/enums';

describe('the built schema', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  it('declares the roles of every query and mutation', () => {
    const roots = [schema.getQueryType(), schema.getMutationType()].filter((t): t is GraphQLObjectType => !!t);
    const operations = roots.flatMap((root) => Object.values(root.getFields()).map((f) => ({ name: `${root.name}.${f.name}`, roles: f.extensions?.roles as Role[] | undefined })));
    expect(operations.length).toBeGreaterThan(10);
    const missing = operations.filter((o) => !Array.isArray(o.roles) || o.roles.length === 0).map((o) => o.name);
    expect(missing).toEqual([]);
    for (const o of operations) for (const r of o.roles!) expect(Object.values(Role)).toContain(r);
  });

  describe('query limits', () => {
    const limits = { maxDepth: 8, maxCost: 5000, maxAliases: 3, maxPageSize: 100 };
    const check = (q: string) => validate(schema, parse(q), [queryLimitsRule(limits)]).map((e) => e.message);

    it('accepts an ordinary page read', () => {
      expect(check('{ users(first: 10) { edges { node { id consents { purpose } } } } }')).toEqual([]);
    });

    it('refuses a query nested too deep', () => {
      const deep = '{ users(first: 1) { edges { node { disclosures(first: 1) { edges { node { recipient { disclosures(first: 1) { edges { node { id } } } } } } } } } } }';
      expect(check(deep).join()).toMatch(/depth/);
    });

    it('refuses alias abuse', () => {
      expect(check('{ a: dataCategories { key } b: dataCategories { key } c: dataCategories { key } d: dataCategories { key } }').join()).toMatch(/aliases/);
    });

    it('refuses a query whose page sizes multiply past the cost limit', () => {
      const costly = '{ users(first: 100) { edges { node { disclosures(first: 100) { edges { node { id purpose } } } } } } }';
      expect(check(costly).join()).toMatch(/cost/);
    });

    it('counts a page size given as a variable at the maximum, and survives fragment cycles', () => {
      expect(check('query($n: Int) { users(first: $n) { edges { node { disclosures(first: $n) { edges { node { id } } } } } } }').join()).toMatch(/cost/);
      expect(() => check('{ users(first: 1) { ...A } } fragment A on UserConnection { edges { cursor } ...A }')).not.toThrow();
    });
  });
});
