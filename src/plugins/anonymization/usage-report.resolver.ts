import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { Recipient } from '../../entities/recipient.entity';
import { DisclosurePurpose, RecipientKind, Role } from '../../entities/enums';
import { announceDisclosures, recordDisclosure } from '../../domain/disclosure.service';
import { badInput, notFound } from '../../domain/errors';
import { Roles } from '../../schema/auth';
import { presented, type GatewayContext } from '../../schema/context';
import { DisclosureType } from '../../schema/disclosure/disclosure.type';
import { parseId } from '../../schema/pagination';
import { assertPartnerMayReceive, buildUsageReport, recordSharedReport, reportCategories, type ReportSettings, type UsageDimension, type UsageReport } from './usage-report.service';

enum UsageDimensionEnum {
  PAGE = 'PAGE',
  MONTH = 'MONTH',
  REGION = 'REGION',
  BROWSER = 'BROWSER',
  DEVICE_TYPE = 'DEVICE_TYPE',
}
registerEnumType(UsageDimensionEnum, {
  name: 'UsageDimension',
  description: 'An attribute of recorded visits that a usage report counts by; each takes a generalized value that identifies no one.',
  valuesConfig: {
    PAGE: { description: 'The path of the page visited, without host or query string; (unknown) when not recorded.' },
    MONTH: { description: 'The UTC calendar month of the visit, as YYYY-MM.' },
    REGION: { description: 'The region recorded with the visit (ISO 3166-2, e.g. US-CA); (unknown) when not recorded.' },
    BROWSER: { description: 'Browser family from the user agent: Chrome, Edge, Firefox, Opera, Safari, Samsung Internet, or Other when unrecognized or missing.' },
    DEVICE_TYPE: { description: 'Device class from the user agent: desktop, mobile, tablet, bot or unknown.' },
  },
});

