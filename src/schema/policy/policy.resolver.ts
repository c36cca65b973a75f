import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { useCases } from '../../domain/use-cases';
import { Role } from '../../entities/enums';
import { PolicyVersion } from '../../entities/policy-version.entity';
import { ALL_ROLES, Roles } from '../auth';
import { presented, type GatewayContext } from '../context';
import { parseId } from '../pagination';
import { UserType } from '../user/user.type';
import { PublishPolicyVersionInput } from './policy.input';
import { noticeCountsByVersionLoader, policyNoticesBySubjectLoader } from './policy-notice.loader';
import { PolicyNoticeCountsType, PolicyNoticeType, PolicyVersionType } from './policy.type';

@Resolver(() => PolicyVersionType)
export class PolicyResolver {
  @Query(() => [PolicyVersionType], { description: 'Every published version, newest first (by publishedAt). The policy is public: any role may read it (APP, LEGAL, MNA, PRIVACY_OPS, ADMIN), with a bearer token.' })
  @Roles(...ALL_ROLES)
  policyVersions(@Ctx() ctx: GatewayContext) {
    return ctx.dataSource.getRepository(PolicyVersion).find({ order: { publishedAt: 'DESC', id: 'DESC' } });
  }

  @Mutation(() => PolicyVersionType, {
    description: 'Publishes a version and fans out notices by job: email to active users who receive legal notices, a posted notice for the rest. Publishing the same version and content again resumes the fan-out; other content under a published version is refused (VERSION_EXISTS). Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(Role.PRIVACY_OPS, Role.ADMIN)
  async publishPolicyVersion(@Arg('input', { description: 'The version to publish.' }) input: PublishPolicyVersionInput, @Ctx() ctx: GatewayContext) {
    const outcome = await useCases.publishPolicy(ctx.run, ctx.actor!, input);
    return presented(ctx, outcome, 'publishPolicyVersion', ({ policy }) => `policy version ${policy.version}`).policy;
  }

  @Mutation(() => PolicyNoticeType, {
    description: 'Records that a user acknowledged a policy version; the first acknowledgement stands. Roles: APP, PRIVACY_OPS, ADMIN; an APP token sees the answer only under purpose SERVICE or SUPPORT (otherwise the acknowledgement stands and the answer is refused).',
  })
  @Roles(Role.APP, Role.PRIVACY_OPS, Role.ADMIN)
  async acknowledgePolicy(
    @Arg('userId', () => ID, { description: 'The user who acknowledged.' }) userId: string,
    @Arg('version', { description: 'The label of the version acknowledged, as published.' }) version: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<PolicyNoticeType> {
    const subjectId = parseId(userId, 'user');
    const notice = await useCases.acknowledgePolicy(ctx.run, ctx.actor!, subjectId, version);
    return { version, channel: notice.channel, notifiedAt: notice.notifiedAt, acknowledgedAt: notice.acknowledgedAt };
  }

  @FieldResolver(() => PolicyNoticeCountsType, { description: 'How many notices of this version are on record so far, by channel, and how many were acknowledged.' })
  notices(@Root() policy: PolicyVersionType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(noticeCountsByVersionLoader).load(policy.id);
  }
}

@Resolver(() => UserType)
export class UserPolicyNoticesResolver {
  @FieldResolver(() => [PolicyNoticeType], { description: 'Notices of policy versions, oldest version first.' })
  policyNotices(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
    return ctx.loaders.of(policyNoticesBySubjectLoader).load(user.id);
  }
}
