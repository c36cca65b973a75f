import {
  defaultFieldResolver, getNamedType, isListType, isNonNullType, isObjectType,
  type GraphQLField, type GraphQLFieldResolver, type GraphQLNamedType, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema,
} from 'graphql';
import { DomainError } from '../domain/errors';
import { ReadPurpose, Role } from '../entities/enums';
import { maySee, type TypeAccess, type TypeAccessTable, type Viewer } from '../domain/type-access.policy';
import type { GatewayContext } from './context';

type Resolver = GraphQLFieldResolver<unknown, GatewayContext>;

/** A connection (edges + pageInfo) or its edge type (node + cursor): guarded by the type of its nodes. */
export function nodeTypeOf(type: GraphQLNamedType): GraphQLObjectType | null {
  if (!isObjectType(type)) return null;
  const fields = type.getFields();
  if (fields.edges && fields.pageInfo) return nodeTypeOf(getNamedType(fields.edges.type));
  if (fields.node && fields.cursor) {
    const node = getNamedType(fields.node.type);
    return isObjectType(node) ? node : null;
  }
  return type;
}

/** Whether a type is a pagination wrapper, shown wherever its nodes are. */
export function isPaginationType(type: GraphQLNamedType): boolean {
  return isObjectType(type) && nodeTypeOf(type) !== type;
}

/** The object type a field's answer is guarded by (its own, or its nodes' for a connection); null for scalars and enums. */
export function guardedTypeOf(field: GraphQLField<unknown, unknown>): GraphQLObjectType | null {
  const named = getNamedType(field.type);
  return isObjectType(named) ? nodeTypeOf(named) : null;
}

const ALL_ROLES = Object.values(Role);
const ALL_PURPOSES = Object.values(ReadPurpose);

const viewers = new WeakMap<GatewayContext, Viewer>();
function viewerOf(ctx: GatewayContext): Viewer {
  let v = viewers.get(ctx);
  if (!v) {
    v = { roles: ctx.actor?.roles ?? [], purpose: ctx.purpose };
    viewers.set(ctx, v);
  }
  return v;
}

/**
 * Applies the type-access table (src/domain/type-access.policy.ts) to every field of the schema
 * that returns an object, roots and nested edges alike:
 * - a query root refuses a caller who may not see its type (UNAUTHENTICATED without a token,
 *   FORBIDDEN otherwise) before it runs;
 * - a mutation runs (it may change what its caller may not read), and its answer is then shown
 *   only if the caller may see its type: else null or empty with an ANSWER_HIDDEN warning, or,
 *   when the field cannot be null, a FORBIDDEN error with reason ANSWER_HIDDEN saying the change
 *   stands;
 * - a nested edge to a hidden type is null with a FORBIDDEN error on its path, a list or a
 *   connection of them is empty.
 * Types everyone sees (and pagination wrappers) are left alone, so the common read path pays
 * nothing for them.
 */
export function authorizeGraph(schema: GraphQLSchema, table: TypeAccessTable): GraphQLSchema {
  checkPublicReach(schema, table);
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const target = guardedTypeOf(field);
      if (!target) continue;
      const access = isPaginationType(target) ? 'structural' : table[target.name];
      if (access === 'structural' || (access !== undefined && seenByEveryone(access))) continue;
      const where = type === query ? 'query' : type === mutation ? 'mutation' : 'edge';
      field.resolve = guarded(field, target.name, access, where);
    }
  }
  return schema;
}

/** Every role sees it, under every purpose: only a caller without a token could be refused, and no root lets one reach it (checkPublicReach). */
function seenByEveryone(access: TypeAccess): boolean {
  return ALL_ROLES.every((r) => access.roles.includes(r)) && ALL_PURPOSES.every((p) => access.purposes.includes(p));
}

/**
 * A caller without a token reaches only what a PUBLIC operation returns: every type reachable
 * from one must be public in the table, checked when the schema is built.
 */
