import { getNamedType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { ReadPurpose, Role } from '../../src/entities/enums';
import { CORE_TYPE_ACCESS, maySee, mergeTypeAccess, type TypeAccess, type TypeAccessTable } from '../../src/domain/type-access.policy';
import { guardedTypeOf, isPaginationType } from '../../src/schema/authorize-graph';
import { fullTypeAccess } from '../../scripts/type-access-table';
import { fullSchema } from '../helpers/schema-walk';

const USER = CORE_TYPE_ACCESS.User as TypeAccess;
const DISCLOSURE = CORE_TYPE_ACCESS.Disclosure as TypeAccess;
const REQUEST = CORE_TYPE_ACCESS.DataRequest as TypeAccess;
const POLICY = CORE_TYPE_ACCESS.PolicyVersion as TypeAccess;

describe('the type-access rule (maySee)', () => {
  it('shows a type the table does not name to ADMIN without a purpose only', () => {
    expect(maySee(undefined, { roles: [Role.ADMIN], purpose: null })).toBe(true);
    expect(maySee(undefined, { roles: [Role.ADMIN], purpose: ReadPurpose.SERVICE })).toBe(false);
    for (const r of [Role.APP, Role.LEGAL, Role.MNA, Role.PRIVACY_OPS]) expect([r, maySee(undefined, { roles: [r], purpose: null })]).toEqual([r, false]);
  });

  it('shows only public types to a caller without a token', () => {
    expect(maySee(POLICY, { roles: [], purpose: null })).toBe(true);
    expect(maySee(CORE_TYPE_ACCESS.Recipient, { roles: [], purpose: null })).toBe(false);
    expect(maySee(USER, { roles: [], purpose: null })).toBe(false);
  });

  it('lets a purpose narrow, never widen: MNA with a purpose still sees no person', () => {
    expect(maySee(USER, { roles: [Role.MNA], purpose: null })).toBe(false);
    expect(maySee(USER, { roles: [Role.MNA], purpose: ReadPurpose.SERVICE })).toBe(false);
    expect(maySee(USER, { roles: [Role.APP], purpose: ReadPurpose.ANALYTICS })).toBe(true);
  });

  it('holds a privileged role that declares a purpose to what an APP gets', () => {
    expect(maySee(DISCLOSURE, { roles: [Role.LEGAL], purpose: null })).toBe(true);
    expect(maySee(DISCLOSURE, { roles: [Role.LEGAL], purpose: ReadPurpose.ANALYTICS })).toBe(false);
    expect(maySee(DISCLOSURE, { roles: [Role.APP], purpose: ReadPurpose.ANALYTICS })).toBe(false);
    expect(maySee(DISCLOSURE, { roles: [Role.APP], purpose: ReadPurpose.SECURITY })).toBe(true);
    expect(maySee(REQUEST, { roles: [Role.PRIVACY_OPS], purpose: null })).toBe(true);
    expect(maySee(REQUEST, { roles: [Role.PRIVACY_OPS], purpose: ReadPurpose.SERVICE })).toBe(false);
  });

  it('shows pagination wrappers to everyone, even without a token', () => {
    expect(maySee('structural', { roles: [], purpose: null })).toBe(true);
    expect(maySee('structural', { roles: [Role.APP], purpose: ReadPurpose.ANALYTICS })).toBe(true);
  });

  it('lets any one of a token\'s roles see a type, with or without APP among them', () => {
    expect(maySee(USER, { roles: [Role.MNA, Role.LEGAL], purpose: null })).toBe(true);
    expect(maySee(DISCLOSURE, { roles: [Role.APP, Role.LEGAL], purpose: null })).toBe(true);
    expect(maySee(DISCLOSURE, { roles: [Role.APP, Role.MNA], purpose: null })).toBe(false);
    expect(maySee(DISCLOSURE, { roles: [Role.APP, Role.MNA], purpose: ReadPurpose.SECURITY })).toBe(true);
  });

  it('needs a purpose from APP: an APP request without one sees nothing', () => {
    expect(maySee(USER, { roles: [Role.APP], purpose: null })).toBe(false);
    expect(maySee(POLICY, { roles: [Role.APP], purpose: null })).toBe(false);
  });

  it('keeps requests and holds from every purpose (the roles table reserves them)', () => {
    for (const p of Object.values(ReadPurpose)) expect([p, maySee(REQUEST, { roles: [Role.APP], purpose: p })]).toEqual([p, false]);
  });

  it('refuses a plugin that names a type the core or another plugin already names', () => {
    const entry: TypeAccess = { roles: [Role.ADMIN], purposes: [], why: 'x' };
    expect(() => mergeTypeAccess(CORE_TYPE_ACCESS, [{ plugin: 'p', types: { User: entry } }])).toThrow('plugin p names User, which the core already names');
    expect(() => mergeTypeAccess(CORE_TYPE_ACCESS, [{ plugin: 'p', types: { X: entry } }, { plugin: 'q', types: { X: entry } }])).toThrow('plugin q names X, which plugin p already names');
    const merged = mergeTypeAccess(CORE_TYPE_ACCESS, [{ plugin: 'p', types: { X: entry } }]);
    expect(merged.X).toBe(entry);
    expect(merged.User).toBe(CORE_TYPE_ACCESS.User);
    expect(Object.keys(merged).length).toBe(Object.keys(CORE_TYPE_ACCESS).length + 1);
  });
});

describe('the type-access table against the built schema', () => {
  let schema: GraphQLSchema;
  let table: TypeAccessTable;
  beforeAll(async () => {
    schema = await fullSchema();
    table = fullTypeAccess();
  });

  it('names every object type of the schema (pagination wrappers and roots aside), and no type the schema lacks', () => {
    const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
    const objects = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__') && !roots.has(t.name));
    expect(objects.filter((t) => !isPaginationType(t) && !(t.name in table)).map((t) => t.name)).toEqual([]);
    expect(Object.keys(table).filter((name) => !schema.getType(name))).toEqual([]);
  });

  it('lets every role an operation declares see what the operation returns (APP: under at least one purpose)', () => {
    const wrong: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(root!.getFields())) {
        const target = guardedTypeOf(field);
        if (!target) continue;
        const access = table[target.name];
        const roles = (field.extensions?.roles as Role[] | undefined) ?? [];
        for (const role of roles) {
          const sees = role === Role.APP ? Object.values(ReadPurpose).some((p) => maySee(access, { roles: [role], purpose: p })) : maySee(access, { roles: [role], purpose: null });
          if (!sees) wrong.push(`${root!.name}.${field.name} (${getNamedType(field.type).name}) declares ${role}, which may not see ${target.name}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('says why for every entry', () => {
    for (const [name, access] of Object.entries(table)) if (access !== 'structural') expect([name, access.why.length > 10]).toEqual([name, true]);
  });
});
