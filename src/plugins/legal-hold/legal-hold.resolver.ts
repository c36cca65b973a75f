import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { In } from 'typeorm';
import { LegalHold } from '../../entities/legal-hold.entity';
import { LegalHoldStatus, Role } from '../../entities/enums';
import { badInput } from '../../domain/errors';
import { Roles } from '../../schema/auth';
import { presented, type GatewayContext } from '../../schema/context';
import { defineLoader, groupBy, indexBy, type LoaderRegistry } from '../../schema/loaders/loader-registry';
import { idPage, parseId } from '../../schema/pagination';
import { UserType } from '../../schema/user/user.type';
import { HoldPreservation } from './hold-preservation.entity';
import {
  HoldPreservationType, LegalHoldConnection, LegalHoldReleaseType, LegalHoldScopeChangeType, LegalHoldType, PlaceLegalHoldInput,
  PreservationReportType, PreservedRecordConnection, PreservedRecordType_,
} from './legal-hold.type';
import { extendHold, placeHold, releaseHold, verifyPreservation, type LegalHoldOptions } from './legal-hold.service';
import { PreservedRecord, PreservedRecordType } from './preserved-record.entity';
import { categoriesOfValues, type PersonalTableName } from '../../domain/personal-data.catalogue';
import { Subject } from '../../entities/subject.entity';

const PLACERS = [Role.LEGAL, Role.ADMIN];
const READERS = [Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN];

export const holdsBySubjectLoader = defineLoader('legal-hold.holdsBySubject', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, LegalHold[]>(async (ids) => {
    const rows = await dataSource
      .getRepository(LegalHold)
      .createQueryBuilder('h')
      .innerJoin('legal_hold_subjects', 'hs', 'hs.hold_id = h.id')
      .addSelect('hs.subject_id', 'subject_id')
      .where('hs.subject_id IN (:...ids)', { ids })
      .orderBy('h.id')
      .getRawAndEntities();
    const byId = new Map(rows.entities.map((h) => [h.id, h]));
    const pairs = rows.raw.map((r: { h_id: number; subject_id: number }) => ({ subjectId: Number(r.subject_id), hold: byId.get(Number(r.h_id))! }));
    return groupBy(ids, pairs, (p) => p.subjectId).map((l) => l.map((p) => p.hold));
  }));

export const subjectsByHoldLoader = defineLoader('legal-hold.subjectsByHold', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, Subject[]>(async (ids) => {
    const rows = await dataSource
      .getRepository(Subject)
      .createQueryBuilder('s')
      .innerJoin('legal_hold_subjects', 'hs', 'hs.subject_id = s.id')
      .addSelect('hs.hold_id', 'hold_id')
      .where('hs.hold_id IN (:...ids)', { ids })
      .orderBy('s.id')
      .getRawAndEntities();
    const byId = new Map(rows.entities.map((s) => [s.id, s]));
    const pairs = rows.raw.map((r: { s_id: number; hold_id: number }) => ({ holdId: Number(r.hold_id), subject: byId.get(Number(r.s_id))! }));
    return groupBy(ids, pairs, (p) => p.holdId).map((l) => l.map((p) => p.subject));
  }));

export const preservationByHoldLoader = defineLoader('legal-hold.preservationByHold', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, HoldPreservation | null>(async (ids) => indexBy(ids, await dataSource.getRepository(HoldPreservation).findBy({ holdId: In([...ids]) }), (p) => p.holdId)));

/** The table each kind of preserved record was copied from. */
const PRESERVED_TABLE: Record<PreservedRecordType, PersonalTableName> = {
  [PreservedRecordType.SUBJECT]: 'subjects',
  [PreservedRecordType.CONSENT]: 'consents',
  [PreservedRecordType.CONSENT_EVENT]: 'consent_events',
  [PreservedRecordType.DISCLOSURE]: 'disclosures',
  [PreservedRecordType.COLLECTION_EVENT]: 'collection_events',
};

