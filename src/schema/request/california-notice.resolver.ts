import { ArrayMaxSize, ArrayMinSize, Matches } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, ArgsType, Args, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import { DataRequestType, Role } from '../../entities/enums';
import { FIELD_CATEGORY } from '../../domain/read-purpose.rules';
import DataLoader from 'dataloader';
import { noticeAnswers, renderedNotice, type CaliforniaNotice, type NoticeAnswer, type OpenedNotices } from '../../domain/california-notice.service';
import { useCases } from '../../domain/use-cases';
import { SubjectStatus } from '../../entities/enums';
import { defineLoader, type LoaderRegistry } from '../loaders/loader-registry';
import { subjectLoader } from '../loaders/subject.loader';
import { Roles } from '../auth';
import { presented, type GatewayContext } from '../context';
import { parseId } from '../pagination';
import { UserType } from '../user/user.type';
import { DataRequestObject, DataRequestReceiptType } from './data-request.type';
import { requestsBySubjectLoader } from './data-request.resolver';

enum NoticeChannelEnum {
  DESIGNATED = 'DESIGNATED',
  OTHER = 'OTHER',
}
registerEnumType(NoticeChannelEnum, {
  name: 'NoticeChannel',
  description: 'DESIGNATED: the address or channel the company designated (30 days); OTHER: anywhere else (150 days).',
  valuesConfig: {
    DESIGNATED: { description: 'Received at the address or channel the company designated for these requests: the answer is due 30 days after receipt.' },
    OTHER: { description: 'Received anywhere else: the answer is due within 150 days of receipt.' },
  },
});

@ObjectType('NoticeRecipient', { simpleResolvers: true, description: 'A third party or affiliate named in a Shine-the-Light answer, as recorded when the notice was compiled.' })
class NoticeRecipientType {
  @Field({ description: 'The recipient\'s name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Its postal address; null if none was on record when the notice was compiled.' })
  postalAddress!: string | null;

  @Field(() => String, { nullable: true, description: 'Products or services it markets, where the name does not tell.' })
  businessDescription!: string | null;
}

@ObjectType('CaliforniaNotice', { simpleResolvers: true, description: 'A Shine-the-Light answer (Cal. Civ. Code 1798.83).' })
class CaliforniaNoticeType {
  @Field({ description: 'The calendar year covered: the one before the request was received.' })
  year!: number;

  @Field(() => [String], { description: 'Statutory categories, each once, in the statute’s order.' })
  categories!: string[];

  @Field(() => [NoticeRecipientType], { description: 'Every third party and affiliate that received the customer\'s information of those categories for its own direct marketing during the year; empty when none did.' })
  recipients!: NoticeRecipientType[];

  @Field({ description: 'True when nothing of the statute\'s categories was disclosed for direct marketing during the year; the letter then says exactly that.' })
  noDisclosures!: boolean;

  @Field({ description: 'The letter as plain text. It greets the person by their current name (no name once they are erased), so reading it is recorded in the access log.' })
  text!: string;

  @Field({ description: 'The same letter as HTML.' })
  html!: string;
}

@ArgsType()
class NoticeArgs {
  @Field(() => NoticeChannelEnum, { description: 'Where the request arrived, which sets its deadline (30 or 150 days).' })
  channel!: NoticeChannelEnum;

  @Field(() => Date, { nullable: true, description: 'When the request arrived (ISO 8601 date-time), not in the future; defaults to now. The deadline runs from it, and the notice covers the California calendar year before it.' })
  receivedAt?: Date | null;
}

