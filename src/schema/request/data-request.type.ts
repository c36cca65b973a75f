import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { DataRequestStatus, DataRequestType, VerificationLevel, VerificationMethod } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('DataRequest', { simpleResolvers: true, description: 'A request a person made about their data, with its deadlines and result.' })
export class DataRequestObject {
  @Field(() => ID)
  id!: number;

  @Field(() => DataRequestType)
  type!: DataRequestType;

  @Field(() => DataRequestStatus)
  status!: DataRequestStatus;

  @Field()
  channel!: string;

  @Field()
  receivedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Receipt must be confirmed by then (10 business days).' })
  acknowledgeDueAt!: Date | null;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field({ description: 'The answer is due by then (45 days; 90 with the one extension).' })
  dueAt!: Date;

  @Field(() => Date, { nullable: true })
  extendedAt!: Date | null;

  @Field(() => String, { nullable: true })
  extensionReason!: string | null;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Field()
  overdue!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it was rejected or blocked, e.g. LEGAL_HOLD_ACTIVE.' })
  reasonCode!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What was done: rows erased per table, hold ids, or the notice.' })
  result!: Record<string, unknown> | null;

  @Field(() => VerificationMethod, { nullable: true, description: 'How the person was verified; null on requests recorded before verification was.' })
  verificationMethod!: VerificationMethod | null;

  @Field(() => VerificationLevel, { nullable: true, description: 'The level the full answer needs.' })
  verificationRequired!: VerificationLevel | null;

  subjectId!: number;
}

export const DataRequestConnection = ConnectionType('DataRequest', DataRequestObject);

@ObjectType('DataRequestReceipt', { simpleResolvers: true })
export class DataRequestReceiptType {
  @Field(() => DataRequestObject)
  request!: DataRequestObject;

  @Field({ description: 'False when an open request for this user was returned instead of a new one.' })
  created!: boolean;
}
