import DataLoader from 'dataloader';
import { useCases } from '../../domain/use-cases';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { In } from 'typeorm';
import { DataRequest } from '../../entities/data-request.entity';
import { DataRequestStatus, DataRequestType, Role, VerificationMethod } from '../../entities/enums';
import { OPEN_STATUSES } from '../../domain/data-request.service';
import { badInput } from '../../domain/errors';
import { Roles } from '../auth';
import { presented, type GatewayContext } from '../context';
import { defineLoader, groupBy, type LoaderRegistry } from '../loaders/loader-registry';
import { subjectLoader } from '../loaders/subject.loader';
import { idPage, parseId } from '../pagination';
import { UserType } from '../user/user.type';
import { DataRequestConnection, DataRequestObject, DataRequestReceiptType } from './data-request.type';
import { RequestMessageType } from './request-message.type';
import { AuditEvent } from '../../entities/audit-event.entity';
import { AuditEventType } from '../audit/audit-event.type';
import { OutboxChannel, OutboxStatus } from '../../entities/outbox-message.entity';
import { FIELD_CATEGORY } from '../../domain/read-purpose.rules';
import { BODY_CARRIES_A_CREDENTIAL, BODY_NAMES_A_PERSON } from '../../domain/outbox.service';

const OPS = [Role.PRIVACY_OPS, Role.ADMIN];

const FIRST = 'Page size: how many requests to return, from 0 to GRAPHQL_MAX_PAGE_SIZE (100 unless configured); defaults to 20, or the maximum if lower. A larger value is refused.';
const AFTER = 'An opaque cursor, the endCursor of the previous page: the page starts after it. Omit it for the first page.';
const CHANNEL = 'How the request came in: one word of letters and underscores, 2 to 40 characters, stored upper-case (e.g. WEB_FORM, EMAIL, PHONE).';

export const requestsBySubjectLoader = defineLoader('requestsBySubject', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, DataRequest[]>(async (ids) =>
    groupBy(ids, await dataSource.getRepository(DataRequest).find({ where: { subjectId: In([...ids]) }, order: { id: 'ASC' } }), (r) => r.subjectId),
  ));

/** The messages of each request on a page, oldest first: one statement per page. */
export const messagesByRequestLoader = defineLoader('messagesByRequest', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, RequestMessageType[]>(async (ids) => {
    // A body that names the person to a recipient, or carries a one-time link or corrected values,
    // is never read out here, delivered or not: it is for its addressee alone.
    const rows: { id: number; kind: string; channel: OutboxChannel; status: OutboxStatus; recipientId: number | null; subject: string; text: string; createdAt: Date; sentAt: Date | null; requestId: number; withheld: number }[] = await dataSource.query(
      `SELECT id, kind, channel, status, recipient_id AS recipientId, subject, IF(kind IN (?), '', text_body) AS text, kind IN (?) AS withheld,
              created_at AS createdAt, sent_at AS sentAt, data_request_id AS requestId
         FROM outbox_messages WHERE data_request_id IN (?) ORDER BY id`,
      [WITHHELD_KINDS, WITHHELD_KINDS, [...ids]],
    );
    // Every message is written with a body; an empty one that is not withheld was cleared (after delivery, or cancelled).
    return groupBy(ids, rows.map((r) => ({ ...r, withheld: Number(r.withheld) === 1, cleared: r.text === '' && Number(r.withheld) !== 1 })), (m) => m.requestId);
  }));

/** The audit events of each request on a page, in chain order: one statement per page. */
export const historyByRequestLoader = defineLoader('historyByRequest', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, AuditEvent[]>(async (ids) =>
    groupBy(ids, await dataSource.getRepository(AuditEvent).find({ where: { entityType: 'DataRequest', entityId: In(ids.map(String)) }, order: { seq: 'ASC' } }), (e) => Number(e.entityId)),
  ));

const WITHHELD_KINDS = [...BODY_NAMES_A_PERSON, ...BODY_CARRIES_A_CREDENTIAL];

@Resolver(() => DataRequestObject)
export class DataRequestResolver {
  @Query(() => DataRequestObject, { nullable: true, description: 'One request by its id; null when there is none. Roles: PRIVACY_OPS, LEGAL, ADMIN.' })
  @Roles(Role.PRIVACY_OPS, Role.LEGAL, Role.ADMIN)
  dataRequest(@Arg('id', () => ID, { description: 'The request\'s id, a positive integer.' }) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.dataSource.getRepository(DataRequest).findOneBy({ id: parseId(id, 'data request') });
  }

