import { IsUrl, Length, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new version of the privacy policy, to publish.' })
export class PublishPolicyVersionInput {
  @Field({ description: 'The version label, unique: 1 to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit.' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, { message: 'version must be 1 to 40 letters, digits, dots, dashes or underscores' })
  version!: string;

  @Field({ description: 'When the new version governs (ISO 8601 date-time).' })
  effectiveAt!: Date;

  @Field({ description: 'What changed, in plain words, 1 to 4000 characters; sent in the notice email.' })
  @Length(1, 4000)
  summary!: string;

  @Field({ description: 'Where the full policy is posted: an absolute http(s) URL, at most 2048 characters.' })
  @Length(1, 2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an absolute http(s) URL' })
  url!: string;
}
