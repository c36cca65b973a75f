import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { useCases } from '../../domain/use-cases';
import { Recipient } from '../../entities/recipient.entity';
import { RecipientKind, Role } from '../../entities/enums';
import { Roles } from '../auth';
import type { GatewayContext } from '../context';
import { disclosureConnection, disclosurePageArgs } from '../disclosure/disclosure-page';
import { DisclosureConnection, DisclosurePageArgsInput } from '../disclosure/disclosure.type';
import { disclosuresByRecipientLoader } from '../loaders/disclosure.loader';
import { recipientLoader } from '../loaders/recipient.loader';
import { idPage, parseId } from '../pagination';
import { RegisterRecipientInput, UpdateRecipientInput } from './recipient.input';
import { RecipientConnection, RecipientType } from './recipient.type';

const READERS = [Role.APP, Role.LEGAL, Role.MNA, Role.PRIVACY_OPS, Role.ADMIN];

@Resolver(() => RecipientType)
export class RecipientResolver {
  @Query(() => RecipientType, { nullable: true, description: 'One recipient by id; null when none has that id. Roles: APP (with a read purpose), LEGAL, MNA, PRIVACY_OPS, ADMIN.' })
  @Roles(...READERS)
  recipient(@Arg('id', () => ID, { description: 'The recipient\'s id.' }) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(recipientLoader).load(parseId(id, 'recipient'));
  }

  @Query(() => RecipientConnection, { description: 'Recipients in ascending id order, a page at a time (Relay connection). Roles: APP (with a read purpose), LEGAL, MNA, PRIVACY_OPS, ADMIN.' })
  @Roles(...READERS)
  async recipients(
    @Ctx() ctx: GatewayContext,
    @Arg('kind', () => RecipientKind, { nullable: true, description: 'Only recipients of this kind; every kind when omitted.' }) kind?: RecipientKind,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: 0 up to GRAPHQL_MAX_PAGE_SIZE (a server setting, 100 unless configured); 20 when omitted. A larger value is refused with BAD_USER_INPUT.' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'An opaque cursor: the endCursor of the previous page. Omit for the first page.' }) after?: string,
  ) {
    const qb = ctx.dataSource.getRepository(Recipient).createQueryBuilder('r');
    if (kind) qb.andWhere('r.kind = :kind', { kind });
    return idPage(qb, { first, after }, ctx.config.graphql.maxPageSize);
  }

  @FieldResolver(() => DisclosureConnection, { description: 'What was disclosed to this recipient, newest first (by occurredAt), a page at a time. Seen by LEGAL, PRIVACY_OPS and ADMIN, and under the SERVICE, SUPPORT and SECURITY read purposes; empty otherwise (e.g. for MNA).' })
  async disclosures(@Root() r: RecipientType, @Args({ validate: false }) args: DisclosurePageArgsInput, @Ctx() ctx: GatewayContext) {
    const { loaderArgs, key, take } = disclosurePageArgs(args, ctx.config.graphql.maxPageSize);
    const rows = take === 0 ? [] : await ctx.loaders.of(disclosuresByRecipientLoader(loaderArgs), key).load(r.id);
    return disclosureConnection(rows, take, args.after);
  }

  @Mutation(() => RecipientType, { description: 'Registers a recipient and returns it. Refused when the name is taken (CONFLICT), when its kind cannot have an allowed purpose, or when a THIRD_PARTY or AFFILIATE allowed DIRECT_MARKETING has no postal address. Roles: PRIVACY_OPS, ADMIN.' })
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  registerRecipient(@Arg('input', { description: 'The recipient to register.' }) input: RegisterRecipientInput, @Ctx() ctx: GatewayContext) {
    return useCases.registerRecipient(ctx.run, ctx.actor!, input);
  }

  @Mutation(() => RecipientType, { description: 'Changes a recipient\'s details (not its kind) and returns it; the result must meet the rules of registerRecipient. Roles: PRIVACY_OPS, ADMIN.' })
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  updateRecipient(@Arg('id', () => ID, { description: 'The recipient\'s id.' }) id: string, @Arg('input', { description: 'The fields to change; at least one.' }) input: UpdateRecipientInput, @Ctx() ctx: GatewayContext) {
    const recipientId = parseId(id, 'recipient');
    const fields = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    return useCases.updateRecipient(ctx.run, ctx.actor!, recipientId, fields);
  }
}
