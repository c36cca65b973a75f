import DataLoader from 'dataloader';
import { MaxLength } from 'class-validator';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import { In } from 'typeorm';
import { badInput } from '../../domain/errors';
import { SUBJECT_FIELDS, categoryOf, type SubjectField } from '../../domain/personal-data.catalogue';
import { useCases } from '../../domain/use-cases';
import { CorrectionChange, CorrectionRequest } from '../../entities/correction.entity';
import { CorrectionStatus, DataRequestType, Role, VerificationMethod } from '../../entities/enums';
import { Roles } from '../auth';
import { type GatewayContext } from '../context';
import { defineLoader, groupBy, type LoaderRegistry } from '../loaders/loader-registry';
import { parseId } from '../pagination';
import { UpdateUserInput } from '../user/user.input';
import { DataRequestObject } from './data-request.type';
import '../enums';

/** The fields a person may ask to correct: the subject's fields of the personal-data catalogue (NAME, STREET_ADDRESS...). */
const CorrectableField: Record<string, SubjectField> = Object.fromEntries(SUBJECT_FIELDS.map((f) => [f.column.toUpperCase(), f.property]));
registerEnumType(CorrectableField, {
  name: 'CorrectableField',
  description: 'A field of a user a correction request may change (the subject fields of the personal-data catalogue).',
  valuesConfig: Object.fromEntries(SUBJECT_FIELDS.map((f) => [f.column.toUpperCase(), { description: `The field User.${f.property} (data category ${categoryOf(f)}).` }])),
});
const FIELD_OF = new Map(SUBJECT_FIELDS.map((f) => [f.property as string, f]));
registerEnumType(CorrectionStatus, {
  name: 'CorrectionStatus',
  description: 'Where one proposed change of a correction request stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting for a decision (decideCorrection).' },
    ACCEPTED: { description: 'Accepted: the value is written to the user once no change of the request is pending.' },
    REJECTED: { description: 'Rejected with a reason the person is told; also every change of a request verified too weakly, or closed by the person\'s erasure.' },
  },
});

@ObjectType('CorrectionChange', { simpleResolvers: true, description: 'One field a person says is wrong, the value they say is right, and the decision on it.' })
export class CorrectionChangeType {
  @Field(() => ID, { description: 'The change\'s id.' })
  id!: number;

  @Field(() => CorrectableField, { description: 'The field the person says is wrong.' })
  field!: string;

  @Field(() => String, { nullable: true, description: 'The value the person says is right; null: remove it (and after their erasure).' })
  proposedValue!: string | null;

  @Field(() => CorrectionStatus, { description: 'Whether it is still to be decided, accepted or rejected.' })
  status!: CorrectionStatus;

  @Field(() => String, { nullable: true, description: 'Why it was accepted or rejected; the person is told.' })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: 'The token subject that decided it; null while it is pending.' })
  decidedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was decided (ISO 8601 date-time, UTC); null while it is pending.' })
  decidedAt!: Date | null;

  subjectId!: number;
}

@InputType({ description: 'The decision on one proposed change, with its reason (the person reads it).' })
class CorrectionDecisionInput {
  @Field(() => CorrectableField, { description: 'The field decided: one the request asks to correct, still pending.' })
  field!: SubjectField;

  @Field({ description: 'True to accept the proposed value, false to reject it.' })
  accept!: boolean;

  @Field({ description: 'Why, 1 to 1000 characters; required either way, and sent to the person.' })
  @MaxLength(1000)
  reason!: string;
}

export const correctionChangesLoader = defineLoader('correctionChanges', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, CorrectionChange[]>(async (ids) =>
    groupBy(ids, await dataSource.getRepository(CorrectionChange).find({ where: { requestId: In([...ids]) }, order: { id: 'ASC' } }), (c) => c.requestId),
  ));

export const correctionEvidenceLoader = defineLoader('correctionEvidence', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, string | null>(async (ids) => {
    const rows = await dataSource.getRepository(CorrectionRequest).find({ where: { requestId: In([...ids]) } });
    const byId = new Map(rows.map((r) => [r.requestId, r.evidence]));
    return ids.map((id) => byId.get(id) ?? null);
  }));

