import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('CollectionEvent', { simpleResolvers: true, description: 'What the server logs recorded automatically about a visit.' })
export class CollectionEventType {
  @Field(() => ID)
  id!: number;

  @Field(() => ID, { nullable: true })
  subjectId!: number | null;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => Float, { nullable: true })
  latitude!: number | null;

  @Field(() => Float, { nullable: true })
  longitude!: number | null;

  @Field(() => Int, { nullable: true })
  geoAccuracyM!: number | null;

  @Field(() => String, { nullable: true })
  region!: string | null;

  @Field(() => String, { nullable: true })
  deviceId!: string | null;

  @Field(() => String, { nullable: true })
  cookieId!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => String, { nullable: true })
  page!: string | null;

  @Field({ description: 'Do Not Track was sent.' })
  dnt!: boolean;

  @Field({ description: 'Global Privacy Control was sent.' })
  gpc!: boolean;

  @Field()
  occurredAt!: Date;
}
