import { IsOptional, Length, Matches, MaxDate } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ConsentSource, ConsentStatus, PurposeKey } from '../../entities/enums';

@InputType()
export class RecordConsentInput {
  @Field(() => ID)
  @Matches(/^[1-9]\d{0,9}$/, { message: 'userId must be a positive integer id' })
  userId!: string;

  @Field(() => PurposeKey)
  purpose!: PurposeKey;

  @Field(() => ConsentStatus)
  status!: ConsentStatus;

  @Field(() => ConsentSource, { defaultValue: ConsentSource.FORM })
  source!: ConsentSource;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 40)
  // The same form as a published version's name (PublishPolicyVersionInput.version).
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, { message: 'policyVersion must be 1 to 40 letters, digits, dots, dashes or underscores' })
  policyVersion?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the subject made the choice; defaults to now.' })
  @IsOptional()
  @MaxDate(() => new Date(Date.now() + 60_000), { message: 'occurredAt must not be in the future' })
  occurredAt?: Date | null;
}
