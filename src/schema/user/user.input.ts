import { IsEmail, IsISO31661Alpha2, IsISO8601, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { PurposeKey, SubjectSource, SubjectStatus } from '../../entities/enums';

const E164 = /^\+[1-9]\d{6,14}$/;
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const AGE_RANGE = /^\d{1,3}(-\d{1,3}|\+)$/;

@InputType({ description: 'Personal fields of a user; every one is checked. Blank strings are stored as null.' })
class UserFieldsInput {
  @Field(() => String, { nullable: true, description: 'Full name, 1 to 200 characters.' })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Email address, at most 254 characters; stored in lower case. No two users share one (CONFLICT otherwise).' })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number in E.164 format, e.g. +14155550123.' })
  @IsOptional()
  @Matches(E164, { message: 'phone must be in E.164 format, e.g. +14155550123' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Street address (number, street, unit), 1 to 300 characters.' })
  @IsOptional()
  @Length(1, 300)
  streetAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'City, 1 to 100 characters.' })
  @IsOptional()
  @Length(1, 100)
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code: letters, digits, spaces or dashes, at most 20 characters (e.g. 94105-1234, SW1A 1AA).' })
  @IsOptional()
  @Length(1, 20)
  // Postal codes of every country are letters, digits, spaces and dashes (SW1A 1AA, 94105-1234).
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]{0,19}$/, { message: 'postalCode must be letters, digits, spaces or dashes' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'State or province as an ISO 3166-2 code, e.g. US-CA; must lie in country when both are known.' })
  @IsOptional()
  @Matches(REGION, { message: 'region must be an ISO 3166-2 code such as US-CA' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'Country as an ISO 3166-1 alpha-2 code, e.g. US.' })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'Date of birth, YYYY-MM-DD. A person under 13 is refused (BAD_USER_INPUT, reason UNDER_MINIMUM_AGE) and nothing is stored.' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'birthDate must be a real date' })
  birthDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Age range in years when the birth date is not known, e.g. 25-34 or 65+. A range wholly under 13 is refused.' })
  @IsOptional()
  @Matches(AGE_RANGE, { message: 'ageRange must look like 25-34 or 65+' })
  ageRange?: string | null;
}

@InputType({ description: 'A person to register (Contact Us intake). At least an email or a phone is required.' })
export class RegisterUserInput extends UserFieldsInput {
  @Field(() => SubjectSource, { defaultValue: SubjectSource.CONTACT_FORM, description: 'How the person came to the company; CONTACT_FORM when omitted.' })
  source!: SubjectSource;
}

@InputType({ description: 'The personal fields of a user to change: an omitted field keeps its value, null clears it. An email or a phone must remain.' })
export class UpdateUserInput extends UserFieldsInput {}

@InputType({ description: 'Conditions on the users list; all given conditions must hold.' })
export class UserFilter {
  @Field(() => SubjectStatus, { nullable: true, description: 'Only users in this status. Under a read purpose other than SECURITY, RESTRICTED users count as ERASED.' })
  status?: SubjectStatus | null;

  @Field(() => String, { nullable: true, description: 'Only users in this ISO 3166-2 region, e.g. US-CA.' })
  @IsOptional()
  @Matches(REGION, { message: 'region must be an ISO 3166-2 code such as US-CA' })
  region?: string | null;

  @Field(() => PurposeKey, { nullable: true, description: 'Only users who currently grant this purpose.' })
  purposeGranted?: PurposeKey | null;

  @Field(() => Date, { nullable: true, description: 'Only users registered at or after this instant (ISO 8601 date-time).' })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only users registered before this instant (exclusive); must be later than createdFrom.' })
  createdUntil?: Date | null;

  @Field(() => String, { nullable: true, description: 'Only the user with this email address (case-insensitive). Refused under a read purpose that may not see email addresses.' })
  @IsOptional()
  @MaxLength(254)
  email?: string | null;
}
