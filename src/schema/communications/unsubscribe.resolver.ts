import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { useCases } from '../../domain/use-cases';
import { unsubscribeLinkActor } from '../../domain/communications.service';
import { ALL_ROLES, PUBLIC, Roles } from '../auth';
import type { GatewayContext } from '../context';
import { UnsubscribeResultType } from './unsubscribe.type';

@Resolver()
export class UnsubscribeResolver {
  @Mutation(() => UnsubscribeResultType, {
    description: 'Withdraws the consent a signed unsubscribe link names (source UNSUBSCRIBE_LINK). The token is the credential: no bearer token is needed. Idempotent.',
  })
  @Roles(PUBLIC, ...ALL_ROLES)
  unsubscribe(@Arg('token') token: string, @Ctx() ctx: GatewayContext): Promise<UnsubscribeResultType> {
    // Audited as the link (a staff token, if any, is recorded as the one who followed it).
    const actor = ctx.actor ?? unsubscribeLinkActor;
    return useCases.unsubscribe(ctx.run, ctx.config.communications, token, actor);
  }
}
