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
  @Mutation(() => ConsentChangeType, { description: 'Appends a consent event; the current state follows from it.' })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  async recordConsent(@Arg('input') input: RecordConsentInput, @Ctx() ctx: GatewayContext): Promise<ConsentChangeType> {
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
