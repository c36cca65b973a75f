import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { Arg, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root, buildSchema } from 'type-graphql';
import { MoreThan, type DataSource } from 'typeorm';
import type { Config } from '../../src/config';
import { createDataSource, statementCount } from '../../src/database';
import { Consent } from '../../src/entities/consent.entity';
import { DataCategory } from '../../src/entities/data-category.entity';
import { Disclosure } from '../../src/entities/disclosure.entity';
import { DisclosureCategory } from '../../src/entities/disclosure-category.entity';
import { ConsentStatus, DisclosurePurpose, PurposeKey } from '../../src/entities/enums';
import { Recipient } from '../../src/entities/recipient.entity';
import { Subject } from '../../src/entities/subject.entity';
import '../../src/schema/enums';
import { ConnectionType, decodeIdCursor, encodeIdCursor, encodeTimeCursor, pageSize, toConnection } from '../../src/schema/pagination';
import type { ChildServer } from '../child';

/**
 * The naive variant: the same API shape, built the way a first version usually is. Every
 * relation is resolved with its own repository call per parent row (no DataLoader), on the same
 * stack as the gateway (Apollo + type-graphql + TypeORM over Express) and the same entities.
 * A page of 100 users costs 1 + 100 + 100 + 1000 + 1000 statements. Only the fields the
 * benchmark asks for exist. It runs in its own process, so its GraphQL type names (User, ...)
 * do not meet the gateway's.
 */

interface NaiveContext {
  ds: DataSource;
}

@ObjectType('Consent')
class NaiveConsent {
  @Field(() => PurposeKey)
  purpose!: PurposeKey;

  @Field(() => ConsentStatus)
  status!: ConsentStatus;
}

@ObjectType('DataCategory')
class NaiveCategory {
  @Field()
  key!: string;
}

@ObjectType('Recipient')
class NaiveRecipient {
  @Field(() => ID)
  id!: number;

  @Field()
  name!: string;
}

@ObjectType('Disclosure')
class NaiveDisclosure {
  @Field(() => ID)
  id!: number;

  @Field(() => DisclosurePurpose)
  purpose!: DisclosurePurpose;

  @Field()
  occurredAt!: Date;

  // Read by the recipient resolver, not a field.
  recipientId!: number;
}

const NaiveDisclosureConnection = ConnectionType('Disclosure', NaiveDisclosure);

@ObjectType('User')
class NaiveUser {
  @Field(() => ID)
  id!: number;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;
}

const NaiveUserConnection = ConnectionType('User', NaiveUser);

@Resolver(() => NaiveUser)
class NaiveUserResolver {
  @Query(() => NaiveUserConnection)
  async users(
    @Ctx() { ds }: NaiveContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const take = pageSize(first, 100);
    const afterId = decodeIdCursor(after);
    const rows = await ds.getRepository(Subject).find({ where: afterId === null ? {} : { id: MoreThan(afterId) }, order: { id: 'ASC' }, take: take + 1 });
    return toConnection(rows, take, (s) => encodeIdCursor(s.id));
  }

  @FieldResolver(() => [NaiveConsent])
  consents(@Root() user: NaiveUser, @Ctx() { ds }: NaiveContext) {
    return ds.getRepository(Consent).find({ where: { subjectId: user.id }, order: { purpose: 'ASC' } });
  }

  @FieldResolver(() => NaiveDisclosureConnection)
  async disclosures(@Root() user: NaiveUser, @Ctx() { ds }: NaiveContext, @Arg('first', () => Int, { nullable: true }) first?: number) {
    const take = pageSize(first, 100);
    const rows = await ds.getRepository(Disclosure).find({ where: { subjectId: user.id }, order: { occurredAt: 'DESC', id: 'DESC' }, take: take + 1 });
    return toConnection(rows, take, (d) => encodeTimeCursor(d.occurredAt, d.id));
  }
}

@Resolver(() => NaiveDisclosure)
class NaiveDisclosureResolver {
  @FieldResolver(() => [NaiveCategory])
  async categories(@Root() d: NaiveDisclosure, @Ctx() { ds }: NaiveContext): Promise<DataCategory[]> {
    const rows = await ds.getRepository(DisclosureCategory).find({ where: { disclosureId: d.id }, relations: { category: true }, order: { categoryKey: 'ASC' } });
    return rows.map((r) => r.category!);
  }

  @FieldResolver(() => NaiveRecipient)
  recipient(@Root() d: NaiveDisclosure, @Ctx() { ds }: NaiveContext) {
    return ds.getRepository(Recipient).findOneByOrFail({ id: d.recipientId });
  }
}

export async function startNaiveServer(config: Config): Promise<ChildServer> {
  const ds = createDataSource(config);
  await ds.initialize();
  const schema = await buildSchema({ resolvers: [NaiveUserResolver, NaiveDisclosureResolver], validate: false, emitSchemaFile: false });
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<NaiveContext>({ schema, introspection: false });
  await apollo.start();
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo, { context: async () => ({ ds }) }));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    port: (httpServer.address() as AddressInfo).port,
    statements: () => statementCount(ds),
    async close() {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await apollo.stop();
      await ds.destroy();
    },
  };
}
