import { Field, ID, ObjectType } from 'type-graphql';
import { SubjectSource, SubjectStatus } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

// A personal field is null when it was never given, after erasure, or when the request's read
// purpose may not see it (src/domain/read-purpose.rules.ts); the descriptions say so once each.
const HIDDEN = 'Null when not given, after erasure, or when the read purpose may not see it.';

@ObjectType('User', { simpleResolvers: true, description: 'A person whose data the company holds (a data subject). Erased users keep only a tombstone: id, status, source and times. Under a read purpose (X-Purpose), personal fields the purpose may not see are null and lists it may not see are empty.' })
export class UserType {
  @Field(() => ID, { description: 'The user\'s id, a positive integer.' })
  id!: number;

  @Field(() => String, { nullable: true, description: `Full name. ${HIDDEN}` })
  name!: string | null;

  @Field(() => String, { nullable: true, description: `Email address, in lower case; unique among users. ${HIDDEN}` })
  email!: string | null;

  @Field(() => String, { nullable: true, description: `Phone number in E.164 format, e.g. +14155550123. ${HIDDEN}` })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: `Street address (number, street, unit). ${HIDDEN}` })
  streetAddress!: string | null;

  @Field(() => String, { nullable: true, description: `City. ${HIDDEN}` })
  city!: string | null;

  @Field(() => String, { nullable: true, description: `Postal code. ${HIDDEN}` })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: `State or province as an ISO 3166-2 code, e.g. US-CA. ${HIDDEN}` })
  region!: string | null;

  @Field(() => String, { nullable: true, description: `Country as an ISO 3166-1 alpha-2 code, e.g. US. ${HIDDEN}` })
  country!: string | null;

  @Field(() => String, { nullable: true, description: `Date of birth, YYYY-MM-DD. ${HIDDEN}` })
  birthDate!: string | null;

  @Field(() => String, { nullable: true, description: `Age range in years, e.g. 25-34 or 65+, when only a range is known; under the ANALYTICS read purpose, the age band of the birth date (or of this range) instead. ${HIDDEN}` })
  ageRange!: string | null;

  @Field(() => SubjectStatus, { description: 'Whether the user is active, restricted by a legal hold after asking to be erased, or erased. Read purposes other than SECURITY see a RESTRICTED user as ERASED.' })
  status!: SubjectStatus;

  @Field(() => SubjectSource, { description: 'How the user first came to be on record.' })
  source!: SubjectSource;

  @Field({ description: 'When the user was registered (ISO 8601 date-time, UTC).' })
  createdAt!: Date;

  @Field({ description: 'When the user\'s record last changed, including by erasure (ISO 8601 date-time, UTC).' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the erasure completed (ISO 8601 date-time, UTC); null while the user is not fully erased.' })
  erasedAt!: Date | null;
}

export const UserConnection = ConnectionType('User', UserType);
