import { IsOptional, Length, Matches, MaxDate } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ConsentSource, ConsentStatus, PurposeKey } from '../../entities/enums';

@InputType({ description: 'A person\'s choice about one purpose.' })
export class RecordConsentInput {
  @Field(() => ID, { description: 'The user who made the choice; an erased user is refused with CONFLICT.' })
  @Matches(/^[1-9]\d{0,9}$/, { message: 'userId must be a positive integer id' })
  userId!: string;

  @Field(() => PurposeKey, { description: 'The purpose the choice is about.' })
  purpose!: PurposeKey;

  @Field(() => ConsentStatus, { description: 'GRANTED to consent, WITHDRAWN to refuse or withdraw.' })
  status!: ConsentStatus;

  @Field(() => ConsentSource, { defaultValue: ConsentSource.FORM, description: 'How the person expressed the choice; FORM when omitted.' })
  source!: ConsentSource;

  @Field(() => String, { nullable: true, description: 'The label of the privacy policy version the person was shown (as in publishPolicyVersion): 1 to 40 letters, digits, dots, dashes or underscores.' })
  @IsOptional()
  @Length(1, 40)
  // The same form as a published version's name (PublishPolicyVersionInput.version).
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, { message: 'policyVersion must be 1 to 40 letters, digits, dots, dashes or underscores' })
  policyVersion?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the person made the choice (ISO 8601 date-time); defaults to now and may not be in the future.' })
  @IsOptional()
  @MaxDate(() => new Date(Date.now() + 60_000), { message: 'occurredAt must not be in the future' })
  occurredAt?: Date | null;
}