const OPS = [Role.PRIVACY_OPS, Role.ADMIN];

@Resolver(() => DataRequestObject)
export class CorrectionRequestResolver {
  @Mutation(() => DataRequestObject, {
    description: 'A person says some of their information is wrong: records each proposed change (checked now), for PRIVACY_OPS to decide. Deadlines as a deletion; needs a REASONABLE verification, or it is rejected at once. One correction request per person may be open at a time (CORRECTION_OPEN). Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(...OPS)
  async requestCorrection(
    @Arg('userId', () => ID, { description: 'The user asking.' }) userId: string,
    @Arg('changes', () => UpdateUserInput, { description: 'Only the fields the person says are wrong; null removes a value.' }) changes: UpdateUserInput,
    @Arg('channel', { description: 'How the request came in: one word of letters and underscores, 2 to 40 characters, stored upper-case (e.g. WEB_FORM, EMAIL, PHONE).' }) channel: string,
    @Arg('verification', () => VerificationMethod, { description: 'How the person was verified: below REASONABLE the request is recorded and rejected at once (NOT_VERIFIED); NOT_APPLICABLE is refused.' }) verification: VerificationMethod,
    @Ctx() ctx: GatewayContext,
    @Arg('evidence', () => String, { nullable: true, description: 'What the person sent in support (described, or their statement), up to 10,000 characters.' }) evidence?: string | null,
    @Arg('receivedAt', () => Date, { nullable: true, description: 'When the request arrived (the deadlines run from it), as an ISO 8601 date-time: not in the future nor more than 366 days ago; defaults to now.' }) receivedAt?: Date | null,
  ) {
    const subjectId = parseId(userId, 'user');
    if (channel.length > 40) throw badInput('channel is at most 40 characters', { field: 'channel' });
    const fields = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    return (await useCases.requestCorrection(ctx.run, ctx.actor!, { subjectId, changes: fields, evidence: evidence ?? null, channel, verification, receivedAt: receivedAt ?? undefined })).request;
  }

  @Mutation(() => DataRequestObject, {
    description: 'Accepts or rejects proposed changes, each with its reason. Once none is pending the accepted ones are applied, recipients told and the person answered. Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(...OPS)
  decideCorrection(
    @Arg('requestId', () => ID, { description: 'The open correction request.' }) requestId: string,
    @Arg('decisions', () => [CorrectionDecisionInput], { description: 'At least one decision, each field at most once; fields left out stay pending.' }) decisions: CorrectionDecisionInput[],
    @Ctx() ctx: GatewayContext,
  ) {
    const id = parseId(requestId, 'data request');
    if (decisions.length > SUBJECT_FIELDS.length) throw badInput('more decisions than fields', { field: 'decisions' });
    return useCases.decideCorrection(ctx.run, ctx.actor!, id, decisions, { company: ctx.config.company.name });
  }

  @FieldResolver(() => [CorrectionChangeType], { nullable: true, description: 'A correction request\'s proposed changes and their decisions, in the order proposed; null for other types. Reading a proposed value is recorded in the access log.' })
  async correctionChanges(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext) {
    if (request.type !== DataRequestType.CORRECTION) return null;
    const changes = await ctx.loaders.of(correctionChangesLoader).load(request.id);
    // A proposed value is the person's information: its read is logged like any other.
    for (const c of changes) if (c.proposedValue !== null) ctx.access.note(request.subjectId, categoryOf(FIELD_OF.get(c.field) as (typeof SUBJECT_FIELDS)[number]));
    return changes;
  }

  @FieldResolver(() => String, { nullable: true, description: 'What the person sent with a correction request; null for other types, when nothing was sent, or after their erasure.' })
  async correctionEvidence(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext) {
    if (request.type !== DataRequestType.CORRECTION) return null;
    const evidence = await ctx.loaders.of(correctionEvidenceLoader).load(request.id);
    if (evidence !== null) ctx.access.note(request.subjectId, 'list:correction-evidence');
    return evidence;
  }
}
