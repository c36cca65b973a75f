import { Field, ObjectType } from 'type-graphql';
import { PurposeKey } from '../../entities/enums';
import '../enums';

@ObjectType('UnsubscribeResult', { simpleResolvers: true, description: 'The answer to an unsubscribe link: which consent it withdrew, and nothing about the person.' })
export class UnsubscribeResultType {
  @Field(() => PurposeKey, { description: 'The consent the link withdrew.' })
  purpose!: PurposeKey;

  @Field({ description: 'False when it was already withdrawn (a second click): nothing was written.' })
  changed!: boolean;
}
