import { IsIP, IsInt, IsLatitude, IsLongitude, IsOptional, Length, Matches, Max, MaxDate, Min } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';

@InputType()
export class RecordCollectionEventInput {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Matches(/^[1-9]\d{0,9}$/, { message: 'userId must be a positive integer id' })
  userId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIP(undefined, { message: 'ipAddress must be an IPv4 or IPv6 address' })
  ipAddress?: string | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsLatitude()
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsLongitude()
  longitude?: number | null;

  @Field(() => Int, { nullable: true, description: 'Accuracy radius in metres.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20_000_000)
  geoAccuracyM?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: 'region must be an ISO 3166-2 code such as US-CA' })
  region?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 128)
  deviceId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 128)
  cookieId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 512)
  userAgent?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2048)
  page?: string | null;

  @Field(() => Boolean, { nullable: true })
  dnt?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  gpc?: boolean | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @MaxDate(() => new Date(Date.now() + 60_000), { message: 'occurredAt must not be in the future' })
  occurredAt?: Date | null;
}
