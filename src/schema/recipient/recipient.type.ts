import { Field, ID, ObjectType } from 'type-graphql';
import { DisclosurePurpose, RecipientKind } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('Recipient', { simpleResolvers: true, description: 'A business or body outside the company that receives personal information, or aggregates of it.' })
export class RecipientType {
  @Field(() => ID, { description: 'The recipient\'s id.' })
  id!: number;

  @Field(() => RecipientKind, { description: 'What relation the recipient has to the company.' })
  kind!: RecipientKind;

  @Field({ description: 'The recipient\'s name, unique among recipients; a Shine-the-Light notice names it.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Postal address as free text; a THIRD_PARTY or AFFILIATE needs one to receive data for DIRECT_MARKETING. Null when not recorded.' })
  postalAddress!: string | null;

  @Field(() => String, { nullable: true, description: 'Contact email address, in lower case; notices of a person\'s erasure or correction are sent there. Null when not recorded (then none is emailed).' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'Examples of the products or services it markets, for a Shine-the-Light notice where its name does not make its business clear; null when not recorded.' })
  businessDescription!: string | null;

  @Field(() => [DisclosurePurpose], { description: 'The purposes it may receive data for, in alphabetical order; a disclosure for any other purpose is refused.' })
  allowedPurposes!: DisclosurePurpose[];

  @Field(() => String, { nullable: true, description: 'The reference of the contract governing what it receives; null when not recorded.' })
  contractReference!: string | null;

  @Field({ description: 'When the recipient was registered (ISO 8601 date-time, UTC).' })
  createdAt!: Date;

  @Field({ description: 'When the recipient\'s record last changed (ISO 8601 date-time, UTC).' })
  updatedAt!: Date;
}

export const RecipientConnection = ConnectionType('Recipient', RecipientType);
