import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { DataSource } from 'typeorm';
import { ConsentStatus, Role, SubjectStatus } from '../../entities/enums';
import { Subject } from '../../entities/subject.entity';
import { useCases } from '../../domain/use-cases';
import { badInput, DomainError } from '../../domain/errors';
import { READ_PURPOSE_RULES } from '../../domain/read-purpose.rules';
import { assertMayUseFields, eligibilitySql, seesRestrictedAsErased } from '../../domain/read-purpose.service';
import { Roles } from '../auth';
import type { GatewayContext } from '../context';
import { ConsentEventType, ConsentType } from '../consent/consent.type';
import { disclosureConnection, disclosurePageArgs } from '../disclosure/disclosure-page';
import { DisclosureConnection, DisclosurePageArgsInput } from '../disclosure/disclosure.type';
import { consentHistoryBySubjectLoader, consentsBySubjectLoader } from '../loaders/consent.loader';
import { disclosuresBySubjectLoader } from '../loaders/disclosure.loader';
import { recipientsBySubjectLoader } from '../loaders/recipient.loader';
import { subjectFromRow, subjectLoader } from '../loaders/subject.loader';
import { idPage, parseId } from '../pagination';
import { RecipientType } from '../recipient/recipient.type';
import { RegisterUserInput, UpdateUserInput, UserFilter } from './user.input';
import { UserConnection, UserType } from './user.type';
import { markFilteredForPurpose } from '../read-purpose/enforce-read-purpose';

