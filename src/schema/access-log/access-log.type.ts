import { Field, ID, ObjectType } from 'type-graphql';
import { ReadPurpose } from '../../domain/read-purpose.rules';
import { ConnectionType } from '../pagination';
import '../enums';

@ObjectType('AccessLogEntry', { simpleResolvers: true, description: 'One person whose data one purpose-bound request returned.' })
export class AccessLogEntryType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Shared by every person returned to the same request.' })
  requestId!: string;

  @Field({ description: 'The token subject that read.' })
  actor!: string;

  @Field(() => ReadPurpose)
  purpose!: ReadPurpose;

  @Field(() => ID)
  userId!: number;

  @Field(() => [String], { description: 'Data categories (fideslang keys) of the fields returned.' })
  categories!: string[];

  @Field()
  accessedAt!: Date;
}

export const AccessLogConnection = ConnectionType('AccessLog', AccessLogEntryType);
