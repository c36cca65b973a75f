import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import { buildSchema, parse, printSchema } from 'graphql';

/**
 * The console's TypeScript types, generated from schema.graphql by GraphQL Code Generator into
 * src/console/graphql-types.ts. `--check` fails when the committed file differs (CI), like the
 * schema check, so the console never drifts from the API.
 */
async function main(): Promise<number> {
  const root = join(__dirname, '..', '..');
  const schema = buildSchema(readFileSync(join(root, 'schema.graphql'), 'utf8'));
  const out = join(root, 'src/console/graphql-types.ts');
  const body = await codegen({
    schema: parse(printSchema(schema)),
    documents: [],
    filename: out,
    config: { enumsAsTypes: true, avoidOptionals: { field: true, inputValue: false }, scalars: { DateTimeISO: 'string', JSONObject: 'Record<string, unknown>' } },
    plugins: [{ typescript: {} }],
    pluginMap: { typescript: typescriptPlugin },
  });
  const text = `// Generated from schema.graphql by scripts/console-types.ts (npm run console:types); do not edit.\n${body}`;
  if (process.argv.includes('--check')) {
    const committed = readFileSync(out, 'utf8');
    if (committed !== text) {
      process.stderr.write('src/console/graphql-types.ts is out of date: run npm run console:types\n');
      return 1;
    }
    process.stdout.write('src/console/graphql-types.ts matches schema.graphql\n');
    return 0;
  }
  writeFileSync(out, text);
  return 0;
}

main().then((code) => process.exit(code));
