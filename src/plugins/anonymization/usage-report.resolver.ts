import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Arg, Ctx, Field, Float, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import { Recipient } from '../../entities/recipient.entity';
import { DisclosurePurpose, RecipientKind, Role } from '../../entities/enums';
import { announceDisclosures, recordDisclosure } from '../../domain/disclosure.service';
import { badInput, notFound } from '../../domain/errors';
import { Roles } from '../../schema/auth';
import { presented, type GatewayContext } from '../../schema/context';
import { DisclosureType } from '../../schema/disclosure/disclosure.type';
import { parseId } from '../../schema/pagination';
import { assertPartnerMayReceive, buildUsageReport, recordSharedReport, reportCategories, spendPrivacyBudget, type PrivacyBudget, type ReportSettings, type UsageDimension, type UsageReport, type UsageReportMode } from './usage-report.service';

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

enum UsageReportModeEnum {
  SUPPRESSION = 'SUPPRESSION',
  DIFFERENTIAL_PRIVACY = 'DIFFERENTIAL_PRIVACY',
}
registerEnumType(UsageReportModeEnum, {
  name: 'UsageReportMode',
  description: 'How a usage report protects the people it counts.',
  valuesConfig: {
    SUPPRESSION: { description: 'Exact counts; those under k, and those the rest would reveal, suppressed (audited by a linear-programming solver).' },
    DIFFERENTIAL_PRIVACY: {
      description:
        'Every count noisy (discrete Laplace, scale DP_CONTRIBUTION_CAP / epsilon), each person counted with at most DP_CONTRIBUTION_CAP visits, over every combination of public values (MONTH, BROWSER, DEVICE_TYPE only). Sharing one spends epsilon from the partner’s budget.',
    },
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

  @Field(() => UsageReportModeEnum, { nullable: true, description: 'SUPPRESSION (the default) or DIFFERENTIAL_PRIVACY.' })
  @IsOptional()
  mode?: UsageReportModeEnum | null;

  @Field(() => Float, { nullable: true, description: 'DIFFERENTIAL_PRIVACY only, and required there: the privacy loss ε of the report, a positive multiple of 0.001, at most the partner budget (DP_PARTNER_EPSILON_BUDGET).' })
  @IsOptional()
  epsilon?: number | null;
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
    'Counts of recorded visits by up to three dimensions, safe to share. SUPPRESSION: every released count is 0 or at least k, and counts that the totals would reveal are suppressed too (secondary suppression, audited by a solver); a suppressed count is null, whatever the reason. DIFFERENTIAL_PRIVACY: every count is noisy and none is suppressed.',
})
export class UsageReportType {
  @Field(() => [UsageDimensionEnum], { description: 'The dimensions counted by, in the order of the values in every key.' })
  dimensions!: UsageDimension[];

  @Field({ description: 'Start of the period counted (inclusive, ISO 8601 UTC date-time): the first of a month, 00:00 UTC.' })
  from!: Date;

  @Field({ description: 'End of the period counted (exclusive, ISO 8601 UTC date-time): the first of a month, 00:00 UTC.' })
  until!: Date;

  @Field(() => UsageReportModeEnum, { description: 'How the counts are protected.' })
  mode!: string;

  @Field(() => Float, { nullable: true, description: 'DIFFERENTIAL_PRIVACY: the privacy loss ε of this report; null for SUPPRESSION.' })
  epsilon!: number | null;

  @Field(() => Int, { nullable: true, description: 'DIFFERENTIAL_PRIVACY: the most visits of one person counted (the sensitivity of the counts); null for SUPPRESSION.' })
  contributionCap!: number | null;

  @Field(() => Int, { description: 'The minimum cell size applied; 0 for DIFFERENTIAL_PRIVACY, which suppresses nothing.' })
  k!: number;

  @Field(() => Int, {
    description:
      'The protection width applied: for every suppressed count (cell or total), the whole numbers consistent with everything this report releases (and the fact that a listed cell occurred at least once) span at least this many, as a linear-programming audit over all the report’s equations at once has checked. ⌈k × ANONYMIZATION_PROTECTION_PERCENT / 100⌉, half of k by default.',
  })
  protectionWidth!: number;

  @Field(() => [UsageCellType], { description: 'SUPPRESSION: one cell per combination of values that occurred in the period; DIFFERENTIAL_PRIVACY: one per combination of the dimensions’ public values, whether anyone came or not. Sorted by key.' })
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

@ObjectType('PrivacyBudget', { simpleResolvers: true, description: 'The privacy loss ε a partner may receive from differentially private reports, in all (DP_PARTNER_EPSILON_BUDGET), and how much it has.' })
class PrivacyBudgetType {
  @Field(() => Float, { description: 'The partner’s whole budget.' })
  totalEpsilon!: number;

  @Field(() => Float, { description: 'Spent by every report shared with the partner, this one included.' })
  spentEpsilon!: number;

  @Field(() => Float, { description: 'What is left.' })
  remainingEpsilon!: number;
}

@ObjectType('SharedUsageReport', { simpleResolvers: true, description: 'A usage report shared with a partner, and the disclosure that records the sharing.' })
class SharedUsageReportType {
  @Field(() => UsageReportType, { description: 'The report as released to the partner.' })
  report!: UsageReport;

  @Field(() => PrivacyBudgetType, { nullable: true, description: 'DIFFERENTIAL_PRIVACY: the partner’s ε budget after this report; null for SUPPRESSION.' })
  privacyBudget!: PrivacyBudget | null;

  @Field(() => DisclosureType, { description: 'The non-identifiable disclosure to the partner: purpose AGGREGATE_ANALYTICS, no subject, transaction reference usage-report:sha256:<the report’s sha256> (usage-report:dp:epsilon=<ε>:sha256:<sha256> for a DIFFERENTIAL_PRIVACY report).' })
  disclosure!: DisclosureType;
}

export function usageReportResolvers(defaultK: () => number, settings: () => ReportSettings): Function[] {
  @Resolver()
  class UsageReportResolver {
    @Query(() => UsageReportType, { description: 'Builds a usage report (visit counts with small cells suppressed, or noisy counts in DIFFERENTIAL_PRIVACY mode) without sharing it: no disclosure is recorded and no privacy budget is spent. Roles: PRIVACY_OPS, ADMIN.' })
    @Roles(Role.PRIVACY_OPS, Role.ADMIN)
    usageReport(@Arg('input', { description: 'The dimensions, period and minimum cell size.' }) input: UsageReportInput, @Ctx() ctx: GatewayContext) {
      // Counts of visits, not a right: a replica within the lag limit may build it. Shared reports are built on the primary.
      return ctx.reads.stale('usage report', (ds) => buildUsageReport(ds.manager, { ...input, dimensions: input.dimensions as UsageDimension[], mode: input.mode as UsageReportMode | null | undefined }, defaultK(), settings()));
    }

    @Mutation(() => SharedUsageReportType, {
      description: 'Builds a usage report and records it as shared with a partner: one non-identifiable AGGREGATE_ANALYTICS disclosure citing the report’s SHA-256, and the report’s window. A partner receives no report whose window overlaps one it already has, unless it is that very report again (BAD_USER_INPUT, reason WINDOW_OVERLAPS_SHARED_REPORT, with the earlier disclosures’ ids): the difference of two overlapping reports would release what neither does. A DIFFERENTIAL_PRIVACY report is not held to windows but spends its epsilon from the partner’s budget, and is refused past it (PRIVACY_BUDGET_EXCEEDED). Roles: PRIVACY_OPS, ADMIN.',
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
        const report = await buildUsageReport(em, { ...input, dimensions: input.dimensions as UsageDimension[], mode: input.mode as UsageReportMode | null | undefined }, defaultK(), settings());
        const privacyBudget = report.mode === 'DIFFERENTIAL_PRIVACY' ? await spendPrivacyBudget(em, recipientId, report, settings().dpPartnerEpsilonBudget) : null;
        if (report.mode === 'SUPPRESSION') await assertPartnerMayReceive(em, recipientId, report);
        const disclosure = await recordDisclosure(em, ctx.actor!, {
          subjectId: null,
          recipientId,
          purpose: DisclosurePurpose.AGGREGATE_ANALYTICS,
          categories: reportCategories(report.dimensions),
          identifiable: false,
          // A noisy report's disclosure carries the ε it spent.
          transactionReference: report.epsilon === null ? `usage-report:sha256:${report.sha256}` : `usage-report:dp:epsilon=${report.epsilon.toFixed(3)}:sha256:${report.sha256}`,
        });
        await recordSharedReport(em, recipientId, disclosure.id, report);
        await announceDisclosures(uow, ctx.hooks, ctx.actor!, [disclosure.id]);
        return { report, disclosure, privacyBudget };
      });
      return presented(ctx, outcome, 'shareUsageReport', ({ disclosure }) => `disclosure ${disclosure.id}`);
    }
  }
  return [UsageReportResolver];
}
