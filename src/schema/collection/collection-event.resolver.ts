import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { useCases } from '../../domain/use-cases';
import { Role } from '../../entities/enums';
import { Roles } from '../auth';
import type { GatewayContext } from '../context';
import { parseId } from '../pagination';
import { RecordCollectionEventInput } from './collection-event.input';
import { CollectionEventType } from './collection-event.type';

@Resolver()
export class CollectionEventResolver {
  @Mutation(() => CollectionEventType, { description: 'Records what the server logs collected automatically about one visit, and returns the event. Roles: APP, PRIVACY_OPS, ADMIN; an APP token sees the answer only under purpose SERVICE or SECURITY (otherwise the event stands and the answer is refused).' })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  recordCollectionEvent(@Arg('input', { description: 'The visit to record.' }) input: RecordCollectionEventInput, @Ctx() ctx: GatewayContext) {
    const subjectId = input.userId ? parseId(input.userId, 'user') : null;
    return useCases.recordCollectionEvent(ctx.run, ctx.actor!, {
      subjectId,
      ipAddress: input.ipAddress,
      latitude: input.latitude,
      longitude: input.longitude,
      geoAccuracyM: input.geoAccuracyM,
      region: input.region,
      deviceId: input.deviceId,
      cookieId: input.cookieId,
      userAgent: input.userAgent,
      page: input.page,
      dnt: input.dnt ?? false,
      gpc: input.gpc ?? false,
      occurredAt: input.occurredAt ?? undefined,
    });
  }
}