@ArgsType()
class ManyNoticeArgs extends NoticeArgs {
  @Field(() => [ID], { description: 'The customers asking: 1 to 10,000 user ids (a repeated id counts once); an unknown id fails the whole call.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @Matches(/^[1-9]\d{0,9}$/, { each: true, message: 'userIds must be positive integer ids' })
  userIds!: string[];
}

async function open(ctx: GatewayContext, subjectIds: number[], args: NoticeArgs, field: string): Promise<OpenedNotices> {
  const outcome = await useCases.requestCaliforniaNotices(ctx.run, ctx.actor!, { subjectIds, channel: args.channel, receivedAt: args.receivedAt ?? new Date() });
  return presented(ctx, outcome, field, (opened) => `${opened.toCompile.length} notice request(s)`);
}

/** DataRequest.notice and .result of Shine-the-Light requests: one statement for every request on the page. */
export const noticeAnswerLoader = defineLoader('noticeAnswer', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, NoticeAnswer | null>(async (ids) => {
    const answers = await noticeAnswers(dataSource.manager, ids);
    return ids.map((id) => answers.get(id) ?? null);
  }));

const answerOf = (request: DataRequestObject, ctx: GatewayContext): Promise<NoticeAnswer | null> =>
  request.type === DataRequestType.CALIFORNIA_NOTICE ? ctx.loaders.of(noticeAnswerLoader).load(request.id) : Promise.resolve(null);

@Resolver(() => DataRequestObject)
export class CaliforniaNoticeResolver {
  @FieldResolver(() => GraphQLJSONObject, { nullable: true, description: 'What was done: rows erased per table, hold ids, or the notice.' })
  async result(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext): Promise<Record<string, unknown> | null> {
    // A compiled notice is stored as its own row (california_notice_answers), shown here as before.
    const answer = await answerOf(request, ctx);
    if (answer) return { ...(request.result ?? {}), notice: answer.notice, delivery: answer.delivery };
    // An access package run's lease is bookkeeping, not a result.
    if (request.type === DataRequestType.ACCESS && request.result && 'run' in request.result) {
      const { run: _lease, ...rest } = request.result;
      return Object.keys(rest).length > 0 ? rest : null;
    }
    return request.result;
  }

  @Mutation(() => DataRequestReceiptType, {
    description: 'A California customer asks what went to third parties for their direct marketing last year: opens a CALIFORNIA_NOTICE request and queues its compilation. A user who is erased, is not a California resident, or already had an answered request received in the same California calendar year gets a REJECTED request (reasonCode SUBJECT_ERASED, NOT_CALIFORNIA_RESIDENT or ALREADY_ANSWERED_THIS_YEAR); an open request is returned instead. Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  async requestCaliforniaNotice(@Arg('userId', () => ID, { description: 'The customer asking.' }) userId: string, @Args() args: NoticeArgs, @Ctx() ctx: GatewayContext) {
    const subjectId = parseId(userId, 'user');
    const opened = await open(ctx, [subjectId], args, 'requestCaliforniaNotice');
    const request = opened.requests[0]!;
    return { request, created: opened.createdIds.includes(request.id) };
  }

  @Mutation(() => [DataRequestObject], {
    description: 'Annual volume: many requests at once, by the rules of requestCaliforniaNotice, compiled in chunks by the california-notice workers. Returns one request per distinct user, in ascending user id order. Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  async requestCaliforniaNotices(@Args() args: ManyNoticeArgs, @Ctx() ctx: GatewayContext) {
    const ids = args.userIds.map((id) => parseId(id, 'user'));
    return (await open(ctx, ids, args, 'requestCaliforniaNotices')).requests;
  }

  @FieldResolver(() => CaliforniaNoticeType, { nullable: true, description: 'The compiled notice of a California notice request; null for other types and until it is compiled.' })
  async notice(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext): Promise<CaliforniaNotice | null> {
    const answer = await answerOf(request, ctx);
    if (!answer) return null;
    // The letter greets the person by their current name (none once erased), as the email does.
    const subject = await ctx.loaders.of(subjectLoader).load(request.subjectId);
    const addressee = subject && subject.status !== SubjectStatus.ERASED ? subject.name : null;
    // The letter names the person: a read of their name, logged.
    if (addressee) ctx.access.note(request.subjectId, FIELD_CATEGORY.name);
    return renderedNotice(answer.notice, addressee, ctx.config.company.name);
  }
}

@Resolver(() => UserType)
export class UserNoticesResolver {
  @FieldResolver(() => [DataRequestObject], { description: 'This user\'s California notice (Shine-the-Light) requests, oldest first.' })
  async californiaNotices(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    const all = await ctx.loaders.of(requestsBySubjectLoader).load(user.id);
    return all.filter((r) => r.type === DataRequestType.CALIFORNIA_NOTICE);
  }
}
