import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../pagination';

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'One audited state change, linked to the one before by its hash.' })
export class AuditEventType {
  @Field(() => ID)
  id!: number;

  @Field(() => Int)
  seq!: number;

  @Field()
  occurredAt!: Date;

  @Field()
  actor!: string;

  @Field()
  action!: string;

  @Field()
  entityType!: string;

  @Field(() => String, { nullable: true })
  entityId!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  details!: Record<string, unknown> | null;

  @Field()
  prevHash!: string;

  @Field()
  hash!: string;
}

export const AuditEventConnection = ConnectionType('AuditEvent', AuditEventType);

@ObjectType('AuditChainReport', { simpleResolvers: true })
export class AuditChainReportType {
  @Field()
  valid!: boolean;

  @Field(() => Int)
  eventsChecked!: number;

  @Field(() => Int, { nullable: true, description: 'Position of the first event that does not verify.' })
  brokenAtSeq!: number | null;

  @Field(() => ID, { nullable: true })
  brokenEventId!: number | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => Int, { description: 'Signed checkpoints, published outside the database, the chain was checked against.' })
  checkpointsChecked!: number;

  @Field(() => Int, { nullable: true, description: 'The newest signed checkpoint: what was written after it rests on the hashes alone.' })
  lastCheckpointSeq!: number | null;
}
