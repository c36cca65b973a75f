import type { RequestHandler, Response, Router } from 'express';
import type { Role } from '../entities/enums';
import type { Actor } from '../domain/actor';
import type { PluginMetric } from '../ops/metrics';
import type { Logger } from '../ops/logger';
import type { EntityManager, DataSource } from 'typeorm';
import type { Config } from '../config';
import type { AccessContribution, ErasureVeto, HeldRows, HookContext, DomainHooks, RetainedCopy } from '../domain/hooks';
import type { UseCaseRunner } from '../domain/job-intents';
import type { AnyJobDefinition } from '../jobs/job-definition';
import type { LoaderDef } from '../schema/loaders/loader-registry';
import type { PluginServices } from '../domain/plugin-services.port';
import type { TypeAccessTable } from '../domain/type-access.policy';

/**
 * The plugin contract. A plugin is a plain object made by a factory (`legalHoldPlugin(options)`),
 * options held in the factory's closure, no static state, every part optional. Plugins reach
 * the core only through these parts, and each other only through `provides`/`services`.
 */
export interface GatewayPlugin {
  /** Unique; also the key other plugins name in `requires`. */
  name: string;
  /** Plugins that must be registered (and are set up) before this one. */
  requires?: string[];
  /** Services this plugin offers to the plugins that require it, typed by core interfaces. */
  provides?: Partial<PluginServices>;

  /** TypeORM entity classes and migrations added to the one DataSource. */
  entities?: Function[];
  migrations?: Function[];

  /** type-graphql resolver classes (and types reachable only through interfaces). */
  resolvers?: Function[];
  orphanedTypes?: Function[];
  /**
   * Who may see each object type the plugin adds (src/domain/type-access.policy.ts); a type it
   * does not name is shown to ADMIN only. Pagination wrappers need no entry.
   */
  typeAccess?: TypeAccessTable;

  /**
   * Its per-request loaders (defineLoader), reached as `ctx.loaders.of(definition)` like the
   * core's. Declared so the registry can check that each name starts with the plugin's name.
   */
  // Key and value types differ per loader; one list holds them all (each use keeps its types).
  loaders?: LoaderDef<any, any>[];

  /** Named job definitions, on queues of the plugin's own. */
  jobs?: AnyJobDefinition[];

  /** Domain hooks, each run inside the caller's transaction. */
  vetoErasure?(em: EntityManager, subjectId: number, ctx: HookContext): Promise<ErasureVeto | null>;
  /** Copies of the person the plugin keeps after their erasure, and until when (read before the steps). */
  retainedCopies?(em: EntityManager, subjectId: number, ctx: HookContext): Promise<RetainedCopy[]>;
  /**
   * Rows handled, by step. Reporting `collection_events_deidentified` or `disclosures_unlinked`
   * (even 0) takes that step over: the subject's rows there are no longer linked to it, and the
   * core skips its own fallback (deleting the events, unlinking the disclosures).
   */
  erasureSteps?(em: EntityManager, subjectId: number, ctx: HookContext, held?: HeldRows): Promise<Record<string, number>>;
  onDisclosure?(em: EntityManager, disclosureIds: number[], ctx: HookContext): Promise<void>;
  onHoldReleased?(em: EntityManager, subjectIds: number[], ctx: HookContext): Promise<void>;
  /** What the plugin holds about a person, for their access package: sections in the person's terms. */
  accessContributions?(em: EntityManager, subjectId: number, ctx: HookContext): Promise<AccessContribution[]>;

  /** Gauges the plugin adds to /metrics, read at scrape time (e.g. active legal holds). */
  metrics?: PluginMetric[];

  /** Commands the plugin adds to the command line (`data-rights-gateway <name> ...`). */
  commands?: PluginCommand[];

  /**
   * Plain HTTP routes the plugin serves (a download, say), mounted on the gateway's app. They are
   * adapters like resolvers: they check the caller with `requireRoles` (a bearer token, or a
   * console session with its same-origin check) and call a use case.
   */
  routes?(deps: PluginRouteDeps): Router;

  /** Runs once the process is up; may return its shutdown hook. */
  onBootstrap?(ctx: PluginBootstrapContext): Promise<(() => Promise<void>) | void>;
}

/**
 * What a plugin command may use of an opened gateway. The CLI opens it when the command asks (a
 * command that only reads files never connects), and the command stops it; a plugin never
 * imports the gateway itself, which would close a circle through the composition module.
 */
export interface PluginCommandGateway {
  dataSource: DataSource;
  /** Runs a change: its transaction, then the jobs it declared. */
  run: UseCaseRunner;
  /** Starts this process's workers for the named queues. */
  work(queues: string[]): Promise<string[]>;
  stop(): Promise<void>;
}

export interface PluginCommand {
  name: string;
  /** Lines for the CLI's usage text. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], config: Config, openGateway: () => Promise<PluginCommandGateway>): Promise<number>;
}

export interface PluginBootstrapContext {
  config: Config;
  dataSource: DataSource;
  /** Runs a change: its transaction, then the jobs it declared. */
  run: UseCaseRunner;
  hooks: DomainHooks;
  services: PluginServices;
  logger: Logger;
}

/** What a plugin's HTTP routes may use. */
export interface PluginRouteDeps {
  config: Config;
  /** Runs a change: its transaction, then the jobs it declared. */
  run: UseCaseRunner;
  logger: Logger;
  /** Lets the request through only for one of these roles; refuses it in the gateway's error format otherwise. */
  requireRoles(roles: Role[]): RequestHandler;
  /** Answers with an error in the gateway's format (a DomainError's code and status). */
  sendError(res: Response, err: unknown): void;
  /** The caller `requireRoles` let through. */
  actorOf(res: Response): Actor;
}

export type { PluginMetric };
