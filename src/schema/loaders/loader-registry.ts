import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';

/**
 * A relation's per-request loader: its name (one DataLoader, so one batch, per name and argument
 * key in a request) and how to build it. Core and plugins define loaders the same way and reach
 * them the same way, `ctx.loaders.of(definition)`, typed by the definition.
 */
export interface LoaderDef<K, V> {
  readonly name: string;
  build(registry: LoaderRegistry): DataLoader<K, V>;
}

export function defineLoader<K, V>(name: string, build: (registry: LoaderRegistry) => DataLoader<K, V>): LoaderDef<K, V> {
  return { name, build };
}

/**
 * Holds the DataLoaders of one request. A loader is made on first use; relations with
 * arguments (page size, filters) get one loader per distinct argument set, so that every
 * parent asking with the same arguments shares one batch.
 */
export class LoaderRegistry {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  constructor(readonly dataSource: DataSource) {}

  of<K, V>(definition: LoaderDef<K, V>, argsKey = ''): DataLoader<K, V> {
    const key = argsKey ? `${definition.name}:${argsKey}` : definition.name;
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = definition.build(this) as DataLoader<unknown, unknown>;
      this.loaders.set(key, loader);
    }
    return loader as DataLoader<K, V>;
  }
}

/** Groups rows by a key, in the order of the requested keys (what a DataLoader batch returns). */
export function groupBy<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const map = new Map<K, R[]>();
  for (const k of keys) map.set(k, []);
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((k) => map.get(k) ?? []);
}

export function indexBy<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): (R | null)[] {
  const map = new Map<K, R>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}
