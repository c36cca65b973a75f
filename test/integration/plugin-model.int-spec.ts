import { QueueEvents } from 'bullmq';
import { waitFor } from '../helpers/wait';
import { Column, Entity, PrimaryGeneratedColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../../src/entities/enums';
import type { GatewayPlugin } from '../../src/plugins/plugin';
import { builtInPlugins } from '../../src/plugins/built-in';
import { Roles } from '../../src/schema/auth';
import type { GatewayContext } from '../../src/schema/context';
import { startTestGateway, testConfig, type TestGateway } from '../helpers/test-gateway';
import { registerUser } from '../helpers/fixtures';

// A plugin as a third party would write one: an entity with its migration, a query, a job
// on its own queue, and hooks.
@Entity('test_widgets')
class Widget {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 50 })
  label!: string;
}

class CreateWidgets1900000000000 implements MigrationInterface {
  name = 'CreateWidgets1900000000000';
  async up(q: QueryRunner) {
    await q.query('CREATE TABLE `test_widgets` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `label` varchar(50) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB');
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE `test_widgets`');
  }
}

@ObjectType('TestWidget')
class WidgetType {
  @Field(() => Int)
  id!: number;

  @Field()
  label!: string;
}

@Resolver()
class WidgetResolver {
  @Query(() => [WidgetType])
  @Roles(Role.ADMIN)
  testWidgets(@Ctx() ctx: GatewayContext) {
    return ctx.dataSource.getRepository(Widget).find({ order: { id: 'ASC' } });
  }
}

function widgetPlugin(calls: string[]): GatewayPlugin {
  return {
    name: 'test-widgets',
    requires: ['legal-hold'],
    entities: [Widget],
    migrations: [CreateWidgets1900000000000],
    resolvers: [WidgetResolver],
    jobs: [
      {
        name: 'test-widgets.make',
        queue: 'test-widgets',
        async process(payload: { label: string }, ctx) {
          await ctx.dataSource.getRepository(Widget).insert({ label: payload.label });
          return 'made';
        },
      },
    ],
    async vetoErasure(_em, subjectId) {
      calls.push(`veto:${subjectId}`);
      return subjectId === 13 ? { plugin: 'test-widgets', code: 'UNLUCKY', reason: 'unlucky', refs: {} } : null;
    },
    async erasureSteps(_em, subjectId) {
      calls.push(`erase:${subjectId}`);
      return { test_widgets: 0 };
    },
    async onHoldReleased(_em, subjectIds) {
      calls.push(`released:${subjectIds.join(',')}`);
    },
    // Told of every disclosure in the recording change; what it declares commits with it.
    async onDisclosure(em, disclosureIds, ctx) {
      const [{ n }] = await em.query('SELECT COUNT(*) AS n FROM disclosures WHERE id IN (?)', [disclosureIds]);
      calls.push(`disclosed:${disclosureIds.join(',')}:${n}`);
      if (disclosureIds.length === 1) await ctx.jobs.declare({ name: 'test-widgets.make', key: `disclosure-${disclosureIds[0]}`, payload: { label: `disclosed-${disclosureIds[0]}` } });
    },
    async onBootstrap() {
      calls.push('bootstrap');
      return async () => {
        calls.push('shutdown');
      };
    },
  };
}

