import type { GraphQLObjectType } from 'graphql';
import { loadConfig } from '../../src/config';
import { builtInPlugins } from '../../src/plugins/built-in';
import { PluginRegistry } from '../../src/plugins/registry';
import { buildGatewaySchema } from '../../src/schema/build-schema';

// A file of its own: type-graphql keeps decorator metadata per process (per jest file), and a
// process with a plugin switched off never sets that plugin's resolvers up.
describe('with every built-in plugin switched off', () => {
  it('builds a schema that simply lacks their fields and types', async () => {
    const registry = new PluginRegistry(builtInPlugins(loadConfig({ PLUGINS: '' })));
    expect(registry.names()).toEqual([]);
    const schema = await buildGatewaySchema({ resolvers: registry.resolvers() });
    expect(schema.getMutationType()!.getFields().placeLegalHold).toBeUndefined();
    expect(schema.getQueryType()!.getFields().legalHolds).toBeUndefined();
    expect(Object.keys((schema.getType('User') as GraphQLObjectType).getFields())).not.toContain('legalHolds');
    expect(schema.getType('LegalHold')).toBeUndefined();
    expect(schema.getQueryType()!.getFields().users).toBeDefined();
  });
});
