import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
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
import { UserResolver } from './user/user.resolver';
import { AccessLogResolver, UserAccessLogResolver } from './access-log/access-log.resolver';
import { enforceReadPurpose } from './read-purpose/enforce-read-purpose';

// type-graphql's own type for resolver classes (any constructor).
type ResolverClass = Function;

export const coreResolvers: ResolverClass[] = [
  UserResolver, ConsentResolver, RecipientResolver, DisclosureResolver, CollectionEventResolver, DataCategoryResolver, AuditEventResolver,
  DataRequestResolver, UserRequestsResolver, CaliforniaNoticeResolver, UserNoticesResolver,
  UnsubscribeResolver, PolicyResolver, UserPolicyNoticesResolver, AccessLogResolver, UserAccessLogResolver,
];

export interface SchemaParts {
  resolvers?: ResolverClass[];
  orphanedTypes?: Function[];
}

/** Builds the one schema from the core resolvers and whatever the plugins add, with the read-purpose rules applied. */
export async function buildGatewaySchema(parts: SchemaParts = {}): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...coreResolvers, ...(parts.resolvers ?? [])] as unknown as NonEmptyArray<Function>,
    orphanedTypes: parts.orphanedTypes,
    authChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
  return enforceReadPurpose(schema);
}