const READERS = [Role.APP, Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN];

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserType, { nullable: true, description: 'One user by id; null when no user has that id. Under a marketing read purpose (PRODUCT_EMAIL, THIRD_PARTY_OFFERS), a user who may not be read about for it is null with a FORBIDDEN error giving the reason. Roles: APP (with a read purpose), LEGAL, PRIVACY_OPS, ADMIN.' })
  @Roles(...READERS)
  user(@Arg('id', () => ID, { description: 'The user\'s id.' }) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(subjectLoader).load(parseId(id, 'user'));
  }

  @Query(() => UserConnection, { description: 'Users in ascending id order, a page at a time (Relay connection). Under a marketing read purpose (PRODUCT_EMAIL, THIRD_PARTY_OFFERS), people who did not grant its consent (or, for THIRD_PARTY_OFFERS, sent a GPC opt-out) are left out. Roles: APP (with a read purpose), LEGAL, PRIVACY_OPS, ADMIN.' })
  @Roles(...READERS)
  async users(
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: 0 up to GRAPHQL_MAX_PAGE_SIZE (a server setting, 100 unless configured); 20 when omitted. A larger value is refused with BAD_USER_INPUT.' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'An opaque cursor: the endCursor of the previous page. Omit for the first page.' }) after?: string,
    @Arg('filter', () => UserFilter, { nullable: true, description: 'Conditions the users must meet; every user when omitted.' }) filter?: UserFilter,
  ) {
    const rule = ctx.purpose ? READ_PURPOSE_RULES[ctx.purpose] : null;
    const eligible = rule && eligibilitySql(rule, 's.id');
    if (filter?.email) assertMayUseFields(ctx.purpose, ['email'], 'filter', 'filter');
    if (filter?.createdFrom && filter.createdUntil && filter.createdFrom >= filter.createdUntil)
      throw badInput('createdFrom must be before createdUntil', { field: 'filter.createdFrom' });
    const pageFrom = (ds: DataSource) => idPage(this.usersQuery(ds, ctx, filter, eligible), { first, after }, ctx.config.graphql.maxPageSize, subjectFromRow);
    // A marketing purpose's page is a consent check before a disclosure, and a filter on email,
    // status, region or a granted consent decides who is found (someone erased or restricted a
    // moment ago must not be): the primary answers those.
    if (eligible || filter?.email || filter?.status || filter?.region || filter?.purposeGranted) {
      const page = await pageFrom(ctx.dataSource);
      if (eligible) markFilteredForPurpose(page.edges.map((e) => e.node), ctx.purpose!);
      return page;
    }
    // Otherwise a replica may find the page; what is shown of each person (status and values,
    // an erasure of a moment ago included) is read again on the primary, by id, in one statement.
    return ctx.reads.stale('users page', async (ds, onReplica) => {
      const page = await pageFrom(ds);
      if (!onReplica || page.edges.length === 0) return page;
      const fresh = await ctx.loaders.of(subjectLoader).loadMany(page.edges.map((e) => e.node.id));
      // The primary failing is an error, not a shorter page.
      const failed = fresh.find((n): n is Error => n instanceof Error);
      if (failed) throw failed;
      const edges = page.edges.flatMap((e, i) => {
        const node = fresh[i];
        return node && !(node instanceof Error) ? [{ ...e, node }] : [];
      });
      return { ...page, edges };
    });
  }

  private usersQuery(ds: DataSource, ctx: GatewayContext, filter: UserFilter | undefined, eligible: ReturnType<typeof eligibilitySql> | null) {
    const qb = ds.getRepository(Subject).createQueryBuilder('s');
    if (filter?.status) {
      // To a purpose that sees a restricted person as erased, they are erased here too.
      const asErased = seesRestrictedAsErased(ctx.purpose);
      if (asErased && filter.status === SubjectStatus.RESTRICTED) qb.andWhere('1 = 0');
      else if (asErased && filter.status === SubjectStatus.ERASED) qb.andWhere('s.status IN (:...statuses)', { statuses: [SubjectStatus.ERASED, SubjectStatus.RESTRICTED] });
      else qb.andWhere('s.status = :status', { status: filter.status });
    }
    if (filter?.region) qb.andWhere('s.region = :region', { region: filter.region.toUpperCase() });
    // Looking people up by an address the purpose may not see would reveal it anyway (checked by the caller).
    if (filter?.email) qb.andWhere('s.email = :email', { email: filter.email.trim().toLowerCase() });
    if (filter?.createdFrom) qb.andWhere('s.created_at >= :from', { from: filter.createdFrom });
    if (filter?.createdUntil) qb.andWhere('s.created_at < :until', { until: filter.createdUntil });
    if (filter?.purposeGranted)
      qb.innerJoin('consents', 'c', 'c.subject_id = s.id AND c.purpose = :purpose AND c.status = :granted', {
        purpose: filter.purposeGranted,
        granted: ConsentStatus.GRANTED,
      });
    // A restricted person, whose personal columns and consents an erased person no longer has,
    // must not be found by them under a purpose that sees them as erased (point 7).
    if (seesRestrictedAsErased(ctx.purpose) && (filter?.email || filter?.region || filter?.purposeGranted))
      qb.andWhere('s.status <> :restricted', { restricted: SubjectStatus.RESTRICTED });
    // Marketing purposes: people without the consent (or with a GPC opt-out) are not in the list.
    if (eligible) qb.andWhere(eligible.sql, eligible.params);
    return qb;
  }

  @FieldResolver(() => [ConsentType], { description: 'The user\'s current consents, one per purpose ever recorded, ordered by purpose; a purpose missing here was never granted. Empty after erasure and under the SECURITY read purpose.' })
  consents(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(consentsBySubjectLoader).load(user.id);
  }

  @FieldResolver(() => [ConsentEventType], { description: 'Every consent change, oldest first. Empty after erasure and under read purposes other than SERVICE, SUPPORT and SECURITY.' })
  consentHistory(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(consentHistoryBySubjectLoader).load(user.id);
  }

  @FieldResolver(() => DisclosureConnection, { description: 'What was disclosed about this user, newest first (by occurredAt), a page at a time. Seen by LEGAL, PRIVACY_OPS and ADMIN, and under the SERVICE, SUPPORT and SECURITY read purposes; empty otherwise.' })
  async disclosures(@Root() user: UserType, @Args({ validate: false }) args: DisclosurePageArgsInput, @Ctx() ctx: GatewayContext) {
    const { loaderArgs, key, take } = disclosurePageArgs(args, ctx.config.graphql.maxPageSize);
    const rows = take === 0 ? [] : await ctx.loaders.of(disclosuresBySubjectLoader(loaderArgs), key).load(user.id);
    return disclosureConnection(rows, take, args.after);
  }

  @FieldResolver(() => [RecipientType], { description: 'Every recipient that received anything about this user, in id order. Empty under read purposes other than SERVICE, SUPPORT and SECURITY.' })
  recipients(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(recipientsBySubjectLoader).load(user.id);
  }

  @Mutation(() => UserType, { description: 'Registers a person (Contact Us intake) and returns the new user. Needs an email or a phone; an email already on file is refused with CONFLICT; a child under 13 is refused and nothing is stored. Roles: APP, PRIVACY_OPS, ADMIN; under a read purpose, only fields that purpose may see can be given.' })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  registerUser(@Arg('input', { description: 'The person\'s details.' }) input: RegisterUserInput, @Ctx() ctx: GatewayContext) {
    // A CONFLICT would confirm an address the purpose may not see.
    assertMayUseFields(ctx.purpose, Object.keys(input).filter((k) => (input as unknown as Record<string, unknown>)[k] != null), 'input', 'register people');
    return useCases.registerSubject(ctx.run, ctx.actor!, input);
  }

  @Mutation(() => UserType, { description: 'Changes a user\'s personal fields and returns the user. An erased user cannot change (CONFLICT). Roles: APP, PRIVACY_OPS, ADMIN; under a read purpose, only fields that purpose may see can be given.' })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  updateUser(@Arg('id', () => ID, { description: 'The user\'s id.' }) id: string, @Arg('input', { description: 'The fields to change; omitted fields keep their value.' }) input: UpdateUserInput, @Ctx() ctx: GatewayContext) {
    const subjectId = parseId(id, 'user');
    const fields = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    assertMayUseFields(ctx.purpose, Object.keys(fields), 'input', 'update people');
    return useCases.updateSubject(ctx.run, ctx.actor!, subjectId, fields);
  }
}
