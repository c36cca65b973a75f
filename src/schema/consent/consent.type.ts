import { Field, Int, ObjectType } from 'type-graphql';
import { ConsentSource, ConsentStatus, PurposeKey } from '../../entities/enums';
import '../enums';

@ObjectType('Consent', { simpleResolvers: true, description: 'The current state of one consent, derived from its history.' })
export class ConsentType {
  @Field(() => PurposeKey, { description: 'What the consent is for.' })
  purpose!: PurposeKey;

  @Field(() => ConsentStatus, { description: 'Whether the consent is given now.' })
  status!: ConsentStatus;

  @Field(() => ConsentSource, { description: 'How the latest choice reached the company.' })
  source!: ConsentSource;

  @Field(() => String, { nullable: true, description: 'The privacy policy version the latest choice was made under, as recorded with it; null when none was given.' })
  policyVersion!: string | null;

  @Field(() => Int, { description: 'Number of events behind this state (the seq of the latest one in consentHistory).' })
  version!: number;

  @Field({ description: 'When the latest choice was made: its occurredAt (ISO 8601 date-time, UTC).' })
  updatedAt!: Date;
}

@ObjectType('ConsentEvent', { simpleResolvers: true, description: 'One change of consent (append-only).' })
export class ConsentEventType {
  @Field(() => Int, { description: 'Position of this change in the user\'s history for its purpose: 1, 2, 3 … without gaps.' })
  seq!: number;

  @Field(() => PurposeKey, { description: 'The purpose the change is about.' })
  purpose!: PurposeKey;

  @Field(() => ConsentStatus, { description: 'The status this change set.' })
  status!: ConsentStatus;

  @Field(() => ConsentSource, { description: 'How the choice reached the company.' })
  source!: ConsentSource;

  @Field(() => String, { nullable: true, description: 'The privacy policy version the choice was made under; null when none was given.' })
  policyVersion!: string | null;

  @Field({ description: 'When the person made the choice (ISO 8601 date-time, UTC).' })
  occurredAt!: Date;

  @Field({ description: 'Who recorded the change: the subject of the caller\'s token, or system for the gateway\'s own work.' })
  recordedBy!: string;
}

@ObjectType('ConsentChange', { simpleResolvers: true, description: 'The answer to recordConsent: the consent as it now stands, and whether the call changed it.' })
export class ConsentChangeType {
  @Field(() => ConsentType, { description: 'The consent\'s current state after the call.' })
  consent!: ConsentType;

  @Field({ description: 'False when the consent already had this status (no event was written).' })
  changed!: boolean;
}
