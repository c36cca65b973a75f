import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PolicyNoticeChannel } from '../../entities/policy-notice.entity';

registerEnumType(PolicyNoticeChannel, {
  name: 'PolicyNoticeChannel',
  description: 'EMAIL: sent through the outbox; POSTED: the posted policy stands as notice.',
  valuesConfig: {
    EMAIL: { description: 'Emailed (through the outbox) to a user who has an email address and receives legal-notice emails.' },
    POSTED: { description: 'No email: the user has no address or withdrew LEGAL_NOTICE_EMAIL, or acknowledged the version before any notice; the posted policy stands as notice.' },
  },
});

@ObjectType('PolicyNoticeCounts', { simpleResolvers: true, description: 'Notices on record for a version, as the fan-out job progresses.' })
export class PolicyNoticeCountsType {
  @Field(() => Int, { description: 'Users notified by email so far.' })
  emailed!: number;

  @Field(() => Int, { description: 'Users for whom the posted policy stands as notice so far.' })
  posted!: number;

  @Field(() => Int, { description: 'Users who acknowledged the version, whichever way they were notified.' })
  acknowledged!: number;
}

@ObjectType('PolicyVersion', { simpleResolvers: true, description: 'A published version of the privacy policy.' })
export class PolicyVersionType {
  @Field(() => ID, { description: 'The version\'s id.' })
  id!: number;

  @Field({ description: 'The version label as published; unique.' })
  version!: string;

  @Field({ description: 'When this version governs (ISO 8601 date-time, UTC).' })
  effectiveAt!: Date;

  @Field({ description: 'What changed, in plain words, as sent in the notice email.' })
  summary!: string;

  @Field({ description: 'Where the full policy is posted (absolute http(s) URL).' })
  url!: string;

  @Field({ description: 'When it was published (ISO 8601 date-time, UTC).' })
  publishedAt!: Date;

  @Field({ description: 'The token subject that published it.' })
  publishedBy!: string;
}

@ObjectType('PolicyNotice', { simpleResolvers: true, description: 'The notice of one policy version to one user.' })
export class PolicyNoticeType {
  @Field({ description: 'The label of the policy version the notice is of.' })
  version!: string;

  @Field(() => PolicyNoticeChannel, { description: 'How the user was told.' })
  channel!: PolicyNoticeChannel;

  @Field({ description: 'When the notice was recorded, its email queued or the posted notice counted (ISO 8601 date-time, UTC); for a user who acknowledged before any notice, the acknowledgement\'s time.' })
  notifiedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the user acknowledged the version (ISO 8601 date-time, UTC); the first acknowledgement stands. Null if they have not.' })
  acknowledgedAt!: Date | null;
}
