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
  @Query(() => RecipientType, { nullable: true })
  @Roles(...READERS)
  recipient(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(recipientLoader).load(parseId(id, 'recipient'));
  }

  @Query(() => RecipientConnection)
  @Roles(...READERS)
  async recipients(
    @Ctx() ctx: GatewayContext,
    @Arg('kind', () => RecipientKind, { nullable: true }) kind?: RecipientKind,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const qb = ctx.dataSource.getRepository(Recipient).createQueryBuilder('r');
    if (kind) qb.andWhere('r.kind = :kind', { kind });
    return idPage(qb, { first, after }, ctx.config.graphql.maxPageSize);
  }

  @FieldResolver(() => DisclosureConnection)
  async disclosures(@Root() r: RecipientType, @Args({ validate: false }) args: DisclosurePageArgsInput, @Ctx() ctx: GatewayContext) {
    const { loaderArgs, key, take } = disclosurePageArgs(args, ctx.config.graphql.maxPageSize);
    const rows = take === 0 ? [] : await ctx.loaders.of(disclosuresByRecipientLoader(loaderArgs), key).load(r.id);
    return disclosureConnection(rows, take);
  }

  @Mutation(() => RecipientType)
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  registerRecipient(@Arg('input') input: RegisterRecipientInput, @Ctx() ctx: GatewayContext) {
    return useCases.registerRecipient(ctx.run, ctx.actor!, input);
  }

  @Mutation(() => RecipientType)
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  updateRecipient(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateRecipientInput, @Ctx() ctx: GatewayContext) {
    const recipientId = parseId(id, 'recipient');
    const fields = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    return useCases.updateRecipient(ctx.run, ctx.actor!, recipientId, fields);
  }
}
