import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { useCases } from '../../domain/use-cases';
import { Role } from '../../entities/enums';
import { Roles } from '../auth';
import type { GatewayContext } from '../context';
import { parseId } from '../pagination';
import { RecordConsentInput } from './consent.input';
import { ConsentChangeType } from './consent.type';

@Resolver()
export class ConsentResolver {
  @Mutation(() => ConsentChangeType, { description: 'Records a person\'s consent choice for one purpose as an event in their history, and returns the resulting consent. A choice equal to the current status writes nothing (changed is false). Roles: APP, PRIVACY_OPS, ADMIN.' })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  async recordConsent(@Arg('input', { description: 'The choice to record.' }) input: RecordConsentInput, @Ctx() ctx: GatewayContext): Promise<ConsentChangeType> {
    const subjectId = parseId(input.userId, 'user');
    return useCases.recordConsent(ctx.run, ctx.actor!, {
      subjectId,
      purpose: input.purpose,
      status: input.status,
      source: input.source,
      policyVersion: input.policyVersion ?? null,
      occurredAt: input.occurredAt ?? undefined,
    });
  }
}
