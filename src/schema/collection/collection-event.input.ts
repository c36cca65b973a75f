import { IsIP, IsInt, IsLatitude, IsLongitude, IsOptional, Length, Matches, Max, MaxDate, Min } from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'One visit as the server logs saw it; every field is optional.' })
export class RecordCollectionEventInput {
  @Field(() => ID, { nullable: true, description: 'The user the visit is linked to, if known; an erased user is refused with CONFLICT.' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,9}$/, { message: 'userId must be a positive integer id' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'The visitor\'s IPv4 or IPv6 address.' })
  @IsOptional()
  @IsIP(undefined, { message: 'ipAddress must be an IPv4 or IPv6 address' })
  ipAddress?: string | null;

  @Field(() => Float, { nullable: true, description: 'Latitude in decimal degrees, -90 to 90; given together with longitude.' })
  @IsOptional()
  @IsLatitude()
  latitude?: number | null;

  @Field(() => Float, { nullable: true, description: 'Longitude in decimal degrees, -180 to 180; given together with latitude.' })
  @IsOptional()
  @IsLongitude()
  longitude?: number | null;

  @Field(() => Int, { nullable: true, description: 'Accuracy radius of the location in metres, 0 to 20,000,000; under 500 counts as precise geolocation.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20_000_000)
  geoAccuracyM?: number | null;

  @Field(() => String, { nullable: true, description: 'The visitor\'s region as an ISO 3166-2 code, e.g. US-CA.' })
  @IsOptional()
  @Matches(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: 'region must be an ISO 3166-2 code such as US-CA' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'A device identifier, 1 to 128 characters.' })
  @IsOptional()
  @Length(1, 128)
  deviceId?: string | null;

  @Field(() => String, { nullable: true, description: 'A cookie identifier, 1 to 128 characters.' })
  @IsOptional()
  @Length(1, 128)
  cookieId?: string | null;

  @Field(() => String, { nullable: true, description: 'The browser\'s User-Agent header, 1 to 512 characters.' })
  @IsOptional()
  @Length(1, 512)
  userAgent?: string | null;

  @Field(() => String, { nullable: true, description: 'The page or feature requested, e.g. a URL, 1 to 2048 characters.' })
  @IsOptional()
  @Length(1, 2048)
  page?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'The request carried Do Not Track (DNT: 1); recorded only, as it has no legal force. False when omitted.' })
  dnt?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'The request carried Global Privacy Control (Sec-GPC: 1). Only stored on the event: this mutation withdraws no consent (POST /collect does). False when omitted.' })
  gpc?: boolean | null;

  @Field(() => Date, { nullable: true, description: 'When the visit happened (ISO 8601 date-time); defaults to now and may not be in the future.' })
  @IsOptional()
  @MaxDate(() => new Date(Date.now() + 60_000), { message: 'occurredAt must not be in the future' })
  occurredAt?: Date | null;
}
