import { Field, ID, ObjectType } from 'type-graphql';
import { DisclosurePurpose, RecipientKind } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('Recipient', { simpleResolvers: true, description: 'Someone outside the company that receives personal information or aggregates.' })
export class RecipientType {
  @Field(() => ID)
  id!: number;

  @Field(() => RecipientKind)
  kind!: RecipientKind;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  postalAddress!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Examples of what it markets, where the name does not tell.' })
  businessDescription!: string | null;

  @Field(() => [DisclosurePurpose])
  allowedPurposes!: DisclosurePurpose[];

  @Field(() => String, { nullable: true })
  contractReference!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const RecipientConnection = ConnectionType('Recipient', RecipientType);
