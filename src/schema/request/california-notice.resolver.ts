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
registerEnumType(NoticeChannelEnum, { name: 'NoticeChannel', description: 'DESIGNATED: the address or channel the company designated (30 days); OTHER: anywhere else (150 days).' });

@ObjectType('NoticeRecipient', { simpleResolvers: true })
class NoticeRecipientType {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
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

  @Field(() => [NoticeRecipientType])
  recipients!: NoticeRecipientType[];

  @Field()
  noDisclosures!: boolean;

  @Field()
  text!: string;

  @Field()
  html!: string;
}

@ArgsType()
class NoticeArgs {
  @Field(() => NoticeChannelEnum)
  channel!: NoticeChannelEnum;

  @Field(() => Date, { nullable: true, description: 'When the request arrived; defaults to now.' })
  receivedAt?: Date | null;
}

@ArgsType()
class ManyNoticeArgs extends NoticeArgs {
  @Field(() => [ID])
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

  @Mutation(() => DataRequestReceiptType, { description: 'A California customer asks what went to third parties for their direct marketing last year.' })
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  async requestCaliforniaNotice(@Arg('userId', () => ID) userId: string, @Args() args: NoticeArgs, @Ctx() ctx: GatewayContext) {
    const subjectId = parseId(userId, 'user');
    const opened = await open(ctx, [subjectId], args, 'requestCaliforniaNotice');
    const request = opened.requests[0]!;
    return { request, created: opened.createdIds.includes(request.id) };
  }

  @Mutation(() => [DataRequestObject], { description: 'Annual volume: many requests at once, compiled in chunks by the california-notice workers.' })
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  async requestCaliforniaNotices(@Args() args: ManyNoticeArgs, @Ctx() ctx: GatewayContext) {
    const ids = args.userIds.map((id) => parseId(id, 'user'));
    return (await open(ctx, ids, args, 'requestCaliforniaNotices')).requests;
  }

  @FieldResolver(() => CaliforniaNoticeType, { nullable: true, description: 'The compiled notice, for a completed California notice request.' })
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
  @FieldResolver(() => [DataRequestObject])
  async californiaNotices(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    const all = await ctx.loaders.of(requestsBySubjectLoader).load(user.id);
    return all.filter((r) => r.type === DataRequestType.CALIFORNIA_NOTICE);
  }
}
