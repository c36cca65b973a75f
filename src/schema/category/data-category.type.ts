import { Field, ObjectType } from 'type-graphql';

@ObjectType('DataCategory', { simpleResolvers: true, description: 'A fideslang data category.' })
export class DataCategoryType {
  @Field()
  key!: string;

  @Field()
  label!: string;

  @Field(() => String, { nullable: true, description: 'The California Shine-the-Light category it maps to.' })
  shineTheLightCategory!: string | null;
}
