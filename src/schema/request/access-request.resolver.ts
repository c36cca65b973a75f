import DataLoader from 'dataloader';
import { Arg, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { In } from 'typeorm';
import { useCases } from '../../domain/use-cases';
import { badInput } from '../../domain/errors';
import { AccessPackage, AccessPackageStatus } from '../../entities/access-package.entity';
import { DataRequestType, Role, VerificationMethod } from '../../entities/enums';
import { accessSettingsOf } from '../../config';
import { Roles } from '../auth';
import { presented, type GatewayContext } from '../context';
import { defineLoader, type LoaderRegistry } from '../loaders/loader-registry';
import { parseId } from '../pagination';
import { DataRequestObject, DataRequestReceiptType } from './data-request.type';
import '../enums';

@ObjectType('AccessPackage', { simpleResolvers: true, description: 'The sealed answer to an access request. Its content is only ever given to the person, through their one-time link.' })
export class AccessPackageType {
  @Field(() => ID, { description: 'The package\'s id.' })
  id!: number;

  @Field(() => AccessPackageStatus, { description: 'Whether its link is waiting to be used, was used, or the file is gone.' })
  status!: AccessPackageStatus;

  @Field({ description: 'SPECIFIC_PIECES (the full package) or CATEGORIES (verification allowed no more).' })
  scope!: string;

  @Field({ description: 'Size of the archive (ZIP) the person downloads, in bytes.' })
  bytes!: string;

  @Field({ description: 'SHA-256 of that archive: the person can check what they received.' })
  sha256!: string;

  @Field({ description: 'EMAIL (the link), POSTAL_MAIL (the letter with the link) or NONE (no address on record: reissue a link once there is one).' })
  delivery!: string;

  @Field({ description: 'When the package was sealed and the request answered (ISO 8601 date-time, UTC).' })
  createdAt!: Date;

  @Field({ description: 'The link works once, until then (ISO 8601 date-time, UTC); never later than purgeAfter.' })
  linkExpiresAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the person last downloaded the package through a one-time link (ISO 8601 date-time, UTC); null if they never did.' })
  downloadedAt!: Date | null;

  @Field({ description: 'The package is purged then (or at the person’s erasure); ISO 8601 date-time, UTC.' })
  purgeAfter!: Date;

  @Field(() => Date, { nullable: true, description: 'When the file was deleted, its retention over or its person erased (ISO 8601 date-time, UTC); null while it exists.' })
  purgedAt!: Date | null;
}

/** DataRequest.accessPackage: one statement for every request on the page. */
export const accessPackageLoader = defineLoader('accessPackage', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, AccessPackage | null>(async (ids) => {
    const rows = await dataSource.getRepository(AccessPackage).find({ where: { requestId: In([...ids]) } });
    const byRequest = new Map(rows.map((r) => [r.requestId, r]));
    return ids.map((id) => byRequest.get(id) ?? null);
  }));

const OPS = [Role.PRIVACY_OPS, Role.ADMIN];

@Resolver(() => DataRequestObject)
export class AccessRequestResolver {
  @Mutation(() => DataRequestReceiptType, {
    description: 'A person asks what we hold about them and who got it. Deadlines as a deletion; the package answers as far as `verification` allows (specific pieces need SIGNED_IN_SESSION or THREE_DATA_POINTS_DECLARATION). While one is open it is returned instead (created false). Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(...OPS)
  async requestAccess(
    @Arg('userId', () => ID, { description: 'The user asking.' }) userId: string,
    @Arg('channel', { description: 'How the request came in: one word of letters and underscores, 2 to 40 characters, stored upper-case (e.g. WEB_FORM, EMAIL, PHONE).' }) channel: string,
    @Arg('verification', () => VerificationMethod, { description: 'How the person was verified; it decides how much the answer gives. NOT_APPLICABLE is refused.' }) verification: VerificationMethod,
    @Ctx() ctx: GatewayContext,
    @Arg('receivedAt', () => Date, { nullable: true, description: 'When the request arrived (the deadlines run from it), as an ISO 8601 date-time: not in the future nor more than 366 days ago; defaults to now.' }) receivedAt?: Date | null,
  ) {
    const subjectId = parseId(userId, 'user');
    if (channel.length > 40) throw badInput('channel is at most 40 characters', { field: 'channel' });
    const outcome = await useCases.requestAccess(ctx.run, ctx.actor!, { subjectId, channel, verification, receivedAt: receivedAt ?? undefined });
    return presented(ctx, outcome, 'requestAccess', (opened) => `request ${opened.request.id}`);
  }

  @Mutation(() => AccessPackageType, {
    description: 'A new one-time link for an answered access request (the old one stops working), sent by email or post. Refused once the package is purged, the person erased, or no address is on record. Roles: PRIVACY_OPS, ADMIN.',
  })
  @Roles(...OPS)
  async reissueAccessLink(@Arg('requestId', () => ID, { description: 'The access request whose package gets the new link.' }) requestId: string, @Ctx() ctx: GatewayContext) {
    const id = parseId(requestId, 'data request');
    return useCases.reissueAccessLink(ctx.run, ctx.actor!, accessSettingsOf(ctx.config), id);
  }

  @FieldResolver(() => AccessPackageType, { nullable: true, description: 'The package that answered an access request; null for other types and for an access request not (or not yet) answered with one.' })
  accessPackage(@Root() request: DataRequestObject, @Ctx() ctx: GatewayContext) {
    return request.type === DataRequestType.ACCESS ? ctx.loaders.of(accessPackageLoader).load(request.id) : null;
  }
}