function checkPublicReach(schema: GraphQLSchema, table: TypeAccessTable): void {
  const roots = [schema.getQueryType(), schema.getMutationType()].filter((t): t is GraphQLObjectType => !!t);
  const seen = new Set<string>();
  const visit = (type: GraphQLObjectType, path: string): void => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    const access = table[type.name];
    if (!isPaginationType(type) && access !== 'structural' && access?.public !== true)
      throw new Error(`type access: ${path} lets a caller without a token reach ${type.name}, which the table does not make public`);
    for (const f of Object.values(type.getFields())) {
      const named = getNamedType(f.type);
      if (isObjectType(named)) visit(named, `${path}.${f.name}`);
    }
  };
  for (const root of roots)
    for (const f of Object.values(root.getFields())) {
      if ((f.extensions as { public?: boolean } | undefined)?.public !== true) continue;
      const named = getNamedType(f.type);
      if (isObjectType(named)) visit(named, `${root.name}.${f.name}`);
    }
}

function refusal(ctx: GatewayContext, typeName: string): DomainError {
  if (!ctx.actor) return ctx.authError ?? new DomainError('UNAUTHENTICATED', 'a bearer token is required');
  // A missing or refused purpose is the first thing wrong with the request: say that.
  if (ctx.purposeError) return ctx.purposeError;
  const purpose = ctx.purpose ? ` for the purpose ${ctx.purpose}` : '';
  return new DomainError('FORBIDDEN', `this caller may not see ${typeName}${purpose}`, { reason: 'TYPE_NOT_ALLOWED', type: typeName });
}

function guarded(field: GraphQLField<unknown, GatewayContext>, typeName: string, access: TypeAccess | undefined, where: 'query' | 'mutation' | 'edge'): Resolver {
  const original: Resolver = field.resolve ?? defaultFieldResolver;
  const hidden = hiddenValue(field.type);
  const allowed = (ctx: GatewayContext) => maySee(access, viewerOf(ctx));
  const declared = (field.extensions as { roles?: string[] } | undefined)?.roles;
  if (where === 'query')
    return (source, args, ctx, info) => {
      if (allowed(ctx)) return original(source, args, ctx, info);
      // A role the operation does not list: its own check refuses it (before it runs), with its message.
      if (ctx.actor && declared && !ctx.actor.roles.some((r) => declared.includes(r)) && !ctx.purposeError) return original(source, args, ctx, info);
      throw refusal(ctx, typeName);
    };
  if (where === 'mutation')
    return async (source, args, ctx, info) => {
      // Without a token, the operation's own role check answers (UNAUTHENTICATED), before any change.
      if (!ctx.actor) return original(source, args, ctx, info);
      const answer = await original(source, args, ctx, info);
      if (allowed(ctx)) return answer;
      const message = `the change is made; its answer (${typeName}) is not shown to this caller${ctx.purpose ? ` for the purpose ${ctx.purpose}` : ''}`;
      // An answer that cannot be null is replaced by an error that says the change stands.
      if (hidden === null) throw new DomainError('FORBIDDEN', message, { reason: 'ANSWER_HIDDEN', type: typeName });
      ctx.warnings.push({ code: 'ANSWER_HIDDEN', field: field.name, message });
      return hidden();
    };
  const silent = isListOrConnection(field.type);
  return (source, args, ctx, info) => {
    if (allowed(ctx)) return original(source, args, ctx, info);
    // A list or a connection of hidden things is null (or empty where it cannot be null), as the
    // read-purpose table masks lists; a single hidden object is an error on its path.
    if (!silent || hidden === null) throw refusal(ctx, typeName);
    return hidden();
  };
}

function isListOrConnection(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return true;
  return isObjectType(inner) && isPaginationType(inner);
}

/**
 * What a hidden answer is: null if the field may be null, else an empty list or connection, else
 * nothing (null: the field cannot be hidden, only refused). The read-purpose masks use it too.
 */
export function hiddenValue(type: GraphQLOutputType): (() => unknown) | null {
  if (!isNonNullType(type)) return () => null;
  const inner = type.ofType;
  if (isListType(inner)) return () => [];
  if (isObjectType(inner) && isPaginationType(inner)) return () => ({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
  return null;
}
