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
import { buildUsageReport, reportCategories, type UsageDimension, type UsageReport } from './usage-report.service';

enum UsageDimensionEnum {
  PAGE = 'PAGE',
  MONTH = 'MONTH',
  REGION = 'REGION',
  BROWSER = 'BROWSER',
  DEVICE_TYPE = 'DEVICE_TYPE',
}
registerEnumType(UsageDimensionEnum, { name: 'UsageDimension' });

@InputType()
export class UsageReportInput {
  @Field(() => [UsageDimensionEnum])
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  dimensions!: UsageDimensionEnum[];

  @Field()
  from!: Date;

  @Field()
  until!: Date;

  @Field(() => Int, { nullable: true, description: 'Minimum cell size (default from configuration, never below 2).' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(1000)
  k?: number | null;
}

@ObjectType('UsageCell', { simpleResolvers: true })
class UsageCellType {
  @Field(() => [String])
  key!: string[];

  @Field(() => Int, { nullable: true, description: 'Null when suppressed.' })
  count!: number | null;
}

@ObjectType('UsageTotal', { simpleResolvers: true })
class UsageTotalType {
  @Field(() => [String], { nullable: 'items', description: 'Null where the total runs over that dimension.' })
  key!: (string | null)[];

  @Field(() => Int, { nullable: true })
  count!: number | null;
}

@ObjectType('UsageReport', { simpleResolvers: true, description: 'Counts that cannot identify anyone: cells under k are suppressed, and so are cells that totals would reveal.' })
export class UsageReportType {
  @Field(() => [UsageDimensionEnum])
  dimensions!: UsageDimension[];

  @Field()
  from!: Date;

  @Field()
  until!: Date;

  @Field(() => Int)
  k!: number;

  @Field(() => [UsageCellType])
  cells!: UsageCellType[];

  @Field(() => [UsageTotalType])
  totals!: UsageTotalType[];

  @Field(() => Int, { nullable: true })
  grandTotal!: number | null;

  @Field(() => Int)
  suppressedCells!: number;

  @Field()
  sha256!: string;
}

@ObjectType('SharedUsageReport', { simpleResolvers: true })
class SharedUsageReportType {
  @Field(() => UsageReportType)
  report!: UsageReport;

  @Field(() => DisclosureType)
  disclosure!: DisclosureType;
}

export function usageReportResolvers(defaultK: () => number): Function[] {
  @Resolver()
  class UsageReportResolver {
    @Query(() => UsageReportType)
    @Roles(Role.PRIVACY_OPS, Role.ADMIN)
    usageReport(@Arg('input') input: UsageReportInput, @Ctx() ctx: GatewayContext) {
      return buildUsageReport(ctx.dataSource.manager, { ...input, dimensions: input.dimensions as UsageDimension[] }, defaultK());
    }

    @Mutation(() => SharedUsageReportType, { description: 'Shares a usage report with a partner, recorded as a non-identifiable disclosure with the report’s SHA-256.' })
    @Roles(Role.PRIVACY_OPS, Role.ADMIN)
    async shareUsageReport(@Arg('partnerId', () => ID) partnerId: string, @Arg('input') input: UsageReportInput, @Ctx() ctx: GatewayContext) {
      const recipientId = parseId(partnerId, 'recipient');
      const outcome = await ctx.run(async (uow) => {
        const em = uow.em;
        const partner = await em.getRepository(Recipient).findOneBy({ id: recipientId });
        if (!partner) throw notFound('recipient', recipientId);
        if (partner.kind !== RecipientKind.PARTNER) throw badInput(`recipient ${recipientId} is a ${partner.kind}, not a PARTNER`, { field: 'partnerId', reason: 'NOT_A_PARTNER' });
        const report = await buildUsageReport(em, { ...input, dimensions: input.dimensions as UsageDimension[] }, defaultK());
        const disclosure = await recordDisclosure(em, ctx.actor!, {
          subjectId: null,
          recipientId,
          purpose: DisclosurePurpose.AGGREGATE_ANALYTICS,
          categories: reportCategories(report.dimensions),
          identifiable: false,
          transactionReference: `usage-report:sha256:${report.sha256}`,
        });
        await announceDisclosures(uow, ctx.hooks, ctx.actor!, [disclosure.id]);
        return { report, disclosure };
      });
      return presented(ctx, outcome, 'shareUsageReport', ({ disclosure }) => `disclosure ${disclosure.id}`);
    }
  }
  return [UsageReportResolver];
}
