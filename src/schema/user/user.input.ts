import { IsEmail, IsISO31661Alpha2, IsISO8601, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { PurposeKey, SubjectSource, SubjectStatus } from '../../entities/enums';

const E164 = /^\+[1-9]\d{6,14}$/;
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const AGE_RANGE = /^\d{1,3}(-\d{1,3}|\+)$/;

@InputType({ description: 'Personal fields of a user; every one is checked.' })
class UserFieldsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'E.164, e.g. +14155550123' })
  @IsOptional()
  @Matches(E164, { message: 'phone must be in E.164 format, e.g. +14155550123' })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 300)
  streetAddress?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  city?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 20)
  // Postal codes of every country are letters, digits, spaces and dashes (SW1A 1AA, 94105-1234).
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 -]{0,19}$/, { message: 'postalCode must be letters, digits, spaces or dashes' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-2, e.g. US-CA' })
  @IsOptional()
  @Matches(REGION, { message: 'region must be an ISO 3166-2 code such as US-CA' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birthDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'birthDate must be a real date' })
  birthDate?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. 25-34 or 65+' })
  @IsOptional()
  @Matches(AGE_RANGE, { message: 'ageRange must look like 25-34 or 65+' })
  ageRange?: string | null;
}

@InputType({ description: 'Contact Us intake.' })
export class RegisterUserInput extends UserFieldsInput {
  @Field(() => SubjectSource, { defaultValue: SubjectSource.CONTACT_FORM })
  source!: SubjectSource;
}

@InputType()
export class UpdateUserInput extends UserFieldsInput {}

@InputType()
export class UserFilter {
  @Field(() => SubjectStatus, { nullable: true })
  status?: SubjectStatus | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(REGION, { message: 'region must be an ISO 3166-2 code such as US-CA' })
  region?: string | null;

  @Field(() => PurposeKey, { nullable: true, description: 'Only users who currently grant this purpose.' })
  purposeGranted?: PurposeKey | null;

  @Field(() => Date, { nullable: true })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true })
  createdUntil?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  email?: string | null;
}
