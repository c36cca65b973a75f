import { Field, Int, ObjectType } from 'type-graphql';
import { ConsentSource, ConsentStatus, PurposeKey } from '../../entities/enums';
import '../enums';

@ObjectType('Consent', { simpleResolvers: true, description: 'The current state of one consent, derived from its history.' })
export class ConsentType {
  @Field(() => PurposeKey)
  purpose!: PurposeKey;

  @Field(() => ConsentStatus)
  status!: ConsentStatus;

  @Field(() => ConsentSource)
  source!: ConsentSource;

  @Field(() => String, { nullable: true })
  policyVersion!: string | null;

  @Field(() => Int, { description: 'Number of events behind this state.' })
  version!: number;

  @Field()
  updatedAt!: Date;
}

@ObjectType('ConsentEvent', { simpleResolvers: true, description: 'One change of consent (append-only).' })
export class ConsentEventType {
  @Field(() => Int)
  seq!: number;

  @Field(() => PurposeKey)
  purpose!: PurposeKey;

  @Field(() => ConsentStatus)
  status!: ConsentStatus;

  @Field(() => ConsentSource)
  source!: ConsentSource;

  @Field(() => String, { nullable: true })
  policyVersion!: string | null;

  @Field()
  occurredAt!: Date;

  @Field()
  recordedBy!: string;
}

@ObjectType('ConsentChange', { simpleResolvers: true })
export class ConsentChangeType {
  @Field(() => ConsentType)
  consent!: ConsentType;

  @Field({ description: 'False when the consent already had this status (no event was written).' })
  changed!: boolean;
}
