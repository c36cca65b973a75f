import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { DisclosurePurpose, RecipientKind } from '../../entities/enums';

@InputType()
export class RegisterRecipientInput {
  @Field(() => RecipientKind)
  kind!: RecipientKind;

  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 500)
  postalAddress?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 1000)
  businessDescription?: string | null;

  @Field(() => [DisclosurePurpose])
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  allowedPurposes!: DisclosurePurpose[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  contractReference?: string | null;
}

@InputType()
export class UpdateRecipientInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 500)
  postalAddress?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 1000)
  businessDescription?: string | null;

  @Field(() => [DisclosurePurpose], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  allowedPurposes?: DisclosurePurpose[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  contractReference?: string | null;
}
