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
import { countTransferScope, parseScope, type BusinessTransferOptions } from './transfer-lifecycle.service';
import { verifyTransferFiles } from './artifact-download.use-case';
import { dataKeyEncryptionKey } from './data-key';
import { progressOf } from './transfer-progress';
import {
  BusinessTransferConnection, BusinessTransferProgressType, BusinessTransferScopeInput, BusinessTransferScopeType, BusinessTransferType, ExportArtifactType, ExportVerificationType, StartBusinessTransferInput,
} from './business-transfer.type';
import type { Manifest } from './export-files';

const MNA = [Role.MNA, Role.ADMIN];

export const acquirerLoader = defineLoader('business-transfer.acquirer', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, Recipient | null>(async (ids) => indexBy(ids, await dataSource.getRepository(Recipient).findBy({ id: In([...ids]) }), (r) => r.id)));

export function businessTransferResolvers(options: BusinessTransferOptions): Function[] {
  @Resolver(() => BusinessTransferType)
  class BusinessTransferResolver {
    @Query(() => BusinessTransferType, { nullable: true, description: 'One business transfer by id; null when no transfer has that id. Roles: MNA, ADMIN.' })
    @Roles(...MNA)
    businessTransfer(@Arg('id', () => ID, { description: 'The transfer’s id.' }) id: string, @Ctx() ctx: GatewayContext) {
      return ctx.dataSource.getRepository(BusinessTransfer).findOneBy({ id: parseId(id, 'business transfer') });
    }

    @Query(() => BusinessTransferConnection, { description: 'Business transfers in id order (oldest first), as a Relay connection. Roles: MNA, ADMIN.' })
    @Roles(...MNA)
    async businessTransfers(
      @Ctx() ctx: GatewayContext,
      @Arg('status', () => TransferStatus, { nullable: true, description: 'Only transfers with this status; omit for all.' }) status?: TransferStatus,
      @Arg('first', () => Int, { nullable: true, description: 'Page size: how many transfers to return, from 0 to GRAPHQL_MAX_PAGE_SIZE (100 unless configured); defaults to 20, or the maximum if lower. A larger value is refused with BAD_USER_INPUT.' }) first?: number,
      @Arg('after', () => String, { nullable: true, description: 'An opaque cursor, the endCursor of the previous page: the page starts after it. Omit it for the first page.' }) after?: string,
    ) {
      const qb = ctx.dataSource.getRepository(BusinessTransfer).createQueryBuilder('t');
      if (status) qb.andWhere('t.status = :status', { status });
      return idPage(qb, { first, after }, ctx.config.graphql.maxPageSize);
    }

    @Query(() => Int, {
      description: 'How many people a transfer with this scope would export if started now: ACTIVE people matching it, the count startBusinessTransfer fixes at start. A scope startBusinessTransfer would refuse is refused the same way (BAD_USER_INPUT); an empty match is 0. Roles: MNA, ADMIN.',
    })
    @Roles(...MNA)
    businessTransferScopeSize(@Arg('scope', () => BusinessTransferScopeInput, { description: 'The scope a transfer would be started with.' }) scope: BusinessTransferScopeInput, @Ctx() ctx: GatewayContext) {
      return countTransferScope(ctx.dataSource.manager, scope);
    }

    @Query(() => ExportVerificationType, {
      description: 'Checks a completed transfer\'s files on the gateway\'s disk against the manifest recorded in the database when it finished (size and SHA-256 of each file, manifest.json itself, and its Ed25519 signature manifest.json.sig). CONFLICT when the transfer is not completed or its files were purged. Roles: MNA, ADMIN.',
    })
    @Roles(...MNA)
    verifyBusinessTransfer(@Arg('id', () => ID, { description: 'The transfer\'s id.' }) id: string, @Ctx() ctx: GatewayContext) {
      return verifyTransferFiles(ctx.dataSource.manager, parseId(id, 'business transfer'), dataKeyEncryptionKey(options.dataKeySecret));
    }

    @FieldResolver(() => RecipientType, { nullable: true, description: 'The acquiring recipient (kind ACQUIRER) the export is for; null if that recipient cannot be found.' })
    acquirer(@Root() t: BusinessTransfer, @Ctx() ctx: GatewayContext) {
      return ctx.loaders.of(acquirerLoader).load(t.acquirerId);
    }

    @FieldResolver(() => BusinessTransferScopeType, { description: 'Which people the transfer exports, as fixed at start.' })
    scope(@Root() t: BusinessTransfer) {
      const s = parseScope(t);
      return { ...s, createdBefore: s.createdBefore ? new Date(s.createdBefore) : null };
    }

    @FieldResolver(() => Boolean, { description: 'True when the transfer was started with encryptFor: its files are AES-256-GCM encrypted under a data key wrapped for the acquirer’s RSA key (in the manifest).' })
    encrypted(@Root() t: BusinessTransfer) {
      return t.publicKey !== null;
    }

    @FieldResolver(() => BusinessTransferProgressType, { description: 'Subjects written so far, out of the total, with rate and estimated finish.' })
    progress(@Root() t: BusinessTransfer) {
      return progressOf(t);
    }

    @FieldResolver(() => [ExportArtifactType], { description: 'The export files (subjects, consents, disclosures) as listed in the manifest; empty until the transfer is COMPLETED.' })
    artifacts(@Root() t: BusinessTransfer) {
      return t.manifest ? (JSON.parse(t.manifest) as Manifest).files : [];
    }

    @FieldResolver(() => String, {
      nullable: true,
      description: 'manifest.json as written next to the files (JSON text: deal, acquirer, scope, files with rows, bytes and SHA-256, encryption and anonymization details); null until COMPLETED.',
    })
    manifest(@Root() t: BusinessTransfer) {
      return t.manifest ? `${JSON.stringify(JSON.parse(t.manifest), null, 2)}\n` : null;
    }

    @Mutation(() => BusinessTransferType, {
      description:
        'Starts an export for an acquirer and returns it PENDING; background jobs then write it, limited to the people and records that exist at this call. Audited. Roles: MNA, ADMIN.',
    })
    @Roles(...MNA)
    async startBusinessTransfer(@Arg('input', { description: 'The deal, acquirer, phase, scope, format and optional encryption key.' }) input: StartBusinessTransferInput, @Ctx() ctx: GatewayContext) {
      const acquirerId = parseId(input.acquirerId, 'recipient');
      const outcome = await startTransfer(ctx.run, ctx.actor!, { ...input, acquirerId }, options);
      return presented(ctx, outcome, 'startBusinessTransfer', (t) => `business transfer ${t.id}`);
    }

    @Mutation(() => BusinessTransferType, {
      description: 'Cancels a PENDING or RUNNING transfer and deletes its files; a finished transfer is a CONFLICT. Returns it CANCELLED. Audited. Roles: MNA, ADMIN.',
    })
    @Roles(...MNA)
    async cancelBusinessTransfer(@Arg('id', () => ID, { description: 'Id of the transfer to cancel.' }) id: string, @Ctx() ctx: GatewayContext) {
      const t = await cancelTransfer(ctx.run, ctx.actor!, parseId(id, 'business transfer'));
      // Chunks still running see the status and stop; whatever they leave, the assembly removes.
      await rm(t.exportPath, { recursive: true, force: true }).catch(() => undefined);
      return t;
    }
  }
  return [BusinessTransferResolver];
}
