import { Field, ID, ObjectType } from 'type-graphql';
import { ReadPurpose } from '../../domain/read-purpose.rules';
import { Role } from '../../entities/enums';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('AccessLogEntry', { simpleResolvers: true, description: 'One person whose data one request returned, whoever read it.' })
export class AccessLogEntryType {
  @Field(() => ID, { description: 'The entry\'s id; lists of entries are newest (highest id) first.' })
  id!: string;

  @Field({ description: 'Shared by every person returned to the same request.' })
  requestId!: string;

  @Field({ description: 'The token subject that read.' })
  actor!: string;

  @Field(() => Role, { description: 'The role the token read in.' })
  role!: Role;

  @Field(() => ReadPurpose, { nullable: true, description: 'The declared purpose; null for a privileged read without one.' })
  purpose!: ReadPurpose | null;

  @Field(() => ID, { description: 'The person whose data was returned; the entry is kept after their erasure.' })
  userId!: number;

  @Field(() => [String], { description: 'Data categories (fideslang keys) of the fields returned; list:<name> for a list read that has no category of its own (list:disclosures, list:recipients, list:requests).' })
  categories!: string[];

  @Field({ description: 'When the data was read (ISO 8601 date-time, UTC).' })
  accessedAt!: Date;
}

export const AccessLogConnection = ConnectionType('AccessLog', AccessLogEntryType);
