import { defineLoader } from '../../src/schema/loaders/loader-registry';
import { loadConfig } from '../../src/config';
import { builtInPlugins } from '../../src/plugins/built-in';
import { orderPlugins, PluginRegistry, PluginRegistryError } from '../../src/plugins/registry';
import type { GatewayPlugin } from '../../src/plugins/plugin';
import type { GraphQLObjectType } from 'graphql';
import { buildGatewaySchema } from '../../src/schema/build-schema';

const plugin = (name: string, requires: string[] = [], extra: Partial<GatewayPlugin> = {}): GatewayPlugin => ({ name, requires, ...extra });

describe('plugin registry', () => {
  it('orders plugins after what they require, and keeps the given order otherwise', () => {
    const ordered = orderPlugins([plugin('c', ['b']), plugin('a'), plugin('b', ['a'])]);
    expect(ordered.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(orderPlugins([plugin('x'), plugin('y')]).map((p) => p.name)).toEqual(['x', 'y']);
  });

  it('refuses duplicate names, missing dependencies, cycles and bad names with a clear error', () => {
    expect(() => orderPlugins([plugin('a'), plugin('a')])).toThrow(new PluginRegistryError('plugin "a" is registered twice'));
    expect(() => orderPlugins([plugin('a', ['ghost'])])).toThrow('plugin "a" requires plugin "ghost", which is not registered');
    expect(() => orderPlugins([plugin('a', ['b']), plugin('b', ['a'])])).toThrow(/cycle: a -> b -> a/);
    expect(() => orderPlugins([plugin('Not Kebab')])).toThrow(/kebab-case/);
  });

  it('gathers every plugin\'s access sections in order, and refuses one under another plugin\'s name, a non-kebab section or the same section twice', async () => {
    const em = {} as never;
    const ctx = { actor: { id: 't', roles: [] }, jobs: { declare: async () => undefined } };
    const section = (p: string, sec: string) => ({ plugin: p, section: sec, title: 'T', explanation: 'E', rows: [{ a: 1 }] });
    const ok = new PluginRegistry([
      plugin('a', [], { accessContributions: async () => [section('a', 'one'), section('a', 'two')] }),
      plugin('b', [], { accessContributions: async () => [section('b', 'one')] }),
      plugin('c'),
    ]);
    expect((await ok.hooks().accessContributions(em, 1, ctx)).map((c) => `${c.plugin}/${c.section}`)).toEqual(['a/one', 'a/two', 'b/one']);
    const hooks = (contributions: ReturnType<typeof section>[]) => new PluginRegistry([plugin('a', [], { accessContributions: async () => contributions })]).hooks();
    await expect(hooks([section('b', 'x')]).accessContributions(em, 1, ctx)).rejects.toThrow('plugin "a" contributed a section as "b"');
    await expect(hooks([section('a', 'Not Kebab')]).accessContributions(em, 1, ctx)).rejects.toThrow('plugin "a": section "Not Kebab" is not kebab-case');
    await expect(hooks([section('a', 'x'), section('a', 'x')]).accessContributions(em, 1, ctx)).rejects.toThrow('plugin "a" contributed section "x" twice');
  });

  it('refuses a service or a loader declared twice', () => {
    const anonymizer = {
      defaultK: 11,
      pseudonymize: (v: string) => v,
      kAnonymize: () => ({ rows: [], kAchieved: 0, suppressedRows: 0, levels: {} }),
      planKAnonymity: () => ({ kAchieved: 0, suppressedRows: 0, levels: {}, generalize: () => null }),
      ageBand: () => null,
      month: () => null,
      ipNetwork: () => null,
      userAgent: () => ({ browser: 'Other', deviceType: 'unknown' }),
      suppressCounts: async () => ({ cells: [], grandTotal: null }),
    };
    expect(() => new PluginRegistry([plugin('a', [], { provides: { anonymizer } }), plugin('b', [], { provides: { anonymizer } })])).toThrow(/service "anonymizer" is provided twice/);
    const build = () => null as never;
    const twice = new PluginRegistry([plugin('a', [], { loaders: [defineLoader('a.x', build), defineLoader('a.x', build)] })]);
    expect(() => twice.loaders()).toThrow(/loader "a.x" is declared twice \(second by plugin "a"\)/);
    // Another plugin's or the core's name would share its per-request slot.
    expect(() => new PluginRegistry([plugin('a', []), plugin('b', [], { loaders: [defineLoader('a.x', build)] })]).loaders()).toThrow(/loader "a.x" of plugin "b" must be named "b.<relation>"/);
    expect(() => new PluginRegistry([plugin('b', [], { loaders: [defineLoader('subject', build)] })]).loaders()).toThrow(/must be named "b.<relation>"/);
    expect(new PluginRegistry([plugin('a', [], { loaders: [defineLoader('a.x', build)] }), plugin('b', [], { loaders: [defineLoader('b.x', build)] })]).loaders()).toEqual(['a.x', 'b.x']);
  });

  it('collects the metrics plugins contribute and refuses one declared twice', () => {
    const gauge = (name: string) => ({ name, help: 'h', collect: async () => 1 });
    const registry = new PluginRegistry([plugin('a', [], { metrics: [gauge('drg_a')] }), plugin('b', [], { metrics: [gauge('drg_b')] })]);
    expect(registry.metrics().map((m) => m.name)).toEqual(['drg_a', 'drg_b']);
    expect(() => new PluginRegistry([plugin('a', [], { metrics: [gauge('drg_x')] }), plugin('b', [], { metrics: [gauge('drg_x')] })]).metrics()).toThrow(
      new PluginRegistryError('metric "drg_x" is declared twice (second by plugin "b")'),
    );
    expect(new PluginRegistry(builtInPlugins(loadConfig({}))).metrics().map((m) => m.name)).toContain('drg_legal_holds_active');
  });

  it('composes the hooks of every plugin, in order, then the core handlers', async () => {
    const calls: string[] = [];
    const registry = new PluginRegistry([
      plugin('a', [], { vetoErasure: async () => ({ plugin: 'a', code: 'NO', reason: 'no', refs: { holdIds: [1] } }), erasureSteps: async () => ({ t1: 2 }) }),
      plugin('b', ['a'], { vetoErasure: async () => null, erasureSteps: async () => ({ t1: 1, t2: 5 }), onHoldReleased: async (_em, ids) => void calls.push(`b:${ids}`) }),
    ]);
    registry.addCoreHandlers({ onHoldReleased: async (_em, ids) => void calls.push(`core:${ids}`) });
    const hooks = registry.hooks();
    const ctx = { actor: { id: 't', roles: [] }, jobs: { declare: async () => undefined } };
    // The hooks only pass the EntityManager through; none of these touch it.
    const em = {} as never;
    expect(await hooks.vetoErasure(em, 1, ctx)).toEqual([{ plugin: 'a', code: 'NO', reason: 'no', refs: { holdIds: [1] } }]);
    expect(await hooks.erasureSteps(em, 1, ctx)).toEqual({ t1: 3, t2: 5 });
    await hooks.onHoldReleased(em, [7, 8], ctx);
    await hooks.onHoldReleased(em, [], ctx);
    expect(calls).toEqual(['b:7,8', 'core:7,8']);
  });

  it('registers the built-in plugins by default, and configuration switches them off', () => {
    expect(builtInPlugins(loadConfig({})).map((p) => p.name)).toEqual(['legal-hold', 'anonymization', 'business-transfer']);
    expect(builtInPlugins(loadConfig({ PLUGINS: '' }))).toEqual([]);
    expect(() => loadConfig({ PLUGINS: 'legal-hold,nope' })).toThrow(/unknown plugin "nope"/);
  });

  it('builds the schema with the plugin’s fields, also when the plugin is set up twice in one process', async () => {
    const full = await buildGatewaySchema({ resolvers: new PluginRegistry(builtInPlugins(loadConfig({}))).resolvers() });
    const again = await buildGatewaySchema({ resolvers: new PluginRegistry(builtInPlugins(loadConfig({}))).resolvers() });
    for (const schema of [full, again]) {
      expect(schema.getMutationType()!.getFields().placeLegalHold).toBeDefined();
      expect(Object.keys((schema.getType('User') as GraphQLObjectType).getFields())).toContain('legalHolds');
    }
  });
});
