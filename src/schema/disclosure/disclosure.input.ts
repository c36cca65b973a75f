import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, MaxDate } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DisclosurePurpose } from '../../entities/enums';

@InputType({ description: 'A disclosure to record: what was shared with which recipient, about whom, and why.' })
export class RecordDisclosureInput {
  @Field(() => ID, { nullable: true, description: 'The user the data is about; omit for aggregate or anonymized data. An erased user is refused with CONFLICT; a RESTRICTED one only for LEGAL_COMPLIANCE.' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,9}$/, { message: 'userId must be a positive integer id' })
  userId?: string | null;

  @Field(() => ID, { description: 'The recipient\'s id; the recipient must be allowed the purpose.' })
  @Matches(/^[1-9]\d{0,9}$/, { message: 'recipientId must be a positive integer id' })
  recipientId!: string;

  @Field(() => DisclosurePurpose, { description: 'Why the data was disclosed. Identifiable DIRECT_MARKETING to a THIRD_PARTY or AFFILIATE needs the user\'s THIRD_PARTY_MARKETING_SHARING consent and no GPC opt-out (CONFLICT otherwise).' })
  purpose!: DisclosurePurpose;

  @Field(() => [String], { description: 'The data categories disclosed, as fideslang keys listed by dataCategories (e.g. user.contact.email); 1 to 50 of them.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Length(1, 100, { each: true })
  categories!: string[];

  @Field(() => Boolean, { nullable: true, description: 'Whether the data identifies the user; defaults to true when userId is given, false otherwise. True needs a userId; a PARTNER receives only non-identifiable data.' })
  identifiable?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The reference of the related transaction, 1 to 200 characters; required when the recipient is an AFFILIATE.' })
  @IsOptional()
  @Length(1, 200)
  transactionReference?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the disclosure happened (ISO 8601 date-time); defaults to now and may not be in the future.' })
  @IsOptional()
  @MaxDate(() => new Date(Date.now() + 60_000), { message: 'occurredAt must not be in the future' })
  occurredAt?: Date | null;
}
