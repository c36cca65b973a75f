import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { findAccessLog } from '../../domain/access-log.service';
import { badInput } from '../../domain/errors';
import { ReadPurpose } from '../../domain/read-purpose.rules';
import type { AccessLogEntry } from '../../entities/access-log-entry.entity';
import { Role } from '../../entities/enums';
import { Roles } from '../auth';
import type { GatewayContext } from '../context';
import { accessLogBySubjectLoader } from '../loaders/access-log.loader';
import { decodeIdCursor, encodeIdCursor, pageSize, parseId, toConnection, type Connection } from '../pagination';
import { UserType } from '../user/user.type';
import { AccessLogConnection, AccessLogEntryType } from './access-log.type';

const READERS = [Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN];

const FIRST = 'Page size: how many entries to return, from 0 to GRAPHQL_MAX_PAGE_SIZE (100 unless configured); defaults to 20, or the maximum if lower. A larger value is refused.';
const AFTER = 'An opaque cursor, the endCursor of the previous page: the page continues with older entries. Omit it for the newest.';

const toType = (e: AccessLogEntry): AccessLogEntryType => ({
  id: String(e.id),
  requestId: e.requestId,
  actor: e.actor,
  role: e.role as Role,
  purpose: (e.purpose as ReadPurpose | null) ?? null,
  userId: e.subjectId,
  categories: e.categories ? e.categories.split(',') : [],
  accessedAt: e.accessedAt,
});

const connection = (rows: AccessLogEntry[], take: number, after?: string | null): Connection<AccessLogEntryType> =>
  toConnection(rows.map(toType), take, (e) => encodeIdCursor(Number(e.id)), after);

@Resolver()
export class AccessLogResolver {
  @Query(() => AccessLogConnection, { description: 'Who read whose data, in which role, for which purpose; newest first, one page at a time; the filters given all apply. Roles: LEGAL, PRIVACY_OPS, ADMIN.' })
  @Roles(...READERS)
  async accessLog(
    @Ctx() ctx: GatewayContext,
    @Arg('subjectId', () => ID, { nullable: true, description: 'Only entries about this user (a user id).' }) subjectId?: string,
    @Arg('actor', () => String, { nullable: true, description: 'Only reads by this token subject, matched exactly.' }) actor?: string,
    @Arg('role', () => Role, { nullable: true, description: 'Only reads made in this role.' }) role?: Role,
    @Arg('purpose', () => ReadPurpose, { nullable: true, description: 'Only reads that declared this purpose.' }) purpose?: ReadPurpose,
    @Arg('since', () => Date, { nullable: true, description: 'Inclusive lower bound of accessedAt (ISO 8601 date-time); must be before until.' }) since?: Date,
    @Arg('until', () => Date, { nullable: true, description: 'Exclusive upper bound of accessedAt (ISO 8601 date-time).' }) until?: Date,
    @Arg('first', () => Int, { nullable: true, description: FIRST }) first?: number,
    @Arg('after', () => String, { nullable: true, description: AFTER }) after?: string,
  ) {
    const take = pageSize(first, ctx.config.graphql.maxPageSize);
    if (since && until && since >= until) throw badInput('since must be before until', { field: 'since' });
    const before = decodeIdCursor(after);
    const filter = { subjectId: subjectId === undefined || subjectId === null ? null : parseId(subjectId, 'user'), actor, role, purpose, since, until };
    const rows = take === 0 ? [] : await findAccessLog(ctx.dataSource.manager, filter, take + 1, before === null ? null : String(before));
    return connection(rows, take, after);
  }
}

@Resolver(() => UserType)
export class UserAccessLogResolver {
  @FieldResolver(() => AccessLogConnection, { nullable: true, description: 'Who read this user’s data, newest first (roles LEGAL, PRIVACY_OPS, ADMIN).' })
  @Roles(...READERS)
  async accessLog(
    @Root() user: UserType,
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { nullable: true, description: FIRST }) first?: number,
    @Arg('after', () => String, { nullable: true, description: AFTER }) after?: string,
  ) {
    const take = pageSize(first, ctx.config.graphql.maxPageSize);
    if (take === 0) return connection([], 0, after);
    const before = decodeIdCursor(after);
    const beforeId = before === null ? null : String(before);
    const rows = await ctx.loaders.of(accessLogBySubjectLoader(take + 1, beforeId), `${take}|${beforeId ?? ''}`).load(user.id);
    return connection(rows, take, after);
  }
}
