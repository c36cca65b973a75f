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

  /**
   * @param batch false loads every key with its own statement (each through a loader of its own),
   *   keeping the per-request cache, and loaders attach no relations to their rows: what batching
   *   buys, measured by the read bench's naive variant.
   */
  constructor(
    readonly dataSource: DataSource,
    readonly batch = true,
  ) {}

  of<K, V>(definition: LoaderDef<K, V>, argsKey = ''): DataLoader<K, V> {
    const key = argsKey ? `${definition.name}:${argsKey}` : definition.name;
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = (this.batch ? definition.build(this) : this.unbatched(definition)) as DataLoader<unknown, unknown>;
      this.loaders.set(key, loader);
    }
    return loader as DataLoader<K, V>;
  }

  private unbatched<K, V>(definition: LoaderDef<K, V>): DataLoader<K, V> {
    return new DataLoader<K, V>((keys) => Promise.all(keys.map((k) => definition.build(this).load(k))), { batch: false });
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
