import { CORE_TYPE_ACCESS, mergeTypeAccess, type TypeAccessTable } from '../domain/type-access.policy';
import { authorizeGraph } from './authorize-graph';
import 'reflect-metadata';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import './enums';
import { authChecker } from './auth';
import { AuditEventResolver } from './audit/audit-event.resolver';
import { DataCategoryResolver } from './category/data-category.resolver';
import { CollectionEventResolver } from './collection/collection-event.resolver';
import { UnsubscribeResolver } from './communications/unsubscribe.resolver';
import { ConsentResolver } from './consent/consent.resolver';
import { DisclosureResolver } from './disclosure/disclosure.resolver';
import { PolicyResolver, UserPolicyNoticesResolver } from './policy/policy.resolver';
import { RecipientResolver } from './recipient/recipient.resolver';
import { CaliforniaNoticeResolver, UserNoticesResolver } from './request/california-notice.resolver';
import { DataRequestResolver, UserRequestsResolver } from './request/data-request.resolver';
import { AccessRequestResolver } from './request/access-request.resolver';
import { CorrectionRequestResolver } from './request/correction-request.resolver';
import { UserResolver } from './user/user.resolver';
import { AccessLogResolver, UserAccessLogResolver } from './access-log/access-log.resolver';
import { enforceReadPurpose } from './read-purpose/enforce-read-purpose';

// type-graphql's own type for resolver classes (any constructor).
type ResolverClass = Function;

export const coreResolvers: ResolverClass[] = [
  UserResolver, ConsentResolver, RecipientResolver, DisclosureResolver, CollectionEventResolver, DataCategoryResolver, AuditEventResolver,
  DataRequestResolver, UserRequestsResolver, CaliforniaNoticeResolver, UserNoticesResolver, AccessRequestResolver, CorrectionRequestResolver,
  UnsubscribeResolver, PolicyResolver, UserPolicyNoticesResolver, AccessLogResolver, UserAccessLogResolver,
];

export interface SchemaParts {
  resolvers?: ResolverClass[];
  orphanedTypes?: Function[];
  /** The plugins' entries of the type-access table (PluginRegistry.typeAccess()). */
  typeAccess?: { plugin: string; types: TypeAccessTable }[];
}

/** Builds the one schema from the core resolvers and whatever the plugins add, with the read-purpose rules and the type-access table applied. */
export async function buildGatewaySchema(parts: SchemaParts = {}): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...coreResolvers, ...(parts.resolvers ?? [])] as unknown as NonEmptyArray<Function>,
    orphanedTypes: parts.orphanedTypes,
    authChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
  preferAttachedRelations(schema, ATTACHED_RELATIONS);
  // type-graphql has no option for the root types' descriptions; the schema printer reads these.
  schema.getQueryType()!.description = 'Reads. Every operation names the roles that may call it; an APP caller declares a read purpose (X-Purpose) and sees only what that purpose allows; every person returned is written to the access log.';
  schema.getMutationType()!.description = 'Changes, each in one transaction with its audit event; background work (erasure, notices, exports) runs in jobs after commit. Every operation names the roles that may call it; mutations are rate-limited per token subject.';
  // The read-purpose rules first, so that the type check wraps them: a hidden type is refused
  // before any of its consent checks run.
  return authorizeGraph(enforceReadPurpose(schema), mergeTypeAccess(CORE_TYPE_ACCESS, parts.typeAccess ?? []));
}

/**
 * Relation fields that the page loaders attach to their rows (see disclosure.loader.ts). A
 * page holds a thousand disclosures; going through type-graphql's resolver wrapper (resolver
 * data, parameter list, container) for each of them only to read a property cost more than
 * graphql-js itself spends on the field.
 */
const ATTACHED_RELATIONS: Record<string, string[]> = { Disclosure: ['categories', 'recipient'] };

/** Reads an attached relation straight off its parent; the field's own resolver runs only when it is absent. */
function preferAttachedRelations(schema: GraphQLSchema, relations: Record<string, string[]>): void {
  for (const [typeName, fields] of Object.entries(relations)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`attached relations: the schema has no object type ${typeName}`);
    for (const name of fields) {
      const field = type.getFields()[name];
      const original = field?.resolve;
      if (!field || !original) throw new Error(`attached relations: ${typeName}.${name} has no resolver to fall back on`);
      field.resolve = (source, args, ctx, info) => {
        const attached = (source as Record<string, unknown>)[name];
        return attached !== undefined ? attached : original(source, args, ctx, info);
      };
    }
  }
}