@InputType({ description: 'What a usage report counts: the dimensions, the period, and the minimum cell size.' })
export class UsageReportInput {
  @Field(() => [UsageDimensionEnum], { description: 'One to three dimensions to count by; their order is the order of values in each cell key, and repeats are dropped.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  dimensions!: UsageDimensionEnum[];

  @Field({ description: 'Start of the period (inclusive, ISO 8601 UTC date-time); the report starts on the first of its month (UTC).' })
  from!: Date;

  @Field({ description: 'End of the period (exclusive, ISO 8601 UTC date-time); after from and at most 731 days later. The report ends at the first month boundary at or after it (UTC), so every report covers whole calendar months.' })
  until!: Date;

  @Field(() => Int, { nullable: true, description: 'Minimum cell size k: counts from 1 to k-1 are suppressed. At least ANONYMIZATION_K (11 unless configured; a smaller k is refused with reason K_BELOW_MINIMUM), at most 1000; defaults to ANONYMIZATION_K.' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(1000)
  k?: number | null;
}

@ObjectType('UsageCell', { simpleResolvers: true, description: 'The number of visits with one combination of dimension values.' })
class UsageCellType {
  @Field(() => [String], { description: 'One value per dimension, in the order of the report’s dimensions.' })
  key!: string[];

  @Field(() => Int, { nullable: true, description: 'Visits with these values; null when suppressed (too small, or derivable from the totals).' })
  count!: number | null;
}

@ObjectType('UsageTotal', { simpleResolvers: true, description: 'A marginal total of a usage report: the sum of the cells that share the key’s non-null values.' })
class UsageTotalType {
  @Field(() => [String], { nullable: 'items', description: 'One part per dimension, in the order of the report’s dimensions: a fixed value, or null where the total runs over that dimension.' })
  key!: (string | null)[];

  @Field(() => Int, { nullable: true, description: 'Visits in this total; null when suppressed.' })
  count!: number | null;
}

@ObjectType('UsageReport', {
  simpleResolvers: true,
  description:
    'Counts of recorded visits by up to three dimensions, safe to share: every released count is 0 or at least k, and counts that the totals would reveal are suppressed too (secondary suppression). A suppressed count is null, whatever the reason.',
})
export class UsageReportType {
  @Field(() => [UsageDimensionEnum], { description: 'The dimensions counted by, in the order of the values in every key.' })
  dimensions!: UsageDimension[];

  @Field({ description: 'Start of the period counted (inclusive, ISO 8601 UTC date-time): the first of a month, 00:00 UTC.' })
  from!: Date;

  @Field({ description: 'End of the period counted (exclusive, ISO 8601 UTC date-time): the first of a month, 00:00 UTC.' })
  until!: Date;

  @Field(() => Int, { description: 'The minimum cell size applied.' })
  k!: number;

  @Field(() => Int, {
    description:
      'The protection width applied: for every suppressed count (cell or total), the whole numbers consistent with everything this report releases (and the fact that a listed cell occurred at least once) span at least this many, as a linear-programming audit over all the report’s equations at once has checked. ⌈k × ANONYMIZATION_PROTECTION_PERCENT / 100⌉, half of k by default.',
  })
  protectionWidth!: number;

  @Field(() => [UsageCellType], { description: 'One cell per combination of values that occurred in the period, sorted by key.' })
  cells!: UsageCellType[];

  @Field(() => [UsageTotalType], { description: 'The marginal totals over one or more dimensions, fewest fixed values first; the grand total is separate.' })
  totals!: UsageTotalType[];

  @Field(() => Int, { nullable: true, description: 'All visits in the period; null when suppressed.' })
  grandTotal!: number | null;

  @Field(() => Int, { description: 'How many cells are suppressed (totals not counted).' })
  suppressedCells!: number;

  @Field({ description: 'Hex SHA-256 of the report as JSON (everything above, dates in ISO 8601): identifies exactly what was released; a shared report’s disclosure cites it.' })
  sha256!: string;
}

@ObjectType('SharedUsageReport', { simpleResolvers: true, description: 'A usage report shared with a partner, and the disclosure that records the sharing.' })
class SharedUsageReportType {
  @Field(() => UsageReportType, { description: 'The report as released to the partner.' })
  report!: UsageReport;

  @Field(() => DisclosureType, { description: 'The non-identifiable disclosure to the partner: purpose AGGREGATE_ANALYTICS, no subject, transaction reference usage-report:sha256:<the report’s sha256>.' })
  disclosure!: DisclosureType;
}

export function usageReportResolvers(defaultK: () => number, settings: () => ReportSettings): Function[] {
  @Resolver()
  class UsageReportResolver {
    @Query(() => UsageReportType, { description: 'Builds a usage report (visit counts with small cells suppressed) without sharing it: no disclosure is recorded. Roles: PRIVACY_OPS, ADMIN.' })
    @Roles(Role.PRIVACY_OPS, Role.ADMIN)
    usageReport(@Arg('input', { description: 'The dimensions, period and minimum cell size.' }) input: UsageReportInput, @Ctx() ctx: GatewayContext) {
      // Counts of visits, not a right: a replica within the lag limit may build it. Shared reports are built on the primary.
      return ctx.reads.stale('usage report', (ds) => buildUsageReport(ds.manager, { ...input, dimensions: input.dimensions as UsageDimension[] }, defaultK(), settings()));
    }

    @Mutation(() => SharedUsageReportType, {
      description: 'Builds a usage report and records it as shared with a partner: one non-identifiable AGGREGATE_ANALYTICS disclosure citing the report’s SHA-256, and the report’s window. A partner receives no report whose window overlaps one it already has, unless it is that very report again (BAD_USER_INPUT, reason WINDOW_OVERLAPS_SHARED_REPORT, with the earlier disclosures’ ids): the difference of two overlapping reports would release what neither does. Roles: PRIVACY_OPS, ADMIN.',
    })
    @Roles(Role.PRIVACY_OPS, Role.ADMIN)
    async shareUsageReport(
      @Arg('partnerId', () => ID, { description: 'Id of a recipient of kind PARTNER whose allowed purposes include AGGREGATE_ANALYTICS.' }) partnerId: string,
      @Arg('input', { description: 'The dimensions, period and minimum cell size.' }) input: UsageReportInput,
      @Ctx() ctx: GatewayContext,
    ) {
      const recipientId = parseId(partnerId, 'recipient');
      const outcome = await ctx.run(async (uow) => {
        const em = uow.em;
        // Locked: two shares to one partner are checked against each other's windows in turn.
        const partner = await em.getRepository(Recipient).findOne({ where: { id: recipientId }, lock: { mode: 'pessimistic_write' } });
        if (!partner) throw notFound('recipient', recipientId);
        if (partner.kind !== RecipientKind.PARTNER) throw badInput(`recipient ${recipientId} is a ${partner.kind}, not a PARTNER`, { field: 'partnerId', reason: 'NOT_A_PARTNER' });
        const report = await buildUsageReport(em, { ...input, dimensions: input.dimensions as UsageDimension[] }, defaultK(), settings());
        await assertPartnerMayReceive(em, recipientId, report);
        const disclosure = await recordDisclosure(em, ctx.actor!, {
          subjectId: null,
          recipientId,
          purpose: DisclosurePurpose.AGGREGATE_ANALYTICS,
          categories: reportCategories(report.dimensions),
          identifiable: false,
          transactionReference: `usage-report:sha256:${report.sha256}`,
        });
        await recordSharedReport(em, recipientId, disclosure.id, report);
        await announceDisclosures(uow, ctx.hooks, ctx.actor!, [disclosure.id]);
        return { report, disclosure };
      });
      return presented(ctx, outcome, 'shareUsageReport', ({ disclosure }) => `disclosure ${disclosure.id}`);
    }
  }
  return [UsageReportResolver];
}
