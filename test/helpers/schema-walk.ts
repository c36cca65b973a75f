import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { loadConfig } from '../../src/config';
import { builtInPlugins } from '../../src/plugins/built-in';
import { PluginRegistry } from '../../src/plugins/registry';
import { buildGatewaySchema } from '../../src/schema/build-schema';

/**
 * Walks the built schema for the security tests: every Query and Mutation field, every
 * argument and, recursively, every input object field. A new operation or argument is picked
 * up without touching the tests.
 */

export interface Operation {
  kind: 'query' | 'mutation';
  name: string;
  field: GraphQLField<unknown, unknown>;
  /** Roles declared with @Roles (field extensions); undefined if none were declared. */
  roles: string[] | undefined;
  isPublic: boolean;
}

export async function fullSchema(): Promise<GraphQLSchema> {
  const registry = new PluginRegistry(builtInPlugins(loadConfig({})));
  return buildGatewaySchema({ resolvers: registry.resolvers(), orphanedTypes: registry.orphanedTypes(), typeAccess: registry.typeAccess() });
}

export function operations(schema: GraphQLSchema): Operation[] {
  const roots: [Operation['kind'], GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  return roots.flatMap(([kind, root]) =>
    root
      ? Object.values(root.getFields()).map((field) => ({
          kind,
          name: field.name,
          field,
          roles: Array.isArray(field.extensions?.roles) ? (field.extensions.roles as string[]) : undefined,
          isPublic: field.extensions?.public === true,
        }))
      : [],
  );
}

/** The kind of value a leaf takes, for choosing plausible and nasty values. */
export type LeafKind = 'String' | 'ID' | 'Int' | 'Float' | 'Boolean' | 'DateTimeISO' | 'JSONObject' | 'Enum' | 'Other';

export interface Leaf {
  /** e.g. `registerUser.input.email` or `placeLegalHold.input.subjectIds[]`. */
  path: string;
  /** Steps from the argument: field names, and '[]' for a list element. */
  steps: string[];
  arg: GraphQLArgument;
  name: string;
  kind: LeafKind;
  type: GraphQLInputType;
  enumValues: string[];
  /** The leaf sits in a list (its value is one element). */
  inList: boolean;
}

function leafKind(type: GraphQLInputType): LeafKind {
  const named = getNamedType(type);
  if (isEnumType(named)) return 'Enum';
  if (isScalarType(named) && ['String', 'ID', 'Int', 'Float', 'Boolean', 'DateTimeISO', 'JSONObject'].includes(named.name)) return named.name as LeafKind;
  return 'Other';
}

/** Every leaf under an operation's arguments, input objects expanded recursively. */
export function leaves(op: Operation): Leaf[] {
  const out: Leaf[] = [];
  const walk = (arg: GraphQLArgument, type: GraphQLInputType, steps: string[], name: string, inList: boolean, seen: Set<string>) => {
    const nullable = getNullableType(type) as GraphQLInputType;
    if (isListType(nullable)) return walk(arg, nullable.ofType as GraphQLInputType, [...steps, '[]'], name, true, seen);
    if (isInputObjectType(nullable)) {
      if (seen.has(nullable.name)) return;
      for (const f of Object.values(nullable.getFields())) walk(arg, f.type, [...steps, f.name], f.name, inList, new Set([...seen, nullable.name]));
      return;
    }
    const named = getNamedType(type);
    out.push({
      path: [op.name, arg.name, ...steps].join('.').replace(/\.\[\]/g, '[]'),
      steps,
      arg,
      name,
      kind: leafKind(type),
      type,
      enumValues: isEnumType(named) ? named.getValues().map((v) => v.name) : [],
      inList,
    });
  };
  for (const arg of op.field.args) walk(arg, arg.type, [], arg.name, false, new Set());
  return out;
}

/** Ids of seeded rows the plausible values point at. */
export interface SeedIds {
  userId: string;
  recipientId: string;
  partnerId: string;
  acquirerId: string;
  holdId: string;
  requestId: string;
  transferId: string;
}

const BY_NAME: Record<string, unknown> = {
  email: 'fuzz.person@example.com',
  phone: '+14155550100',
  region: 'US-CA',
  regions: 'US-CA',
  country: 'US',
  birthDate: '1990-01-01',
  ageRange: '25-34',
  postalCode: '94105',
  version: '2026-01',
  policyVersion: '2026-01',
  url: 'https://example.com/privacy',
  page: '/home',
  ipAddress: '203.0.113.7',
  categories: 'user.contact.email',
  channel: 'EMAIL',
  first: 1,
  k: 11,
  geoAccuracyM: 100,
  latitude: 37.77,
  longitude: -122.41,
};

/** A value of the right type that a reasonable client might send. */
export function plausible(type: GraphQLInputType, name: string, ids: SeedIds, opName = ''): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [plausible(nullable.ofType as GraphQLInputType, name, ids, opName)];
  if (isInputObjectType(nullable)) {
    const obj: Record<string, unknown> = {};
    for (const f of Object.values(nullable.getFields()))
      if (isNonNullType(f.type) && f.defaultValue === undefined) obj[f.name] = plausible(f.type, f.name, ids, opName);
    return obj;
  }
  if (name in BY_NAME && leafKind(type) !== 'Enum') return BY_NAME[name];
  switch (leafKind(type)) {
    case 'ID':
      return idFor(name, ids, opName);
    case 'Enum': {
      const named = getNamedType(type);
      // What a client sends: the value's name (the server maps it to its internal value).
      return isEnumType(named) ? named.getValues()[0]!.name : null;
    }
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return false;
    case 'DateTimeISO':
      return '2025-01-01T00:00:00.000Z';
    case 'JSONObject':
      return {};
    default:
      return 'fuzz';
  }
}

