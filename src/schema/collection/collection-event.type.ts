import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('CollectionEvent', { simpleResolvers: true, description: 'What the server logs recorded automatically about a visit.' })
export class CollectionEventType {
  @Field(() => ID, { description: 'The event\'s id.' })
  id!: number;

  @Field(() => ID, { nullable: true, description: 'The id of the user the visit is linked to; null when it is linked to nobody.' })
  subjectId!: number | null;

  @Field(() => String, { nullable: true, description: 'The visitor\'s IPv4 or IPv6 address. Null when not recorded.' })
  ipAddress!: string | null;

  @Field(() => Float, { nullable: true, description: 'Latitude in decimal degrees. Null when not recorded.' })
  latitude!: number | null;

  @Field(() => Float, { nullable: true, description: 'Longitude in decimal degrees. Null when not recorded.' })
  longitude!: number | null;

  @Field(() => Int, { nullable: true, description: 'Accuracy radius of the location in metres; under 500 counts as precise geolocation. Null when not recorded.' })
  geoAccuracyM!: number | null;

  @Field(() => String, { nullable: true, description: 'The visitor\'s region as an ISO 3166-2 code, e.g. US-CA. Null when not recorded.' })
  region!: string | null;

  @Field(() => String, { nullable: true, description: 'A device identifier. Null when not recorded.' })
  deviceId!: string | null;

  @Field(() => String, { nullable: true, description: 'A cookie identifier. Null when not recorded.' })
  cookieId!: string | null;

  @Field(() => String, { nullable: true, description: 'The browser\'s User-Agent header. Null when not recorded.' })
  userAgent!: string | null;

  @Field(() => String, { nullable: true, description: 'The page or feature requested. Null when not recorded.' })
  page!: string | null;

  @Field({ description: 'Do Not Track was sent.' })
  dnt!: boolean;

  @Field({ description: 'Global Privacy Control was sent.' })
  gpc!: boolean;

  @Field({ description: 'When the visit happened (ISO 8601 date-time, UTC).' })
  occurredAt!: Date;
}
