import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';

/**
 * Holds the DataLoaders of one request. A loader is made on first use; relations with
 * arguments (page size, filters) get one loader per distinct argument set, so that every
 * parent asking with the same arguments shares one batch.
 */
export class LoaderRegistry {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  constructor(
    readonly dataSource: DataSource,
    private readonly named: ReadonlyMap<string, (registry: LoaderRegistry) => DataLoader<unknown, unknown>> = new Map(),
  ) {}

  /** A loader a plugin declared by name (the plugin contract's `loaders`). */
  use<K, V>(name: string): DataLoader<K, V> {
    const factory = this.named.get(name);
    if (!factory) throw new Error(`no loader named "${name}" is registered`);
    return this.get(name, factory) as unknown as DataLoader<K, V>;
  }

  get<K, V>(name: string, factory: (registry: LoaderRegistry) => DataLoader<K, V>, argsKey = ''): DataLoader<K, V> {
    const key = argsKey ? `${name}:${argsKey}` : name;
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = factory(this) as DataLoader<unknown, unknown>;
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