export function legalHoldResolvers(options: LegalHoldOptions): Function[] {
  @Resolver(() => LegalHoldType)
  class LegalHoldResolver {
    @Query(() => LegalHoldType, { nullable: true, description: 'One legal hold by id, active or released; null when no hold has that id. Roles: LEGAL, PRIVACY_OPS, ADMIN.' })
    @Roles(...READERS)
    legalHold(@Arg('id', () => ID, { description: 'The hold’s id.' }) id: string, @Ctx() ctx: GatewayContext) {
      return ctx.dataSource.getRepository(LegalHold).findOneBy({ id: parseId(id, 'legal hold') });
    }

    @Query(() => LegalHoldConnection, { description: 'Legal holds in id order (oldest first), as a Relay connection. Roles: LEGAL, PRIVACY_OPS, ADMIN.' })
    @Roles(...READERS)
    async legalHolds(
      @Ctx() ctx: GatewayContext,
      @Arg('status', () => LegalHoldStatus, { nullable: true, description: 'Only holds with this status; omit for all.' }) status?: LegalHoldStatus,
      @Arg('first', () => Int, { nullable: true, description: 'Page size: how many holds to return, from 0 to GRAPHQL_MAX_PAGE_SIZE (100 unless configured); defaults to 20, or the maximum if lower. A larger value is refused with BAD_USER_INPUT.' }) first?: number,
      @Arg('after', () => String, { nullable: true, description: 'An opaque cursor, the endCursor of the previous page: the page starts after it. Omit it for the first page.' }) after?: string,
    ) {
      const qb = ctx.dataSource.getRepository(LegalHold).createQueryBuilder('h');
      if (status) qb.andWhere('h.status = :status', { status });
      return idPage(qb, { first, after }, ctx.config.graphql.maxPageSize);
    }

    @Query(() => PreservationReportType, {
      description:
        'Checks that a hold’s preserved copies were not altered, deleted or added to: each record against its SHA-256 and keyed MAC, and the set against the hold’s seal. Reads every record of the hold. Roles: LEGAL, ADMIN.',
    })
    @Roles(...PLACERS)
    verifyPreservation(@Arg('holdId', () => ID, { description: 'Id of the hold to check, active or released.' }) holdId: string, @Ctx() ctx: GatewayContext) {
      return verifyPreservation(ctx.dataSource.manager, parseId(holdId, 'legal hold'), options.integrityKey);
    }

    @FieldResolver(() => [String])
    categories(@Root() hold: LegalHoldType) {
      return hold.categories ?? [];
    }

    @FieldResolver(() => [UserType], { description: 'The users the hold covers, in id order. Users already erased when they would have been added are not among them.' })
    subjects(@Root() hold: LegalHoldType, @Ctx() ctx: GatewayContext) {
      return ctx.loaders.of(subjectsByHoldLoader).load(hold.id);
    }

    @FieldResolver(() => HoldPreservationType, { nullable: true, description: 'How far the copy of the hold’s data has come; null when no preservation was recorded for the hold.' })
    preservation(@Root() hold: LegalHoldType, @Ctx() ctx: GatewayContext) {
      return ctx.loaders.of(preservationByHoldLoader).load(hold.id);
    }

    @FieldResolver(() => PreservedRecordConnection, { description: 'The hold’s preserved copies in id order, as a Relay connection; copies already purged after release are gone.' })
    async preservedRecords(
      @Root() hold: LegalHoldType,
      @Ctx() ctx: GatewayContext,
      @Arg('first', () => Int, { nullable: true, description: 'Page size: how many records to return, from 0 to GRAPHQL_MAX_PAGE_SIZE (100 unless configured); defaults to 20, or the maximum if lower. A larger value is refused with BAD_USER_INPUT.' }) first?: number,
      @Arg('after', () => String, { nullable: true, description: 'An opaque cursor, the endCursor of the previous page: the page starts after it. Omit it for the first page.' }) after?: string,
    ) {
      const qb = ctx.dataSource.getRepository(PreservedRecord).createQueryBuilder('r').where('r.hold_id = :id', { id: hold.id });
      return idPage(qb, { first, after }, ctx.config.graphql.maxPageSize);
    }

    @Mutation(() => LegalHoldScopeChangeType, {
      description:
        'Places a legal hold: from now on it blocks the erasure of what it covers, and it copies the data in scope as it is now (large scopes partly by a job). Audited. Roles: LEGAL, ADMIN.',
    })
    @Roles(...PLACERS)
    async placeLegalHold(@Arg('input', { description: 'The matter, the subjects and the optional limits of the new hold.' }) input: PlaceLegalHoldInput, @Ctx() ctx: GatewayContext) {
      const subjectIds = input.subjectIds.map((id) => parseId(id, 'subject'));
      // The hold stands at once (it vetoes erasure) even when its snapshot job waits for Redis.
      const outcome = await placeHold(ctx.run, ctx.actor!, { ...input, subjectIds }, options);
      return presented(ctx, outcome, 'placeLegalHold', (r) => `the preservation copy of hold ${r.hold.id}`);
    }

    @Mutation(() => LegalHoldScopeChangeType, {
      description: 'Places more people under an ACTIVE legal hold and copies their data in scope as it is now; a released hold is a CONFLICT. Audited. Roles: LEGAL, ADMIN.',
    })
    @Roles(...PLACERS)
    async addSubjectsToLegalHold(
      @Arg('holdId', () => ID, { description: 'Id of the ACTIVE hold to extend.' }) holdId: string,
      @Arg('subjectIds', () => [ID], { description: 'Ids of the users to add, 1 to 10,000 per call. Every id must exist; users already on the hold are skipped, erased users are reported, not added.' }) subjectIds: string[],
      @Ctx() ctx: GatewayContext,
    ) {
      const hold = parseId(holdId, 'legal hold');
      const ids = subjectIds.map((id) => parseId(id, 'subject'));
      const outcome = await extendHold(ctx.run, ctx.actor!, hold, ids, options);
      return presented(ctx, outcome, 'addSubjectsToLegalHold', (r) => `the preservation copy of hold ${r.hold.id}`);
    }

    @Mutation(() => LegalHoldReleaseType, {
      description:
        'Releases an ACTIVE legal hold for good (it can never be reactivated: place a new one). People no other active hold covers are freed: erasures the hold blocked resume, and their copies are purged after a grace period. Audited. Roles: LEGAL, ADMIN.',
    })
    @Roles(...PLACERS)
    async releaseLegalHold(
      @Arg('holdId', () => ID, { description: 'Id of the ACTIVE hold to release.' }) holdId: string,
      @Arg('reason', { description: 'Why the hold ends, 1 to 2000 characters; kept on the hold as releaseReason.' }) reason: string,
      @Ctx() ctx: GatewayContext,
    ) {
      const id = parseId(holdId, 'legal hold');
      if (reason.length > 2000) throw badInput('reason is at most 2000 characters', { field: 'reason' });
      const outcome = await releaseHold(ctx.run, ctx.actor!, id, reason, options, ctx.hooks);
      return presented(ctx, outcome, 'releaseLegalHold', (r) => `the erasures hold ${r.hold.id} blocked`);
    }
  }

  @Resolver(() => UserType)
  class UserLegalHoldsResolver {
    @FieldResolver(() => [LegalHoldType], { description: 'Every hold (active or released) that covers this user.' })
    legalHolds(@Root() user: UserType, @Ctx() ctx: GatewayContext) {
      return ctx.loaders.of(holdsBySubjectLoader).load(user.id);
    }
  }

  @Resolver(() => PreservedRecordType_)
  class PreservedRecordResolver {
    @FieldResolver(() => String, {
      description:
        'The record as canonical JSON (sorted keys, ISO 8601 UTC dates), limited to the hold’s categories; exactly the text that was hashed. Reading it is logged as a read of that person’s data.',
    })
    content(@Root() record: PreservedRecord, @Ctx() ctx: GatewayContext): string {
      // The copy shows the person's values as they were: a read of that person, logged.
      let row: Record<string, unknown> = {};
      try {
        row = JSON.parse(record.content) as Record<string, unknown>;
      } catch {
        // A copy that is not JSON still names its person: logged under its record type alone.
      }
      const categories = categoriesOfValues(PRESERVED_TABLE[record.recordType], row);
      for (const c of categories.length > 0 ? categories : [`list:preserved.${record.recordType}`]) ctx.access.note(record.subjectId, c);
      return record.content;
    }
  }

  return [LegalHoldResolver, UserLegalHoldsResolver, PreservedRecordResolver];
}
