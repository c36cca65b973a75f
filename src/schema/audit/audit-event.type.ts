import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../pagination';

@ObjectType('AuditEvent', { simpleResolvers: true, description: 'One audited state change, linked to the one before by its hash.' })
export class AuditEventType {
  @Field(() => ID, { description: 'The stored row\'s id; the chain\'s order is seq.' })
  id!: number;

  @Field(() => Int, { description: 'Position in the chain: 1, 2, 3… without gaps.' })
  seq!: number;

  @Field({ description: 'When the change was recorded (ISO 8601 date-time, UTC, to the millisecond).' })
  occurredAt!: Date;

  @Field({ description: 'Who made the change: the token subject, or the name of a system actor (a worker, a link followed such as unsubscribe-link).' })
  actor!: string;

  @Field({ description: 'What happened, as a dotted code, e.g. request.received or policy.published.' })
  action!: string;

  @Field({ description: 'The kind of record changed, e.g. DataRequest, Subject or PolicyVersion.' })
  entityType!: string;

  @Field(() => String, { nullable: true, description: 'The changed record\'s id; null when the event names no single record.' })
  entityId!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Further ids and codes, as a JSON object: never personal data. Null when there are none.' })
  details!: Record<string, unknown> | null;

  @Field({ description: 'The previous event\'s hash (64 zeros before the first event), as hexadecimal SHA-256.' })
  prevHash!: string;

  @Field({ description: 'SHA-256, in hexadecimal, of this event\'s fields and prevHash: altering, deleting or reordering any event breaks the chain there.' })
  hash!: string;
}

export const AuditEventConnection = ConnectionType('AuditEvent', AuditEventType);

@ObjectType('AuditChainReport', { simpleResolvers: true, description: 'The result of re-hashing the audit chain from its first event, against its head and the signed checkpoints.' })
export class AuditChainReportType {
  @Field({ description: 'True when every event, the chain head and every signed checkpoint verify.' })
  valid!: boolean;

  @Field(() => Int, { description: 'Events that verified before the check stopped: all of them when valid.' })
  eventsChecked!: number;

  @Field(() => Int, { nullable: true, description: 'Position (seq) of the first event that does not verify; 0 when the checkpoint file itself has lines that are not signed checkpoints; null when valid.' })
  brokenAtSeq!: number | null;

  @Field(() => ID, { nullable: true, description: 'The stored id of the event that does not verify; null when valid, or when the fault is not one stored event (a chain cut short, a bad checkpoint file).' })
  brokenEventId!: number | null;

  @Field(() => String, { nullable: true, description: 'What does not verify, in words; null when valid.' })
  reason!: string | null;

  @Field(() => Int, { description: 'Signed checkpoints, published outside the database, the chain was checked against.' })
  checkpointsChecked!: number;

  @Field(() => Int, { nullable: true, description: 'The newest signed checkpoint: what was written after it rests on the hashes alone.' })
  lastCheckpointSeq!: number | null;
}
