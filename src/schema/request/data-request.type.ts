import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { DataRequestStatus, DataRequestType, VerificationLevel, VerificationMethod } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('DataRequest', { simpleResolvers: true, description: 'A request a person made about their data, with its deadlines and result.' })
export class DataRequestObject {
  @Field(() => ID, { description: 'The request\'s id, also the reference quoted to the person in every letter about it.' })
  id!: number;

  @Field(() => DataRequestType, { description: 'What the person asked for: deletion, a child\'s deletion, access, correction or a California notice.' })
  type!: DataRequestType;

  @Field(() => DataRequestStatus, { description: 'Where the request stands now.' })
  status!: DataRequestStatus;

  @Field({ description: 'How the request came in, one upper-case word: e.g. WEB_FORM, EMAIL or PHONE; DESIGNATED or OTHER for a California notice; CHILD_FLAG for a child\'s deletion.' })
  channel!: string;

  @Field({ description: 'When the request was received (ISO 8601 date-time, UTC); its deadlines run from it.' })
  receivedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Receipt must be confirmed by then: the end, in California time, of the 10th business day after receipt (ISO 8601 date-time, UTC). Null for California notice requests, which have no such deadline.' })
  acknowledgeDueAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When receipt was confirmed (ISO 8601 date-time, UTC); requests are acknowledged as they are recorded. Null if it never was.' })
  acknowledgedAt!: Date | null;

  @Field({ description: 'The answer is due by then (ISO 8601 date-time, UTC; the end of the last day in California time): 45 days after receipt for a deletion, access or correction (90 with the one extension), at once for a child\'s deletion, 30 or 150 days for a California notice (see NoticeChannel).' })
  dueAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the one 45-day extension was granted (ISO 8601 date-time, UTC); null if the deadline was not extended.' })
  extendedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The reason given for the extension, which the person was sent; null if the deadline was not extended.' })
  extensionReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the request was closed, completed or rejected (ISO 8601 date-time, UTC); null while it is open, PARTIALLY_COMPLETED included.' })
  completedAt!: Date | null;

  @Field({ description: 'True once the request was found still open after dueAt (a periodic check, so it can lag dueAt briefly). It stays true after the request closes; an extension recomputes it.' })
  overdue!: boolean;

  @Field(() => String, { nullable: true, description: 'A code for why the request was rejected, blocked, limited or is waiting, e.g. NOT_VERIFIED, SUBJECT_ERASED, LEGAL_HOLD_ACTIVE, CATEGORIES_ONLY, LETTER_QUEUED; null when none applies.' })
  reasonCode!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What was done, as a JSON object whose keys depend on the type: e.g. rows erased per table and what is kept for a deletion, the corrected and rejected fields for a correction, the package\'s scope for an access request, the notice for a California notice. Null until something is recorded.' })
  result!: Record<string, unknown> | null;

  @Field(() => VerificationMethod, { nullable: true, description: 'How the person was verified; null on California notice requests (which need none), on deletions opened without one, and on requests recorded before verification was.' })
  verificationMethod!: VerificationMethod | null;

  @Field(() => VerificationLevel, { nullable: true, description: 'The level of verification the full answer needs; null on California notice requests and on requests recorded before verification was.' })
  verificationRequired!: VerificationLevel | null;

  subjectId!: number;
}

export const DataRequestConnection = ConnectionType('DataRequest', DataRequestObject);

@ObjectType('DataRequestReceipt', { simpleResolvers: true, description: 'The answer to opening a request: the request, and whether this call created it.' })
export class DataRequestReceiptType {
  @Field(() => DataRequestObject, { description: 'The request opened now, or the one already open for this user and type, returned instead.' })
  request!: DataRequestObject;

  @Field({ description: 'False when an open request for this user was returned instead of a new one.' })
  created!: boolean;
}
