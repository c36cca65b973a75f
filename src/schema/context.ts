import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import type { DomainError } from '../domain/errors';
import type { DomainHooks } from '../domain/hooks';
import type { UseCaseOutcome, UseCaseRunner } from '../domain/job-intents';
import type { PluginServices } from '../domain/plugin-services.port';
import type { ReadPurpose } from '../domain/read-purpose.rules';
import type { ReadRouting } from '../domain/read-routing.port';
import { LoaderRegistry } from './loaders/loader-registry';
import { AccessRecorder } from './read-purpose/access-recorder';

/** Per-request state: who is asking, and the DataLoaders built fresh for this request. */
export interface GatewayContext {
  actor: Actor | null;
  /** Why the bearer token was refused, reported when a field needs an actor. */
  authError: DomainError | null;
  dataSource: DataSource;
  config: Config;
  loaders: LoaderRegistry;
  /** Runs a change: its transaction, then the jobs it declared. */
  run: UseCaseRunner;
  /** Where reads that may use a MySQL replica go (a users page, a usage report); everything else reads dataSource, the primary. */
  reads: ReadRouting;
  hooks: DomainHooks;
  services: PluginServices;
  /** The purpose this request declared (X-Purpose); null when none (roles that are not purpose-bound). */
  purpose: ReadPurpose | null;
  /** Why the declared purpose was refused (or is missing), reported before any operation runs. */
  purposeError: DomainError | null;
  /** What a purpose-bound request returned about whom, for the access log. */
  access: AccessRecorder;
  /**
   * Things the client should know about a change that succeeded, sent as `extensions.warnings`:
   * e.g. QUEUE_UNAVAILABLE when the change is recorded but its job waits for Redis.
   */
  warnings: ResponseWarning[];
  /** The client's address as the socket saw it: the rate-limit key of token-less mutations. */
  clientAddress: string | null;
}

export interface ResponseWarning {
  code: string;
  message: string;
  /** The mutation field it concerns. */
  field?: string;
}

/** The warning of a change recorded while its job could not be queued (Redis unavailable). */
export function queueUnavailable(field: string, what: string): ResponseWarning {
  return { code: 'QUEUE_UNAVAILABLE', field, message: `${what} is recorded, but its job could not be queued (Redis unavailable); the job replay queues it once Redis answers` };
}

/** Presents a change's outcome: its result, with the warning when its jobs wait for Redis. */
export function presented<T>(ctx: GatewayContext, outcome: UseCaseOutcome<T>, field: string, what: (result: T) => string): T {
  if (!outcome.queued) ctx.warnings.push(queueUnavailable(field, what(outcome.result)));
  return outcome.result;
}

export function createContext(parts: Omit<GatewayContext, 'loaders' | 'access' | 'warnings'>): GatewayContext {
  return { ...parts, loaders: new LoaderRegistry(parts.dataSource, parts.config.graphql.batchLoads), access: new AccessRecorder(), warnings: [] };
}
