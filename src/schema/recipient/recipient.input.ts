import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { DisclosurePurpose, RecipientKind } from '../../entities/enums';

@InputType({ description: 'A recipient to register.' })
export class RegisterRecipientInput {
  @Field(() => RecipientKind, { description: 'What relation the recipient has to the company; it cannot change later.' })
  kind!: RecipientKind;

  @Field({ description: 'The recipient\'s name, 1 to 200 characters; unique among recipients (CONFLICT otherwise).' })
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Postal address as free text, 1 to 500 characters. Required for a THIRD_PARTY or AFFILIATE allowed DIRECT_MARKETING, because a Shine-the-Light notice gives it.' })
  @IsOptional()
  @Length(1, 500)
  postalAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'Contact email address, at most 254 characters; notices of a person\'s erasure or correction are sent there.' })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Examples of the products or services it markets, where its name does not make its business clear; 1 to 1000 characters.' })
  @IsOptional()
  @Length(1, 1000)
  businessDescription?: string | null;

  @Field(() => [DisclosurePurpose], { description: 'The purposes it may receive data for, 1 to 6. PARTNER and AUTHORITY cannot have DIRECT_MARKETING or BUSINESS_TRANSFER; AGENT cannot have BUSINESS_TRANSFER.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  allowedPurposes!: DisclosurePurpose[];

  @Field(() => String, { nullable: true, description: 'The reference of the contract governing what it receives, 1 to 200 characters.' })
  @IsOptional()
  @Length(1, 200)
  contractReference?: string | null;
}

@InputType({ description: 'The recipient fields to change: an omitted field keeps its value; null clears postalAddress, email, businessDescription or contractReference.' })
export class UpdateRecipientInput {
  @Field(() => String, { nullable: true, description: 'A new name, 1 to 200 characters; unique among recipients (CONFLICT otherwise).' })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => String, { nullable: true, description: 'Postal address as free text, 1 to 500 characters. A THIRD_PARTY or AFFILIATE allowed DIRECT_MARKETING must keep one.' })
  @IsOptional()
  @Length(1, 500)
  postalAddress?: string | null;

  @Field(() => String, { nullable: true, description: 'Contact email address, at most 254 characters; notices of a person\'s erasure or correction are sent there.' })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Examples of the products or services it markets, where its name does not make its business clear; 1 to 1000 characters.' })
  @IsOptional()
  @Length(1, 1000)
  businessDescription?: string | null;

  @Field(() => [DisclosurePurpose], { nullable: true, description: 'Replaces the whole list of purposes it may receive data for, 1 to 6, under the same rules as at registration.' })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  allowedPurposes?: DisclosurePurpose[];

  @Field(() => String, { nullable: true, description: 'The reference of the contract governing what it receives, 1 to 200 characters.' })
  @IsOptional()
  @Length(1, 200)
  contractReference?: string | null;
}
