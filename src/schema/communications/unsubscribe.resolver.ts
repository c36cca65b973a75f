import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { useCases } from '../../domain/use-cases';
import { unsubscribeLinkActor } from '../../domain/communications.service';
import { ALL_ROLES, PUBLIC, Roles } from '../auth';
import type { GatewayContext } from '../context';
import { UnsubscribeResultType } from './unsubscribe.type';

@Resolver()
export class UnsubscribeResolver {
  @Mutation(() => UnsubscribeResultType, {
    description: 'Withdraws the consent a signed unsubscribe link names (source UNSUBSCRIBE_LINK). The token is the credential: no bearer token is needed (PUBLIC), though any role may call it too and an invalid bearer token is still refused. Idempotent.',
  })
  @Roles(PUBLIC, ...ALL_ROLES)
  unsubscribe(@Arg('token', { description: 'The signed token from the link\'s `token` parameter; a forged or expired one is refused and nothing changes.' }) token: string, @Ctx() ctx: GatewayContext): Promise<UnsubscribeResultType> {
    // Audited as the link (a staff token, if any, is recorded as the one who followed it).
    const actor = ctx.actor ?? unsubscribeLinkActor;
    return useCases.unsubscribe(ctx.run, ctx.config.communications, token, actor);
  }
}
