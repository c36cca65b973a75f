import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LegalHoldStatus } from '../../entities/enums';
import { ConnectionType } from '../../schema/pagination';
import '../../schema/enums';
import { PreservationStatus } from './hold-preservation.entity';
import { PreservedRecordType } from './preserved-record.entity';

registerEnumType(PreservationStatus, { name: 'PreservationStatus' });
registerEnumType(PreservedRecordType, { name: 'PreservedRecordType' });

@ObjectType('HoldPreservation', { simpleResolvers: true, description: 'Progress of the snapshot of a hold’s data.' })
export class HoldPreservationType {
  @Field(() => PreservationStatus)
  status!: PreservationStatus;

  @Field(() => Int)
  subjectsTotal!: number;

  @Field(() => Int)
  subjectsDone!: number;

  @Field(() => Int)
  recordsPreserved!: number;

  @Field()
  updatedAt!: Date;
}

@ObjectType('LegalHold', { simpleResolvers: true, description: 'A hold placed by legal: preserves data as it was and blocks its deletion.' })
export class LegalHoldType {
  @Field(() => ID)
  id!: number;

  @Field()
  matter!: string;

  @Field()
  caseReference!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => LegalHoldStatus)
  status!: LegalHoldStatus;

  @Field(() => [String], { description: 'Data categories in scope; empty means all.' })
  categories!: string[] | null;

  @Field(() => Date, { nullable: true })
  scopeFrom!: Date | null;

  @Field(() => Date, { nullable: true })
  scopeUntil!: Date | null;

  @Field()
  placedBy!: string;

  @Field()
  placedAt!: Date;

  @Field(() => String, { nullable: true })
  releasedBy!: string | null;

  @Field(() => Date, { nullable: true })
  releasedAt!: Date | null;

  @Field(() => String, { nullable: true })
  releaseReason!: string | null;
}

export const LegalHoldConnection = ConnectionType('LegalHold', LegalHoldType);

@ObjectType('PreservedRecord', { simpleResolvers: true, description: 'A copy of one record as it was when the hold was placed.' })
export class PreservedRecordType_ {
  @Field(() => ID)
  id!: number;

  @Field(() => PreservedRecordType)
  recordType!: PreservedRecordType;

  @Field(() => ID)
  recordId!: number;

  @Field(() => ID)
  subjectId!: number;

  @Field({ description: 'Canonical JSON of the record.' })
  content!: string;

  @Field({ description: 'SHA-256 of content, taken when preserved.' })
  sha256!: string;

  @Field()
  preservedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it will be purged, once no active hold covers its subject.' })
  purgeAfter!: Date | null;
}

export const PreservedRecordConnection = ConnectionType('PreservedRecord', PreservedRecordType_);

@ObjectType('LegalHoldScopeChange', { simpleResolvers: true })
export class LegalHoldScopeChangeType {
  @Field(() => LegalHoldType)
  hold!: LegalHoldType;

  @Field(() => [ID], { description: 'Subjects added to the hold by this call.' })
  addedSubjectIds!: number[];

  @Field(() => [ID], { description: 'Subjects that were already erased: nothing left to preserve.' })
  alreadyErasedSubjectIds!: number[];

  @Field({ description: 'True when a job snapshots the data (large scopes); see LegalHold.preservation.' })
  snapshotQueued!: boolean;
}

@ObjectType('LegalHoldRelease', { simpleResolvers: true })
export class LegalHoldReleaseType {
  @Field(() => LegalHoldType)
  hold!: LegalHoldType;

  @Field(() => [ID], { description: 'Subjects no other active hold covers any more.' })
  freedSubjectIds!: number[];
}

@ObjectType('PreservationReport', { simpleResolvers: true })
export class PreservationReportType {
  @Field(() => ID)
  holdId!: number;

  @Field()
  valid!: boolean;

  @Field(() => Int)
  recordsChecked!: number;

  @Field(() => [ID], { description: 'Records whose content, hash or keyed MAC does not verify.' })
  mismatchedRecordIds!: number[];

  @Field(() => Int, { description: 'How many records the hold’s seal says are preserved (purged ones taken off).' })
  recordsSealed!: number;

  @Field({ description: 'The seal verifies under the key, which is not in the database.' })
  sealValid!: boolean;

  @Field({ description: 'The records found are exactly the sealed set: none deleted, none inserted.' })
  setMatchesSeal!: boolean;
}

const ID_PATTERN = /^[1-9]\d{0,9}$/;

@InputType()
export class PlaceLegalHoldInput {
  @Field()
  @Length(1, 200)
  matter!: string;

  @Field()
  @Length(1, 200)
  caseReference!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2000)
  description?: string | null;

  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @Matches(ID_PATTERN, { each: true, message: 'subjectIds must be positive integer ids' })
  subjectIds!: string[];

  @Field(() => [String], { nullable: true, description: 'fideslang keys; omit for all categories.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Length(1, 100, { each: true })
  categories?: string[] | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  until?: Date | null;
}
