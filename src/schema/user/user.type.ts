import { Field, ID, ObjectType } from 'type-graphql';
import { SubjectSource, SubjectStatus } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('User', { simpleResolvers: true, description: 'A person whose data the company holds (a data subject). Erased users keep only a tombstone.' })
export class UserType {
  @Field(() => ID)
  id!: number;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'E.164' })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  streetAddress!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-2 subdivision, e.g. US-CA' })
  region!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' })
  country!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  birthDate!: string | null;

  @Field(() => String, { nullable: true })
  ageRange!: string | null;

  @Field(() => SubjectStatus)
  status!: SubjectStatus;

  @Field(() => SubjectSource)
  source!: SubjectSource;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  erasedAt!: Date | null;
}

export const UserConnection = ConnectionType('User', UserType);
