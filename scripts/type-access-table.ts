import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { CORE_TYPE_ACCESS, mergeTypeAccess, type TypeAccessTable } from '../src/domain/type-access.policy';
import { ReadPurpose, Role } from '../src/entities/enums';
import { builtInPlugins } from '../src/plugins/built-in';
import { PluginRegistry } from '../src/plugins/registry';

const START = '<!-- type-access:start (npm run docs:types) -->';
const END = '<!-- type-access:end -->';

/** The type-access table with every built-in plugin's entries, as the default gateway runs. */
export function fullTypeAccess(): TypeAccessTable {
  return mergeTypeAccess(CORE_TYPE_ACCESS, new PluginRegistry(builtInPlugins(loadConfig({ ...process.env, PLUGINS: undefined }))).typeAccess());
}

/** The README's table: one row per type, sorted. */
export function typeAccessMarkdown(table: TypeAccessTable): string {
  const rows = Object.keys(table).sort().map((name) => {
    const access = table[name]!;
    if (access === 'structural') return `| ${name} | wherever its nodes are | wherever its nodes are |`;
    const roles = Object.values(Role).filter((r) => r !== Role.APP && access.roles.includes(r));
    const purposes = Object.values(ReadPurpose).filter((p) => access.purposes.includes(p));
    const every = purposes.length === Object.values(ReadPurpose).length;
    return `| ${name} | ${roles.join(', ') || 'none'}${access.public ? ' (and no token)' : ''} | ${every ? 'all' : purposes.join(', ') || 'none'} |`;
  });
  return ['| type | roles without a purpose | APP purposes |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The section of the README between the markers, or null without them. */
export function readmeSection(readme: string): string | null {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  return a < 0 || b < a ? null : readme.slice(a + START.length, b).trim();
}

export const README_FILE = path.resolve(__dirname, '../../README.md');

/** Rewrites the README's type table from the code (`npm run docs:types`). */
function main(): void {
  const readme = readFileSync(README_FILE, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} section`);
  writeFileSync(README_FILE, `${readme.slice(0, a + START.length)}\n${typeAccessMarkdown(fullTypeAccess())}\n${readme.slice(b)}`);
}

if (require.main === module) main();
