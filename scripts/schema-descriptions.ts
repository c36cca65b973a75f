import 'reflect-metadata';
import { isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType, type GraphQLSchema } from 'graphql';
import { loadConfig } from '../src/config';
import { builtInPlugins } from '../src/plugins/built-in';
import { PluginRegistry } from '../src/plugins/registry';
import { buildGatewaySchema } from '../src/schema/build-schema';

/**
 * Every type, field, argument and enum value of the API without a description (issue 24: the
 * API explains itself). `node dist/scripts/schema-descriptions.js` lists them; a unit test
 * requires the list to be empty.
 */
export function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!type.description?.trim()) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))
      for (const field of Object.values(type.getFields())) {
        if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) if (!arg.description?.trim()) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    if (isEnumType(type)) for (const value of type.getValues()) if (!value.description?.trim()) missing.push(`${type.name}.${value.name}`);
  }
  return missing;
}

export async function fullSchema(): Promise<GraphQLSchema> {
  const plugins = new PluginRegistry(builtInPlugins(loadConfig({ ...process.env, PLUGINS: undefined })));
  return buildGatewaySchema({ resolvers: plugins.resolvers(), orphanedTypes: plugins.orphanedTypes(), typeAccess: plugins.typeAccess() });
}

if (require.main === module) {
  fullSchema().then(
    (schema) => {
      const missing = undescribed(schema);
      process.stdout.write(missing.length ? `${missing.join('\n')}\n${missing.length} without a description\n` : 'every type, field, argument and enum value has a description\n');
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
