import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LegalHoldStatus } from '../../entities/enums';
import { ConnectionType } from '../../schema/pagination';
import '../../schema/enums';
import { PreservationStatus } from './hold-preservation.entity';
import { PreservedRecordType } from './preserved-record.entity';

registerEnumType(PreservationStatus, {
  name: 'PreservationStatus',
  description: 'Whether every preserved copy of a legal hold has been written.',
  valuesConfig: {
    PENDING: { description: 'A snapshot job is still copying the history (consent changes, disclosures, visits) of some subjects; their current records and consents were copied when they were placed under the hold.' },
    COMPLETED: { description: 'Every subject in scope has been copied.' },
  },
});
registerEnumType(PreservedRecordType, {
  name: 'PreservedRecordType',
  description: 'Which kind of record a preserved copy was taken from.',
  valuesConfig: {
    SUBJECT: { description: 'The person’s own record (a User), limited to the fields of the hold’s categories.' },
    CONSENT: { description: 'A consent as it currently stood (one per purpose).' },
    CONSENT_EVENT: { description: 'One change in the person’s consent history.' },
    DISCLOSURE: { description: 'One disclosure of the person’s data to a recipient.' },
    COLLECTION_EVENT: { description: 'One visit recorded automatically (IP address, device, page, location), limited to the fields of the hold’s categories.' },
  },
});

@ObjectType('HoldPreservation', { simpleResolvers: true, description: 'How far the copy of a legal hold’s data has come. Small scopes are copied in the placing call; larger ones partly by a background job.' })
export class HoldPreservationType {
  @Field(() => PreservationStatus, { description: 'PENDING while a snapshot job still has subjects to copy, COMPLETED once every subject is copied.' })
  status!: PreservationStatus;

  @Field(() => Int, { description: 'Subjects placed under the hold so far, across placement and every addSubjectsToLegalHold call.' })
  subjectsTotal!: number;

  @Field(() => Int, { description: 'Subjects whose copy is complete; equals subjectsTotal when status is COMPLETED.' })
  subjectsDone!: number;

  @Field(() => Int, { description: 'Preserved records written for this hold so far. A purge after release does not lower it; see PreservationReport.recordsSealed for what is still kept.' })
  recordsPreserved!: number;

  @Field({ description: 'When this progress last changed (ISO 8601 UTC date-time).' })
  updatedAt!: Date;
}

@ObjectType('LegalHold', {
  simpleResolvers: true,
  description:
    'A legal hold that legal places for a matter on a set of people: it keeps a copy of their data in scope as it was when they were placed under it, and while ACTIVE it blocks the erasure of what it covers. Visible to the roles LEGAL, PRIVACY_OPS and ADMIN.',
})
export class LegalHoldType {
  @Field(() => ID, { description: 'The hold’s id.' })
  id!: number;

  @Field({ description: 'Name of the legal matter the hold serves (privileged; never shown to the people it covers).' })
  matter!: string;

  @Field({ description: 'The matter’s case or docket reference.' })
  caseReference!: string;

  @Field(() => String, { nullable: true, description: 'Free-text notes from whoever placed the hold; null when none were given.' })
  description!: string | null;

  @Field(() => LegalHoldStatus, { description: 'ACTIVE while the hold is in force; RELEASED once released, which is final.' })
  status!: LegalHoldStatus;

  @Field(() => [String], { description: 'fideslang data category keys the hold is limited to (see dataCategories); an empty list means every category.' })
  categories!: string[] | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Start (inclusive, ISO 8601 UTC date-time) of the period of history the hold covers: consent changes, disclosures and visits. The person’s record and current consents are covered whatever the dates. Null for no lower bound.',
  })
  scopeFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'End (exclusive, ISO 8601 UTC date-time) of the period of history the hold covers; null for no upper bound.' })
  scopeUntil!: Date | null;

  @Field({ description: 'Subject of the token that placed the hold.' })
  placedBy!: string;

  @Field({ description: 'When the hold was placed (ISO 8601 UTC date-time).' })
  placedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Subject of the token that released the hold; null while it is ACTIVE.' })
  releasedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the hold was released (ISO 8601 UTC date-time); null while it is ACTIVE.' })
  releasedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The reason given at release; null while the hold is ACTIVE.' })
  releaseReason!: string | null;
}

export const LegalHoldConnection = ConnectionType('LegalHold', LegalHoldType);

@ObjectType('PreservedRecord', {
  simpleResolvers: true,
  description: 'A copy of one record about a person, kept by a legal hold as it was when the person was placed under the hold. Later updates or erasure do not change it.',
})
export class PreservedRecordType_ {
  @Field(() => ID, { description: 'The preserved copy’s own id.' })
  id!: number;

  @Field(() => PreservedRecordType, { description: 'The kind of record copied, which names the table recordId refers to.' })
  recordType!: PreservedRecordType;

  @Field(() => ID, { description: 'Id of the original record (a user, consent, consent change, disclosure or visit, per recordType).' })
  recordId!: number;

  @Field(() => ID, { description: 'Id of the user the record is about.' })
  subjectId!: number;