  @Query(() => DataRequestConnection, { description: 'Requests of every user, oldest first (by id), one page at a time; the filters given all apply. Roles: PRIVACY_OPS, LEGAL, ADMIN.' })
  @Roles(Role.PRIVACY_OPS, Role.LEGAL, Role.ADMIN)
  async dataRequests(
    @Ctx() ctx: GatewayContext,
    @Arg('type', () => DataRequestType, { nullable: true, description: 'Only requests of this type.' }) type?: DataRequestType,
    @Arg('status', () => DataRequestStatus, { nullable: true, description: 'Only requests in this status.' }) status?: DataRequestStatus,
    @Arg('overdue', () => Boolean, { nullable: true, description: 'true: only requests flagged overdue; false: only those not flagged; omitted: both.' }) overdue?: boolean,
    @Arg('first', () => Int, { nullable: true, description: FIRST }) first?: number,
    @Arg('after', () => String, { nullable: true, description: AFTER }) after?: string,
  ) {
    const qb = ctx.dataSource.getRepository(DataRequest).createQueryBuilder('r');
    if (type) qb.andWhere('r.type = :type', { type });
    if (status) qb.andWhere('r.status = :status', { status });
    if (overdue !== undefined && overdue !== null) qb.andWhere('r.overdue = :overdue', { overdue });
    return idPage(qb, { first, after }, ctx.config.graphql.maxPageSize);
  }

  @FieldResolver(() => Boolean, { description: 'True while the request still needs work (RECEIVED, ACKNOWLEDGED, IN_PROGRESS, BLOCKED_BY_HOLD, PARTIALLY_COMPLETED): the domain\'s own list, so clients need not copy it.' })
  open(@Root() request: DataRequestObject): boolean {
    return OPEN_STATUSES.includes(request.status);
  }

  @FieldResolver(() => [RequestMessageType], { description: 'The letters, emails and notices this request caused, oldest first: to the person (receipt, blocked, extended, confirmation) and to recipients (erasure notices), as they were sent, without addresses.' })
  async messages(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext) {
    const messages = await ctx.loaders.of(messagesByRequestLoader).load(request.id);
    // A letter to the person greets them by name: a read of their name, logged like the notice's.
    if (messages.some((m) => m.recipientId === null && m.text !== '')) ctx.access.note(request.subjectId, FIELD_CATEGORY.name);
    return messages;
  }

  @FieldResolver(() => [AuditEventType], { description: 'What happened to this request, from the audit log in chain order: opened, acknowledged, extended, blocked (with the holds that blocked it), completed or rejected. Details carry ids and codes, never personal data.' })
  history(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(historyByRequestLoader).load(request.id);
  }

  @FieldResolver(() => UserType, { description: 'The person the request is about; after their erasure, the tombstone of their record (status ERASED, personal fields null).' })
  user(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(subjectLoader).load(request.subjectId);
  }

  @Mutation(() => DataRequestReceiptType, {
    description: 'Opens a deletion (erasure) request for a user, emails them a receipt (when they have an address) and queues the erasure; a second one while one is open returns the open one. An erased user is refused (SUBJECT_ERASED). Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(...OPS)
  async requestErasure(
    @Arg('userId', () => ID, { description: 'The user whose data is to be deleted.' }) userId: string,
    @Arg('channel', { description: CHANNEL }) channel: string,
    @Ctx() ctx: GatewayContext,
    @Arg('verification', () => VerificationMethod, { nullable: true, description: 'How the person was verified, recorded with the request (a deletion needs REASONABLE).' }) verification?: VerificationMethod | null,
  ) {
    const subjectId = parseId(userId, 'user');
    if (channel.length > 40) throw badInput('channel is at most 40 characters', { field: 'channel' });
    const outcome = await useCases.requestErasure(ctx.run, ctx.actor!, { subjectId, type: DataRequestType.ERASURE, channel, verification });
    return presented(ctx, outcome, 'requestErasure', (opened) => `request ${opened.request.id}`);
  }

  @Mutation(() => DataRequestReceiptType, {
    description: 'The company learned it holds a child’s data: opens a CHILD_DELETION request (channel CHILD_FLAG, due at once) whose erasure runs ahead of every other job; an open one is returned instead. Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(...OPS)
  async flagChild(@Arg('userId', () => ID, { description: 'The user found to be a child under 13.' }) userId: string, @Ctx() ctx: GatewayContext) {
    const subjectId = parseId(userId, 'user');
    const outcome = await useCases.requestErasure(ctx.run, ctx.actor!, { subjectId, type: DataRequestType.CHILD_DELETION, channel: 'CHILD_FLAG' });
    return presented(ctx, outcome, 'flagChild', (opened) => `request ${opened.request.id}`);
  }

  @Mutation(() => DataRequestObject, {
    description: 'The one extension of 45 days an open deletion, access or correction request may have, counted from its due date; the person is emailed the new date and the reason (when they have an address). Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(...OPS)
  extendRequestDeadline(
    @Arg('requestId', () => ID, { description: 'The request to extend.' }) requestId: string,
    @Arg('reason', { description: 'Why more time is needed, 1 to 1000 characters; kept as extensionReason and sent to the person.' }) reason: string,
    @Ctx() ctx: GatewayContext,
  ) {
    const id = parseId(requestId, 'data request');
    if (reason.length > 1000) throw badInput('reason is at most 1000 characters', { field: 'reason' });
    return useCases.extendRequestDeadline(ctx.run, ctx.actor!, id, reason);
  }
}

@Resolver(() => UserType)
export class UserRequestsResolver {
  @FieldResolver(() => [DataRequestObject], { description: 'Every request this user made, of every type, oldest first.' })
  requests(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(requestsBySubjectLoader).load(user.id);
  }
}
