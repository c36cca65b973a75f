import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PolicyNoticeChannel } from '../../entities/policy-notice.entity';

registerEnumType(PolicyNoticeChannel, { name: 'PolicyNoticeChannel', description: 'EMAIL: sent through the outbox; POSTED: the posted policy stands as notice.' });

@ObjectType('PolicyNoticeCounts', { simpleResolvers: true, description: 'Notices on record for a version, as the fan-out job progresses.' })
export class PolicyNoticeCountsType {
  @Field(() => Int)
  emailed!: number;

  @Field(() => Int)
  posted!: number;

  @Field(() => Int)
  acknowledged!: number;
}

@ObjectType('PolicyVersion', { simpleResolvers: true, description: 'A published version of the privacy policy.' })
export class PolicyVersionType {
  @Field(() => ID)
  id!: number;

  @Field()
  version!: string;

  @Field()
  effectiveAt!: Date;

  @Field()
  summary!: string;

  @Field()
  url!: string;

  @Field()
  publishedAt!: Date;

  @Field()
  publishedBy!: string;
}

@ObjectType('PolicyNotice', { simpleResolvers: true, description: 'The notice of one policy version to one user.' })
export class PolicyNoticeType {
  @Field()
  version!: string;

  @Field(() => PolicyNoticeChannel)
  channel!: PolicyNoticeChannel;

  @Field()
  notifiedAt!: Date;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;
}
