import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { DisclosurePurpose } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('Disclosure', { simpleResolvers: true, description: 'One act of sharing personal information (or an aggregate) with a recipient.' })
export class DisclosureType {
  @Field(() => ID)
  id!: number;

  @Field(() => DisclosurePurpose)
  purpose!: DisclosurePurpose;

  @Field({ description: 'False for anonymized or aggregate data.' })
  identifiable!: boolean;

  @Field(() => String, { nullable: true })
  transactionReference!: string | null;

  @Field()
  occurredAt!: Date;

  @Field()
  recordedBy!: string;

  // Not fields: the relation resolvers read them.
  subjectId!: number | null;
  recipientId!: number;
}

export const DisclosureConnection = ConnectionType('Disclosure', DisclosureType);

@ArgsType()
export class DisclosurePageArgsInput {
  @Field(() => Int, { nullable: true, description: 'Page size (default 20, at most the configured maximum).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => DisclosurePurpose, { nullable: true })
  purpose?: DisclosurePurpose | null;

  @Field(() => Date, { nullable: true, description: 'Inclusive lower bound of occurredAt.' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive upper bound of occurredAt.' })
  until?: Date | null;
}
