import { rm } from 'node:fs/promises';
import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { In } from 'typeorm';
import { Role } from '../../entities/enums';
import { Recipient } from '../../entities/recipient.entity';
import { Roles } from '../../schema/auth';
import { presented, type GatewayContext } from '../../schema/context';
import { defineLoader, indexBy, type LoaderRegistry } from '../../schema/loaders/loader-registry';
import { idPage, parseId } from '../../schema/pagination';
import { RecipientType } from '../../schema/recipient/recipient.type';
import { BusinessTransfer, TransferStatus } from './business-transfer.entity';
import { cancelTransfer, startTransfer } from './transfer-start.use-case';
import { parseScope, type BusinessTransferOptions } from './transfer-lifecycle.service';
import { progressOf } from './transfer-progress';
import {
  BusinessTransferConnection, BusinessTransferProgressType, BusinessTransferScopeType, BusinessTransferType, ExportArtifactType, StartBusinessTransferInput,
} from './business-transfer.type';
import type { Manifest } from './export-files';

const MNA = [Role.MNA, Role.ADMIN];

export const acquirerLoader = defineLoader('business-transfer.acquirer', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, Recipient | null>(async (ids) => indexBy(ids, await dataSource.getRepository(Recipient).findBy({ id: In([...ids]) }), (r) => r.id)));

export function businessTransferResolvers(options: BusinessTransferOptions): Function[] {
  @Resolver(() => BusinessTransferType)
  class BusinessTransferResolver {
    @Query(() => BusinessTransferType, { nullable: true })
    @Roles(...MNA)
    businessTransfer(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
      return ctx.dataSource.getRepository(BusinessTransfer).findOneBy({ id: parseId(id, 'business transfer') });
    }

    @Query(() => BusinessTransferConnection)
    @Roles(...MNA)
    async businessTransfers(
      @Ctx() ctx: GatewayContext,
      @Arg('status', () => TransferStatus, { nullable: true }) status?: TransferStatus,
      @Arg('first', () => Int, { nullable: true }) first?: number,
      @Arg('after', () => String, { nullable: true }) after?: string,
    ) {
      const qb = ctx.dataSource.getRepository(BusinessTransfer).createQueryBuilder('t');
      if (status) qb.andWhere('t.status = :status', { status });
      return idPage(qb, { first, after }, ctx.config.graphql.maxPageSize);
    }

    @FieldResolver(() => RecipientType, { nullable: true })
    acquirer(@Root() t: BusinessTransfer, @Ctx() ctx: GatewayContext) {
      return ctx.loaders.of(acquirerLoader).load(t.acquirerId);
    }

    @FieldResolver(() => BusinessTransferScopeType)
    scope(@Root() t: BusinessTransfer) {
      const s = parseScope(t);
      return { ...s, createdBefore: s.createdBefore ? new Date(s.createdBefore) : null };
    }

    @FieldResolver(() => Boolean)
    encrypted(@Root() t: BusinessTransfer) {
      return t.publicKey !== null;
    }

    @FieldResolver(() => BusinessTransferProgressType)
    progress(@Root() t: BusinessTransfer) {
      return progressOf(t);
    }

    @FieldResolver(() => [ExportArtifactType], { description: 'The files, once the transfer completed.' })
    artifacts(@Root() t: BusinessTransfer) {
      return t.manifest ? (JSON.parse(t.manifest) as Manifest).files : [];
    }

    @FieldResolver(() => String, { nullable: true, description: 'manifest.json as written next to the files.' })
    manifest(@Root() t: BusinessTransfer) {
      return t.manifest ? `${JSON.stringify(JSON.parse(t.manifest), null, 2)}\n` : null;
    }

    @Mutation(() => BusinessTransferType, { description: 'Starts an export for an acquirer; chunk jobs write it.' })
    @Roles(...MNA)
    async startBusinessTransfer(@Arg('input') input: StartBusinessTransferInput, @Ctx() ctx: GatewayContext) {
      const acquirerId = parseId(input.acquirerId, 'recipient');
      const outcome = await startTransfer(ctx.run, ctx.actor!, { ...input, acquirerId }, options);
      return presented(ctx, outcome, 'startBusinessTransfer', (t) => `business transfer ${t.id}`);
    }

    @Mutation(() => BusinessTransferType, { description: 'Stops a running transfer; its files are removed.' })
    @Roles(...MNA)
    async cancelBusinessTransfer(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext) {
      const t = await cancelTransfer(ctx.run, ctx.actor!, parseId(id, 'business transfer'));
      // Chunks still running see the status and stop; whatever they leave, the assembly removes.
      await rm(t.exportPath, { recursive: true, force: true }).catch(() => undefined);
      return t;
    }
  }
  return [BusinessTransferResolver];
}
