import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { AuditEvent } from '../../entities/audit-event.entity';
import { Role } from '../../entities/enums';
import { verifyAuditChain } from '../../domain/audit.service';
import { readCheckpoints } from '../../domain/integrity';
import { readCheckpointFile } from '../../jobs/audit-checkpoint.job';
import { Roles } from '../auth';
import type { GatewayContext } from '../context';
import { decodeIdCursor, encodeIdCursor, pageSize, toConnection } from '../pagination';
import { AuditChainReportType, AuditEventConnection } from './audit-event.type';

@Resolver()
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'The audit log in chain order (seq ascending), one page at a time. Roles: LEGAL, PRIVACY_OPS, ADMIN.' })
  @Roles(Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN)
  async auditEvents(
    @Ctx() ctx: GatewayContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: how many events to return, from 0 to GRAPHQL_MAX_PAGE_SIZE (100 unless configured); defaults to 20, or the maximum if lower. A larger value is refused.' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'An opaque cursor, the endCursor of the previous page: the page starts after it. Omit it for the first page.' }) after?: string,
  ) {
    const take = pageSize(first, ctx.config.graphql.maxPageSize);
    const afterSeq = decodeIdCursor(after) ?? 0;
    const rows =
      take === 0
        ? []
        : await ctx.dataSource.getRepository(AuditEvent).createQueryBuilder('e').where('e.seq > :afterSeq', { afterSeq }).orderBy('e.seq', 'ASC').limit(take + 1).getMany();
    return toConnection(rows, take, (e) => encodeIdCursor(e.seq), after);
  }

  @Query(() => AuditChainReportType, { description: 'Re-hashes the whole audit chain, checks it against the signed checkpoints published outside the database, and reports the first broken link. Roles: LEGAL, PRIVACY_OPS, ADMIN.' })
  @Roles(Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN)
  async verifyAuditChain(@Ctx() ctx: GatewayContext) {
    const published = readCheckpoints(ctx.config.integrity.key, await readCheckpointFile(ctx.config.integrity.checkpointFile));
    return verifyAuditChain(ctx.dataSource.manager, published);
  }
}
