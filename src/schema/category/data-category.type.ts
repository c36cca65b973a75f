import { Field, ObjectType } from 'type-graphql';

@ObjectType('DataCategory', { simpleResolvers: true, description: 'A category of personal information, from the fideslang taxonomy; disclosures, legal holds and the access log name data by these categories.' })
export class DataCategoryType {
  @Field({ description: 'The fideslang key, e.g. user.contact.email.' })
  key!: string;

  @Field({ description: 'A human-readable name of the category, e.g. Email address.' })
  label!: string;

  @Field(() => String, { nullable: true, description: 'The California Shine-the-Light category (Civil Code 1798.83(e)(6)) it maps to, as a Shine-the-Light notice names it; null when it maps to none.' })
  shineTheLightCategory!: string | null;
}
