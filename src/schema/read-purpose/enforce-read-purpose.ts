import {
  defaultFieldResolver, getNamedType, isNonNullType, isObjectType,
  type GraphQLField, type GraphQLFieldResolver, type GraphQLOutputType, type GraphQLSchema,
} from 'graphql';
import { FIELD_CATEGORY, READ_PURPOSE_RULES, RELATION_CATEGORY, type PersonalField, type ReadPurpose, type RelationField } from '../../domain/read-purpose.rules';
import { exclusionError, presentField, seesRestrictedAsErased } from '../../domain/read-purpose.service';
import { SubjectStatus } from '../../entities/enums';
import type { Subject } from '../../entities/subject.entity';
import type { GatewayContext } from '../context';
import { exclusionLoader } from '../loaders/read-purpose.loader';
import { hiddenValue } from '../authorize-graph';

/** Fields of `User` that carry nothing personal: shown to every purpose. */
const ALWAYS_SHOWN = new Set(['id', 'status', 'source', 'createdAt', 'updatedAt', 'erasedAt']);
/** Set on users a list resolver already filtered for the purpose in SQL (the `users` list). */
const FILTERED_FOR = Symbol('filteredForPurpose');
/** Set on a person a mutation changed but its purpose may not read about: every personal field and list is masked. */
const NOT_FOR_PURPOSE = Symbol('notForPurpose');

/** Marks the users of a page whose statement already applied the purpose's eligibility condition. */
export function markFilteredForPurpose(users: readonly object[], purpose: ReadPurpose): void {
  for (const u of users) (u as { [FILTERED_FOR]?: ReadPurpose })[FILTERED_FOR] = purpose;
}

type Resolver = GraphQLFieldResolver<unknown, GatewayContext>;

/**
 * Applies src/domain/read-purpose.rules.ts to every place the schema returns a user, so that
 * no path (a plugin's field, a disclosure's user, a request's user) can go around it:
 * - every field of `User` except the non-personal ones is shown, generalized or masked as the
 *   request's purpose says; fields the table does not name are masked (null, an empty list or
 *   an empty connection), so a field a plugin adds later is hidden until the table lists it;
 * - every field returning users checks, for marketing purposes, each person's consent (and GPC
 *   opt-out) in one batched statement: one user left out is null with a FORBIDDEN error and
 *   its reason, lists drop them. A mutation's answer is checked the same way, after the change
 *   (a change may concern a person the purpose may not read about): such a person comes back
 *   with every personal field and list masked, so the answer confirms the change and tells
 *   nothing more. Users a list statement already filtered (markFilteredForPurpose) pass.
 * Requests without a purpose (privileged roles) see the record as it is; every field and list
 * they read is still noted for the access log.
 */
export function enforceReadPurpose(schema: GraphQLSchema): GraphQLSchema {
  const user = schema.getType('User');
  if (!isObjectType(user)) throw new Error('the schema has no User type');
  for (const [name, field] of Object.entries(user.getFields())) {
    if (!ALWAYS_SHOWN.has(name)) field.resolve = userField(name, field);
  }
  const status = user.getFields().status;
  if (status) status.resolve = statusField(status);
  const mutation = schema.getMutationType();
  const query = schema.getQueryType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (getNamedType(field.type) === user) field.resolve = usersOnly(field, type === mutation, type === query);
    }
  }
  return schema;
}

function userField(name: string, field: GraphQLField<unknown, GatewayContext>): Resolver {
  const original: Resolver = field.resolve ?? defaultFieldResolver;
  if (name in FIELD_CATEGORY) {
    const personal = name as PersonalField;
    const fieldCategory = FIELD_CATEGORY[personal];
    return (source, args, ctx, info) => {
      if (ctx.purpose === null) {
        // A privileged read sees the record as it is, and is logged like any other.
        const value = original(source, args, ctx, info);
        if (value !== null && value !== undefined) ctx.access.note((source as Subject).id, fieldCategory);
        return value;
      }
      if (isMaskedPerson(source) || hiddenAsErased(source, ctx.purpose)) return null;
      const subject = source as Subject;
      const { value, category } = presentField(READ_PURPOSE_RULES[ctx.purpose], personal, subject, ctx.services.anonymizer, new Date());
      if (category) ctx.access.note(subject.id, category);
      return value;
    };
  }
  const masked = maskedValue(name, field.type);
  // A list with no category of its own (what was shared, with whom, the person's requests) is
  // still a read of the person: logged by its name.
  const category = RELATION_CATEGORY[name as RelationField] ?? `list:${name}`;
  return (source, args, ctx, info) => {
    if (ctx.purpose === null) {
      const subject = source as Subject;
      if (subject.status !== SubjectStatus.ERASED) ctx.access.note(subject.id, category);
      return original(source, args, ctx, info);
    }
    if (!READ_PURPOSE_RULES[ctx.purpose].relations.includes(name as RelationField) || isMaskedPerson(source) || hiddenAsErased(source, ctx.purpose)) return masked();
    // Noted when asked for (an empty consent list tells the person's choices too), so that the
    // access-log rows can be written while the list itself is still loading. A tombstone has
    // no consents left to tell.
    const subject = source as Subject;
    if (category && subject.status !== SubjectStatus.ERASED) ctx.access.note(subject.id, category);
    return original(source, args, ctx, info);
  };
}