describe('the plugin model with a plugin registered in a test', () => {
  const calls: string[] = [];
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('plugin_model', { parts: { extraPlugins: [widgetPlugin(calls)] } });
  });
  afterAll(async () => {
    await t.close();
    expect(calls).toContain('shutdown');
  });

  it('adds its entity and migration to the one DataSource', async () => {
    const [{ n }] = await t.gateway.dataSource.query(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'test_widgets'`);
    expect(Number(n)).toBe(1);
    expect(t.gateway.plugins.names()).toEqual(['legal-hold', 'anonymization', 'business-transfer', 'test-widgets']);
    expect(calls[0]).toBe('bootstrap');
  });

  it('adds its query to the schema, with its role rule', async () => {
    await t.gateway.dataSource.getRepository(Widget).insert({ label: 'first' });
    const res = await t.gql<{ testWidgets: { label: string }[] }>(`{ testWidgets { id label } }`);
    expect(res.data!.testWidgets.map((w) => w.label)).toEqual(['first']);
    expect((await t.gql(`{ testWidgets { id } }`, undefined, t.token(Role.APP))).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('runs its job on its own queue', async () => {
    expect(t.gateway.queues.queueNames()).toContain('test-widgets');
    expect(t.gateway.queues.definitionsOf('test-widgets').map((d) => d.name)).toEqual(['test-widgets.make']);
    await t.gateway.work(['test-widgets']);
    const events = new QueueEvents('test-widgets', { connection: { host: t.config.redis.host, port: t.config.redis.port }, prefix: t.config.redis.prefix });
    await events.waitUntilReady();
    try {
      const done = new Promise((resolve) => events.on('completed', resolve));
      await t.gateway.queues.enqueue('test-widgets.make', { label: 'from-job' }, { jobId: 'w1' });
      await done;
    } finally {
      await events.close();
    }
    const labels = (await t.gateway.dataSource.getRepository(Widget).find()).map((w) => w.label);
    expect(labels).toContain('from-job');
  });

  it('is told of a recorded disclosure in the same change, and the jobs it declares run; a refused one tells it nothing', async () => {
    const subject = await registerUser(t, { name: "D", email: "d@example.com" });
    const reg = await t.gql<{ registerRecipient: { id: string } }>(
      `mutation { registerRecipient(input: { kind: AGENT, name: "Hooked", allowedPurposes: [SERVICE_PROVISION] }) { id } }`, undefined, t.token(Role.PRIVACY_OPS),
    );
    const recipientId = reg.data!.registerRecipient.id;
    const DISCLOSE = `mutation($input: RecordDisclosureInput!) { recordDisclosure(input: $input) { id } }`;
    const refused = await t.gql(DISCLOSE, { input: { userId: subject, recipientId, purpose: 'DIRECT_MARKETING', categories: ['user.name'] } }, t.token(Role.PRIVACY_OPS));
    expect(refused.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(calls.filter((c) => c.startsWith('disclosed:'))).toEqual([]);
    const ok = await t.gql<{ recordDisclosure: { id: string } }>(DISCLOSE, { input: { userId: subject, recipientId, purpose: 'SERVICE_PROVISION', categories: ['user.name'] } }, t.token(Role.PRIVACY_OPS));
    expect(ok.errors).toBeUndefined();
    const id = ok.data!.recordDisclosure.id;
    expect(calls.filter((c) => c.startsWith('disclosed:'))).toEqual([`disclosed:${id}:1`]);
    await waitFor(async () => (await t.gateway.dataSource.getRepository(Widget).findOneBy({ label: `disclosed-${id}` })) !== null, 'the job the hook declared', 20000);
  });

  it('has its hooks called: veto, erasure steps, and the hold-released event another plugin raises', async () => {
    const id = await registerUser(t, { name: 'H', email: 'h@example.com' });
    const ctx = { actor: { id: 'test', roles: [Role.ADMIN] }, jobs: { declare: async () => undefined } };
    const vetoes = await t.gateway.dataSource.transaction((em) => t.gateway.hooks.vetoErasure(em, 13, ctx));
    expect(vetoes).toEqual([{ plugin: 'test-widgets', code: 'UNLUCKY', reason: 'unlucky', refs: {} }]);
    expect(await t.gateway.dataSource.transaction((em) => t.gateway.hooks.erasureSteps(em, 13, ctx))).toMatchObject({ test_widgets: 0 });
    const placed = await t.gql<{ placeLegalHold: { hold: { id: string } } }>(`mutation { placeLegalHold(input: { matter: "M", caseReference: "C", subjectIds: ["${id}"] }) { hold { id } } }`, undefined, t.token(Role.LEGAL));
    await t.gql(`mutation($id: ID!) { releaseLegalHold(holdId: $id, reason: "done") { freedSubjectIds } }`, { id: placed.data!.placeLegalHold.hold.id }, t.token(Role.LEGAL));
    expect(calls).toEqual(expect.arrayContaining(['veto:13', 'erase:13', `released:${id}`]));
  });
});

describe('a plugin whose dependency is missing', () => {
  it('stops the gateway from opening, with a clear error', async () => {
    const config = testConfig('plugin_missing');
    const { Gateway } = await import('../../src/gateway');
    await expect(Gateway.open(config, { plugins: [widgetPlugin([])] }, () => undefined)).rejects.toThrow('plugin "test-widgets" requires plugin "legal-hold", which is not registered');
    await expect(Gateway.open(config, { plugins: [...builtInPlugins(config), ...builtInPlugins(config)] }, () => undefined)).rejects.toThrow('plugin "legal-hold" is registered twice');
  });
});
