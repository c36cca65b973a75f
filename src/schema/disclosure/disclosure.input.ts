import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, MaxDate } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DisclosurePurpose } from '../../entities/enums';

@InputType()
export class RecordDisclosureInput {
  @Field(() => ID, { nullable: true, description: 'The subject; omit for aggregate data.' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,9}$/, { message: 'userId must be a positive integer id' })
  userId?: string | null;

  @Field(() => ID)
  @Matches(/^[1-9]\d{0,9}$/, { message: 'recipientId must be a positive integer id' })
  recipientId!: string;

  @Field(() => DisclosurePurpose)
  purpose!: DisclosurePurpose;

  @Field(() => [String], { description: 'fideslang category keys, e.g. user.contact.email' })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Length(1, 100, { each: true })
  categories!: string[];

  @Field(() => Boolean, { nullable: true, description: 'Defaults to true when a user is named.' })
  identifiable?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Required for affiliates (a related transaction).' })
  @IsOptional()
  @Length(1, 200)
  transactionReference?: string | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @MaxDate(() => new Date(Date.now() + 60_000), { message: 'occurredAt must not be in the future' })
  occurredAt?: Date | null;
}