  @Field({ description: 'The record as canonical JSON (sorted keys, ISO 8601 UTC dates), limited to the hold’s categories; exactly the text that was hashed. Reading it is logged as a read of that person’s data.' })
  content!: string;

  @Field({ description: 'Hex SHA-256 of content, taken when the copy was made.' })
  sha256!: string;

  @Field({ description: 'When the copy was written (ISO 8601 UTC date-time): at placement, or later by the snapshot job for the history of a large scope, which it copies only up to what existed at placement.' })
  preservedAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'After this ISO 8601 UTC date-time the copy is deleted. Set when the last active hold covering the person is released, LEGAL_HOLD_PURGE_GRACE_DAYS (default 30) after the release; null while this hold or another one covering the person is active.',
  })
  purgeAfter!: Date | null;
}

export const PreservedRecordConnection = ConnectionType('PreservedRecord', PreservedRecordType_);

@ObjectType('LegalHoldScopeChange', { simpleResolvers: true, description: 'The result of placing a legal hold or adding subjects to one.' })
export class LegalHoldScopeChangeType {
  @Field(() => LegalHoldType, { description: 'The hold after the change.' })
  hold!: LegalHoldType;

  @Field(() => [ID], { description: 'Subjects this call placed under the hold; subjects it already covered and erased subjects are not included.' })
  addedSubjectIds!: number[];

  @Field(() => [ID], { description: 'Subjects that were already erased: nothing left to preserve, and they are not added.' })
  alreadyErasedSubjectIds!: number[];

  @Field({
    description:
      'True when more subjects were added than LEGAL_HOLD_SNAPSHOT_JOB_THRESHOLD (default 50): their records and current consents were copied in this call, and a job copies their history as it stood now. Follow LegalHold.preservation.',
  })
  snapshotQueued!: boolean;
}

@ObjectType('LegalHoldRelease', { simpleResolvers: true, description: 'The result of releasing a legal hold.' })
export class LegalHoldReleaseType {
  @Field(() => LegalHoldType, { description: 'The hold, now RELEASED.' })
  hold!: LegalHoldType;

  @Field(() => [ID], {
    description:
      'Subjects of this hold that no other active hold covers any more: erasures the hold blocked resume, and their preserved copies are deleted after LEGAL_HOLD_PURGE_GRACE_DAYS (default 30).',
  })
  freedSubjectIds!: number[];
}

@ObjectType('PreservationReport', {
  simpleResolvers: true,
  description: 'The result of checking a legal hold’s preserved copies for tampering: each record against its SHA-256 and keyed MAC, and the whole set against the hold’s seal.',
})
export class PreservationReportType {
  @Field(() => ID, { description: 'The hold checked.' })
  holdId!: number;

  @Field({ description: 'True only when no record mismatches, sealValid is true and setMatchesSeal is true.' })
  valid!: boolean;

  @Field(() => Int, { description: 'Preserved records of the hold found and checked.' })
  recordsChecked!: number;

  @Field(() => [ID], { description: 'Ids of preserved records whose content, hash or keyed MAC does not verify. Records preserved before keyed MACs were introduced are listed too.' })
  mismatchedRecordIds!: number[];

  @Field(() => Int, { description: 'How many records the hold’s seal says are preserved (purged ones taken off).' })
  recordsSealed!: number;

  @Field({ description: 'The seal verifies under the key, which is not in the database.' })
  sealValid!: boolean;

  @Field({ description: 'The records found are exactly the sealed set: none deleted, none inserted.' })
  setMatchesSeal!: boolean;
}

const ID_PATTERN = /^[1-9]\d{0,9}$/;

@InputType({ description: 'A new legal hold: its matter, the people it covers, and optionally the categories and period it is limited to.' })
export class PlaceLegalHoldInput {
  @Field({ description: 'Name of the legal matter, 1 to 200 characters.' })
  @Length(1, 200)
  matter!: string;

  @Field({ description: 'The matter’s case or docket reference, 1 to 200 characters.' })
  @Length(1, 200)
  caseReference!: string;

  @Field(() => String, { nullable: true, description: 'Optional notes, 1 to 2000 characters.' })
  @IsOptional()
  @Length(1, 2000)
  description?: string | null;

  @Field(() => [ID], { description: 'Ids of the users to hold, 1 to 10,000 (add more later with addSubjectsToLegalHold). Every id must exist; erased users are reported, not added.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @Matches(ID_PATTERN, { each: true, message: 'subjectIds must be positive integer ids' })
  subjectIds!: string[];

  @Field(() => [String], { nullable: true, description: 'fideslang data category keys (see dataCategories), at most 50, to limit the hold to; omit or leave empty for every category.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Length(1, 100, { each: true })
  categories?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Start (inclusive, ISO 8601 UTC date-time) of the history to hold: consent changes, disclosures and visits. Omit for no lower bound.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'End (exclusive, ISO 8601 UTC date-time) of the history to hold; must be after from. Omit for no upper bound.' })
  until?: Date | null;
}
