import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../entities/enums';
import { recordConsent } from '../../domain/consent.service';
import { inTransaction } from '../../domain/transaction';
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
    return inTransaction(ctx.dataSource, (em) =>
      recordConsent(em, ctx.actor!, {
        subjectId,
        purpose: input.purpose,
        status: input.status,
        source: input.source,
        policyVersion: input.policyVersion ?? null,
        occurredAt: input.occurredAt ?? undefined,
      }),
    );
  }
}