/** What a hidden field returns: null if it may, else an empty list or an empty connection. */
function maskedValue(name: string, type: GraphQLOutputType): () => unknown {
  const hidden = hiddenValue(type);
  // Fail at start rather than show a field the rules cannot hide.
  if (!hidden) throw new Error(`User.${name} is neither nullable, a list nor a connection, so a read purpose could not mask it`);
  return hidden;
}

/** A mutation's person the purpose may not read about: a copy whose personal fields and lists are all masked. */
const maskedPerson = (u: Subject): Subject => Object.assign(Object.create(Object.getPrototypeOf(u) as object) as Subject, u, { [NOT_FOR_PURPOSE]: true });
/** Drops restricted people from what an edge returns: null for one, left out of a list. */
function unlinkRestricted(value: unknown): unknown {
  const restricted = (u: unknown) => (u as Subject | null)?.status === SubjectStatus.RESTRICTED;
  if (value == null) return value;
  if (Array.isArray(value)) return value.filter((u) => !restricted(u));
  return restricted(value) ? null : value;
}

/** A restricted person, to a purpose that sees them as erased (seesRestrictedAsErased). */
const hiddenAsErased = (source: unknown, purpose: ReadPurpose | null): boolean =>
  (source as Subject).status === SubjectStatus.RESTRICTED && seesRestrictedAsErased(purpose);

/** `User.status`: ERASED for a restricted person, to the purposes that see them as erased. */
function statusField(field: GraphQLField<unknown, GatewayContext>): Resolver {
  const original: Resolver = field.resolve ?? defaultFieldResolver;
  return (source, args, ctx, info) => (hiddenAsErased(source, ctx.purpose) ? SubjectStatus.ERASED : original(source, args, ctx, info));
}

const isMaskedPerson = (source: unknown): boolean => (source as { [NOT_FOR_PURPOSE]?: true })[NOT_FOR_PURPOSE] === true;

function usersOnly(field: GraphQLField<unknown, GatewayContext>, isMutation: boolean, isRoot: boolean): Resolver {
  const original: Resolver = field.resolve ?? defaultFieldResolver;
  return (source, args, ctx, info) => {
    if (ctx.purpose === null) return original(source, args, ctx, info);
    const purpose = ctx.purpose;
    const rule = READ_PURPOSE_RULES[purpose];
    // A restricted person reached through any edge (a disclosure's user, a request's user) is,
    // to these purposes, as an erased one is there: no link to them (point 7). A mutation's
    // answer still comes back, masked by its fields.
    if (!rule.requiresConsent && !rule.honoursGpcOptOut) {
      // The roots (`user`, `users`) keep them, shown as erased by their fields, as an erased person is.
      if (isMutation || isRoot || isNonNullType(field.type) || !seesRestrictedAsErased(purpose)) return original(source, args, ctx, info);
      return Promise.resolve(original(source, args, ctx, info)).then(unlinkRestricted);
    }
    const resolved = original(source, args, ctx, info);
    // A page of `users` was filtered by its own statement: nothing more to check, nor to wait for.
    if (resolved !== null && typeof resolved === 'object' && (resolved as { [FILTERED_FOR]?: ReadPurpose })[FILTERED_FOR] === purpose) return resolved;
    const loader = ctx.loaders.of(exclusionLoader(rule), purpose);
    return Promise.resolve(resolved).then(async (value: unknown) => {
      if (value == null) return value;
      if (Array.isArray(value)) {
        const users = value as Subject[];
        const reasons = await loader.loadMany(users.map((u) => u.id));
        if (isMutation) return users.map((u, i) => (reasons[i] === null ? u : maskedPerson(u)));
        return users.filter((_, i) => reasons[i] === null);
      }
      const u = value as Subject;
      const reason = await loader.load(u.id);
      if (reason && isMutation) return maskedPerson(u);
      if (reason) throw exclusionError(purpose, u.id, reason);
      return u;
    });
  };
}
