import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../../entities/enums';
import { useCases } from '../../domain/use-cases';
import { Roles } from '../auth';
import { presented, type GatewayContext } from '../context';
import { DataCategoryType } from '../category/data-category.type';
import { categoriesByDisclosureLoader } from '../loaders/category.loader';
import { recipientLoader } from '../loaders/recipient.loader';
import { subjectLoader } from '../loaders/subject.loader';
import { parseId } from '../pagination';
import { RecipientType } from '../recipient/recipient.type';
import { UserType } from '../user/user.type';
import { RecordDisclosureInput } from './disclosure.input';
import { DisclosureType } from './disclosure.type';

@Resolver(() => DisclosureType)
export class DisclosureResolver {
  // Disclosures read through the page loaders arrive with categories and recipient attached;
  // returning them as they are keeps a page free of a promise per row.
  @FieldResolver(() => [DataCategoryType])
  categories(@Root() d: DisclosureType & { categories?: DataCategoryType[] }, @Ctx() ctx: GatewayContext) {
    return d.categories ?? ctx.loaders.of(categoriesByDisclosureLoader).load(d.id);
  }

  @FieldResolver(() => RecipientType)
  recipient(@Root() d: DisclosureType & { recipient?: RecipientType }, @Ctx() ctx: GatewayContext) {
    return d.recipient ?? ctx.loaders.of(recipientLoader).load(d.recipientId);
  }

  @FieldResolver(() => UserType, { nullable: true, description: 'Null for aggregate disclosures and after erasure unlinked them.' })
  async user(@Root() d: DisclosureType, @Ctx() ctx: GatewayContext) {
    return d.subjectId === null ? null : ctx.loaders.of(subjectLoader).load(d.subjectId);
  }

  @Mutation(() => DisclosureType, { description: 'Records a disclosure after checking it against the policy.' })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  async recordDisclosure(@Arg('input') input: RecordDisclosureInput, @Ctx() ctx: GatewayContext) {
    const subjectId = input.userId ? parseId(input.userId, 'user') : null;
    const recipientId = parseId(input.recipientId, 'recipient');
    const outcome = await useCases.recordDisclosure(ctx.run, ctx.hooks, ctx.actor!, {
      subjectId,
      recipientId,
      purpose: input.purpose,
      categories: input.categories,
      identifiable: input.identifiable ?? undefined,
      transactionReference: input.transactionReference ?? null,
      occurredAt: input.occurredAt ?? undefined,
    });
    return presented(ctx, outcome, 'recordDisclosure', (d) => `disclosure ${d.id}`);
  }
}
