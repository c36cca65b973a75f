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
  @FieldResolver(() => [DataCategoryType], { description: 'The data categories the disclosure carried; at least one.' })
  categories(@Root() d: DisclosureType & { categories?: DataCategoryType[] }, @Ctx() ctx: GatewayContext) {
    return d.categories ?? ctx.loaders.of(categoriesByDisclosureLoader).load(d.id);
  }

  @FieldResolver(() => RecipientType, { description: 'Who received the data.' })
  recipient(@Root() d: DisclosureType & { recipient?: RecipientType }, @Ctx() ctx: GatewayContext) {
    return d.recipient ?? ctx.loaders.of(recipientLoader).load(d.recipientId);
  }

  @FieldResolver(() => UserType, { nullable: true, description: 'The user the data was about. Null for aggregate or anonymized disclosures, after erasure unlinked them, and (to read purposes other than SECURITY) when the user is RESTRICTED.' })
  async user(@Root() d: DisclosureType, @Ctx() ctx: GatewayContext) {
    return d.subjectId === null ? null : ctx.loaders.of(subjectLoader).load(d.subjectId);
  }

  @Mutation(() => DisclosureType, { description: 'Records that data was shared with a recipient, after checking it against the policy (allowed purposes, consent, GPC opt-out, the rules of each recipient kind), and returns the disclosure. Roles: APP, PRIVACY_OPS, ADMIN; an APP token sees the answer only under purpose SERVICE, SUPPORT or SECURITY (otherwise the disclosure stands and the answer is refused).' })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  async recordDisclosure(@Arg('input', { description: 'The disclosure to record.' }) input: RecordDisclosureInput, @Ctx() ctx: GatewayContext) {
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
