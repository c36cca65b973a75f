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

const connection = (rows: AccessLogEntry[], take: number): Connection<AccessLogEntryType> =>
  toConnection(rows.map(toType), take, (e) => encodeIdCursor(Number(e.id)));

@Resolver()
export class AccessLogResolver {
  @Query(() => AccessLogConnection, { description: 'Who read whose data, in which role, for which purpose; newest first.' })
  @Roles(...READERS)
  async accessLog(
    @Ctx() ctx: GatewayContext,
    @Arg('subjectId', () => ID, { nullable: true }) subjectId?: string,
    @Arg('actor', () => String, { nullable: true }) actor?: string,
    @Arg('role', () => Role, { nullable: true }) role?: Role,
    @Arg('purpose', () => ReadPurpose, { nullable: true }) purpose?: ReadPurpose,
    @Arg('since', () => Date, { nullable: true, description: 'Inclusive lower bound of accessedAt.' }) since?: Date,
    @Arg('until', () => Date, { nullable: true, description: 'Exclusive upper bound of accessedAt.' }) until?: Date,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const take = pageSize(first, ctx.config.graphql.maxPageSize);
    if (since && until && since >= until) throw badInput('since must be before until', { field: 'since' });
    const before = decodeIdCursor(after);
    const filter = { subjectId: subjectId === undefined || subjectId === null ? null : parseId(subjectId, 'user'), actor, role, purpose, since, until };
    const rows = take === 0 ? [] : await findAccessLog(ctx.dataSource.manager, filter, take + 1, before === null ? null : String(before));
    return connection(rows, take);
  }
}

@Resolver(() => UserType)
export class UserAccessLogResolver {
  @FieldResolver(() => AccessLogConnection, { nullable: true, description: 'Who read this user’s data, newest first (roles LEGAL, PRIVACY_OPS, ADMIN).' })
  @Roles(...READERS)
  async accessLog(
    @Root() user: UserType,
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const take = pageSize(first, ctx.config.graphql.maxPageSize);
    if (take === 0) return connection([], 0);
    const before = decodeIdCursor(after);
    const beforeId = before === null ? null : String(before);
    const rows = await ctx.loaders.of(accessLogBySubjectLoader(take + 1, beforeId), `${take}|${beforeId ?? ''}`).load(user.id);
    return connection(rows, take);
  }
}
