import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import type { DomainError } from '../domain/errors';
import type { JobEnqueuer } from '../domain/ports';
import { LoaderRegistry } from './loaders/loader-registry';

/** Per-request state: who is asking, and the DataLoaders built fresh for this request. */
export interface GatewayContext {
  actor: Actor | null;
  /** Why the bearer token was refused, reported when a field needs an actor. */
  authError: DomainError | null;
  dataSource: DataSource;
  config: Config;
  loaders: LoaderRegistry;
  jobs: JobEnqueuer;
}

export function createContext(parts: Omit<GatewayContext, 'loaders'>): GatewayContext {
  return { ...parts, loaders: new LoaderRegistry(parts.dataSource) };
}
