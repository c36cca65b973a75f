import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
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
  @Query(() => UserType, { nullable: true })
  @Roles(...READERS)
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(subjectLoader).load(parseId(id, 'user'));
  }

  @Query(() => UserConnection, { description: 'Users in id order, as a Relay connection.' })
  @Roles(...READERS)
  async users(
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('filter', () => UserFilter, { nullable: true }) filter?: UserFilter,
  ) {
    const qb = ctx.dataSource.getRepository(Subject).createQueryBuilder('s');
    if (filter?.status) {
      // To a purpose that sees a restricted person as erased, they are erased here too.
      const asErased = seesRestrictedAsErased(ctx.purpose);
      if (asErased && filter.status === SubjectStatus.RESTRICTED) qb.andWhere('1 = 0');
      else if (asErased && filter.status === SubjectStatus.ERASED) qb.andWhere('s.status IN (:...statuses)', { statuses: [SubjectStatus.ERASED, SubjectStatus.RESTRICTED] });
      else qb.andWhere('s.status = :status', { status: filter.status });
    }
    if (filter?.region) qb.andWhere('s.region = :region', { region: filter.region.toUpperCase() });
    const rule = ctx.purpose ? READ_PURPOSE_RULES[ctx.purpose] : null;
    if (filter?.email) {
      // Looking people up by an address the purpose may not see would reveal it anyway.
      assertMayUseFields(ctx.purpose, ['email'], 'filter', 'filter');
      qb.andWhere('s.email = :email', { email: filter.email.trim().toLowerCase() });
    }
    if (filter?.createdFrom && filter.createdUntil && filter.createdFrom >= filter.createdUntil)
      throw badInput('createdFrom must be before createdUntil', { field: 'filter.createdFrom' });
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
    const eligible = rule && eligibilitySql(rule, 's.id');
    if (eligible) qb.andWhere(eligible.sql, eligible.params);
    const page = await idPage(qb, { first, after }, ctx.config.graphql.maxPageSize, subjectFromRow);
    if (eligible) markFilteredForPurpose(page.edges.map((e) => e.node), ctx.purpose!);
    return page;
  }

  @FieldResolver(() => [ConsentType])
  consents(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(consentsBySubjectLoader).load(user.id);
  }

  @FieldResolver(() => [ConsentEventType], { description: 'Every consent change, oldest first.' })
  consentHistory(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(consentHistoryBySubjectLoader).load(user.id);
  }

  @FieldResolver(() => DisclosureConnection, { description: 'Newest first.' })
  async disclosures(@Root() user: UserType, @Args({ validate: false }) args: DisclosurePageArgsInput, @Ctx() ctx: GatewayContext) {
    const { loaderArgs, key, take } = disclosurePageArgs(args, ctx.config.graphql.maxPageSize);
    const rows = take === 0 ? [] : await ctx.loaders.of(disclosuresBySubjectLoader(loaderArgs), key).load(user.id);
    return disclosureConnection(rows, take);
  }

  @FieldResolver(() => [RecipientType], { description: 'Every recipient that received anything about this user.' })
  recipients(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(recipientsBySubjectLoader).load(user.id);
  }

  @Mutation(() => UserType, { description: 'Contact Us intake. A child under 13 is refused and nothing is stored.' })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  registerUser(@Arg('input') input: RegisterUserInput, @Ctx() ctx: GatewayContext) {
    // A CONFLICT would confirm an address the purpose may not see.
    assertMayUseFields(ctx.purpose, Object.keys(input).filter((k) => (input as unknown as Record<string, unknown>)[k] != null), 'input', 'register people');
    return useCases.registerSubject(ctx.run, ctx.actor!, input);
  }

  @Mutation(() => UserType)
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  updateUser(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateUserInput, @Ctx() ctx: GatewayContext) {
    const subjectId = parseId(id, 'user');
    const fields = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    assertMayUseFields(ctx.purpose, Object.keys(fields), 'input', 'update people');
    return useCases.updateSubject(ctx.run, ctx.actor!, subjectId, fields);
  }
}
