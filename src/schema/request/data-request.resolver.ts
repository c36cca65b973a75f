import DataLoader from 'dataloader';
import { useCases } from '../../domain/use-cases';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { In } from 'typeorm';
import { DataRequest } from '../../entities/data-request.entity';
import { DataRequestStatus, DataRequestType, Role, VerificationMethod } from '../../entities/enums';
import { badInput } from '../../domain/errors';
import { Roles } from '../auth';
import { presented, type GatewayContext } from '../context';
import { defineLoader, groupBy, type LoaderRegistry } from '../loaders/loader-registry';
import { subjectLoader } from '../loaders/subject.loader';
import { idPage, parseId } from '../pagination';
import { UserType } from '../user/user.type';
import { DataRequestConnection, DataRequestObject, DataRequestReceiptType } from './data-request.type';

const OPS = [Role.PRIVACY_OPS, Role.ADMIN];

export const requestsBySubjectLoader = defineLoader('requestsBySubject', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, DataRequest[]>(async (ids) =>
    groupBy(ids, await dataSource.getRepository(DataRequest).find({ where: { subjectId: In([...ids]) }, order: { id: 'ASC' } }), (r) => r.subjectId),
  ));

@Resolver(() => DataRequestObject)
export class DataRequestResolver {
  @Query(() => DataRequestObject, { nullable: true })
  @Roles(Role.PRIVACY_OPS, Role.LEGAL, Role.ADMIN)
  dataRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.dataSource.getRepository(DataRequest).findOneBy({ id: parseId(id, 'data request') });
  }

  @Query(() => DataRequestConnection)
  @Roles(Role.PRIVACY_OPS, Role.LEGAL, Role.ADMIN)
  async dataRequests(
    @Ctx() ctx: GatewayContext,
    @Arg('type', () => DataRequestType, { nullable: true }) type?: DataRequestType,
    @Arg('status', () => DataRequestStatus, { nullable: true }) status?: DataRequestStatus,
    @Arg('overdue', () => Boolean, { nullable: true }) overdue?: boolean,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const qb = ctx.dataSource.getRepository(DataRequest).createQueryBuilder('r');
    if (type) qb.andWhere('r.type = :type', { type });
    if (status) qb.andWhere('r.status = :status', { status });
    if (overdue !== undefined && overdue !== null) qb.andWhere('r.overdue = :overdue', { overdue });
    return idPage(qb, { first, after }, ctx.config.graphql.maxPageSize);
  }

  @FieldResolver(() => UserType)
  user(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(subjectLoader).load(request.subjectId);
  }

  @Mutation(() => DataRequestReceiptType, { description: 'Opens a deletion request; a second one while one is open returns the open one.' })
  @Roles(...OPS)
  async requestErasure(
    @Arg('userId', () => ID) userId: string,
    @Arg('channel') channel: string,
    @Ctx() ctx: GatewayContext,
    @Arg('verification', () => VerificationMethod, { nullable: true, description: 'How the person was verified, recorded with the request (a deletion needs REASONABLE).' }) verification?: VerificationMethod | null,
  ) {
    const subjectId = parseId(userId, 'user');
    if (channel.length > 40) throw badInput('channel is at most 40 characters', { field: 'channel' });
    const outcome = await useCases.requestErasure(ctx.run, ctx.actor!, { subjectId, type: DataRequestType.ERASURE, channel, verification });
    return presented(ctx, outcome, 'requestErasure', (opened) => `request ${opened.request.id}`);
  }

  @Mutation(() => DataRequestReceiptType, { description: 'The company learned it holds a child’s data: delete it at once, ahead of every other job.' })
  @Roles(...OPS)
  async flagChild(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GatewayContext) {
    const subjectId = parseId(userId, 'user');
    const outcome = await useCases.requestErasure(ctx.run, ctx.actor!, { subjectId, type: DataRequestType.CHILD_DELETION, channel: 'CHILD_FLAG' });
    return presented(ctx, outcome, 'flagChild', (opened) => `request ${opened.request.id}`);
  }

  @Mutation(() => DataRequestObject, { description: 'The one extension of 45 days a deletion request may have, with its reason.' })
  @Roles(...OPS)
  extendRequestDeadline(@Arg('requestId', () => ID) requestId: string, @Arg('reason') reason: string, @Ctx() ctx: GatewayContext) {
    const id = parseId(requestId, 'data request');
    if (reason.length > 1000) throw badInput('reason is at most 1000 characters', { field: 'reason' });
    return useCases.extendRequestDeadline(ctx.run, ctx.actor!, id, reason);
  }
}

@Resolver(() => UserType)
export class UserRequestsResolver {
  @FieldResolver(() => [DataRequestObject], { description: 'Every request this user made, oldest first.' })
  requests(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(requestsBySubjectLoader).load(user.id);
  }
}
