import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { DisclosurePurpose } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('Disclosure', { simpleResolvers: true, description: 'One act of sharing personal information (or an aggregate) with a recipient.' })
export class DisclosureType {
  @Field(() => ID, { description: 'The disclosure\'s id.' })
  id!: number;

  @Field(() => DisclosurePurpose, { description: 'Why the data was disclosed.' })
  purpose!: DisclosurePurpose;

  @Field({ description: 'Whether the data identified the user; false for anonymized or aggregate data.' })
  identifiable!: boolean;

  @Field(() => String, { nullable: true, description: 'The reference of the related transaction (required for disclosures to an AFFILIATE); null when none was given.' })
  transactionReference!: string | null;

  @Field({ description: 'When the disclosure happened (ISO 8601 date-time, UTC).' })
  occurredAt!: Date;

  @Field({ description: 'Who recorded it: the subject of the caller\'s token, or system for the gateway\'s own work.' })
  recordedBy!: string;

  // Not fields: the relation resolvers read them.
  subjectId!: number | null;
  recipientId!: number;
}

export const DisclosureConnection = ConnectionType('Disclosure', DisclosureType);

@ArgsType()
export class DisclosurePageArgsInput {
  @Field(() => Int, { nullable: true, description: 'Page size: 0 up to GRAPHQL_MAX_PAGE_SIZE (a server setting, 100 unless configured); 20 when omitted. A larger value is refused with BAD_USER_INPUT.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'An opaque cursor: the endCursor of the previous page. Omit for the first page.' })
  after?: string | null;

  @Field(() => DisclosurePurpose, { nullable: true, description: 'Only disclosures made for this purpose.' })
  purpose?: DisclosurePurpose | null;

  @Field(() => Date, { nullable: true, description: 'Only disclosures that occurred at or after this instant (ISO 8601 date-time).' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only disclosures that occurred before this instant (exclusive); must be later than since.' })
  until?: Date | null;
}