function idFor(name: string, ids: SeedIds, opName: string): string {
  if (/^(user|subject)Ids?$/.test(name)) return ids.userId;
  if (name === 'partnerId') return ids.partnerId;
  if (name === 'acquirerId') return ids.acquirerId;
  if (name === 'recipientId') return ids.recipientId;
  if (name === 'holdId') return ids.holdId;
  if (name === 'requestId') return ids.requestId;
  if (/[Tt]ransfer/.test(opName)) return ids.transferId;
  if (/[Hh]old/.test(opName)) return ids.holdId;
  if (/[Rr]equest/.test(opName)) return ids.requestId;
  if (/[Rr]ecipient/.test(opName)) return ids.recipientId;
  return ids.userId;
}

/** Minimal arguments: every required argument with a plausible value. */
export function plausibleArgs(op: Operation, ids: SeedIds): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const a of op.field.args) if (isNonNullType(a.type) && a.defaultValue === undefined) args[a.name] = plausible(a.type, a.name, ids, op.name);
  return args;
}

/** `{ __typename }` for an object result, nothing for a scalar: the cheapest valid selection. */
export function minimalSelection(op: Operation): string {
  return isCompositeType(getNamedType(op.field.type)) ? '{ __typename }' : '';
}

/** A document that passes every argument given as a variable. */
export function documentFor(op: Operation, args: Record<string, unknown>): string {
  const given = op.field.args.filter((a) => a.name in args);
  const vars = given.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const call = given.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${op.kind} Op${vars ? `(${vars})` : ''} { ${op.name}${call ? `(${call})` : ''} ${minimalSelection(op)} }`;
}

/** Sets the value at a leaf's steps inside a copy of `args` (lists get one element). */
export function withLeafValue(args: Record<string, unknown>, leaf: Leaf, value: unknown, ids: SeedIds, opName: string): Record<string, unknown> {
  const out = structuredClone(args);
  if (leaf.steps.length === 0) {
    out[leaf.arg.name] = value;
    return out;
  }
  let container: Record<string, unknown> | unknown[] = out;
  let key: string | number = leaf.arg.name;
  let type: GraphQLInputType = leaf.arg.type;
  for (const step of leaf.steps) {
    const parent = container as Record<string | number, unknown>;
    const nullable = getNullableType(type) as GraphQLInputType;
    if (step === '[]') {
      if (!Array.isArray(parent[key])) parent[key] = [];
      container = parent[key] as unknown[];
      key = 0;
      type = (nullable as { ofType: GraphQLInputType }).ofType;
    } else {
      if (parent[key] === undefined || parent[key] === null || typeof parent[key] !== 'object') parent[key] = plausible(type, String(key), ids, opName);
      container = parent[key] as Record<string, unknown>;
      key = step;
      type = (nullable as { getFields(): Record<string, { type: GraphQLInputType }> }).getFields()[step]!.type;
    }
  }
  (container as Record<string | number, unknown>)[key] = value;
  return out;
}
