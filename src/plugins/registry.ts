import type { TypeAccessTable } from '../domain/type-access.policy';
import type { EntityManager } from 'typeorm';
import type { Config } from '../config';
import type { AccessContribution, DomainHooks, ErasureVeto, HookContext } from '../domain/hooks';
import type { AnyJobDefinition } from '../jobs/job-definition';
import type { Router } from 'express';
import type { GatewayPlugin, PluginBootstrapContext, PluginCommand, PluginMetric, PluginRouteDeps } from './plugin';
import type { PluginServices } from '../domain/plugin-services.port';

export class PluginRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginRegistryError';
  }
}

/** Handlers the core itself contributes to a hook (e.g. resuming erasures a hold blocked). */
export type CoreHookHandlers = Pick<GatewayPlugin, 'onHoldReleased' | 'onDisclosure' | 'erasureSteps'>;

/**
 * The one place that assembles plugins: it checks names and dependencies, orders plugins so
 * that each comes after what it needs, and builds the DataSource parts, the schema parts, the
 * per-request loaders, the job definitions, the services and the composed domain hooks.
 */
export class PluginRegistry {
  readonly plugins: readonly GatewayPlugin[];
  readonly services: PluginServices;
  private readonly coreHandlers: CoreHookHandlers[] = [];
  private shutdowns: (() => Promise<void>)[] = [];

  constructor(plugins: GatewayPlugin[]) {
    this.plugins = orderPlugins(plugins);
    const services: PluginServices = {};
    for (const p of this.plugins) {
      for (const [key, service] of Object.entries(p.provides ?? {}) as [keyof PluginServices, PluginServices[keyof PluginServices]][]) {
        if (services[key]) throw new PluginRegistryError(`service "${key}" is provided twice (second by plugin "${p.name}")`);
        Object.assign(services, { [key]: service });
      }
    }
    this.services = services;
  }

  names(): string[] {
    return this.plugins.map((p) => p.name);
  }

  has(name: string): boolean {
    return this.plugins.some((p) => p.name === name);
  }

  entities(): Function[] {
    return this.plugins.flatMap((p) => p.entities ?? []);
  }

  migrations(): Function[] {
    return this.plugins.flatMap((p) => p.migrations ?? []);
  }

  resolvers(): Function[] {
    return this.plugins.flatMap((p) => p.resolvers ?? []);
  }

  orphanedTypes(): Function[] {
    return this.plugins.flatMap((p) => p.orphanedTypes ?? []);
  }

  /** The plugins' type-access entries, each with its plugin (merged with the core's by mergeTypeAccess). */
  typeAccess(): { plugin: string; types: TypeAccessTable }[] {
    return this.plugins.filter((p) => p.typeAccess).map((p) => ({ plugin: p.name, types: p.typeAccess! }));
  }

  jobs(): AnyJobDefinition[] {
    return this.plugins.flatMap((p) => p.jobs ?? []);
  }

  /**
   * Checks the plugins' loaders: each name starts with its plugin's name and a dot, so no two
   * loaders share a per-request slot (the core's names have no dot). Returns their names.
   */
  loaders(): string[] {
    const names: string[] = [];
    for (const p of this.plugins)
      for (const definition of p.loaders ?? []) {
        if (!definition.name.startsWith(`${p.name}.`)) throw new PluginRegistryError(`loader "${definition.name}" of plugin "${p.name}" must be named "${p.name}.<relation>"`);
        if (names.includes(definition.name)) throw new PluginRegistryError(`loader "${definition.name}" is declared twice (second by plugin "${p.name}")`);
        names.push(definition.name);
      }
    return names;
  }

  metrics(): PluginMetric[] {
    const seen = new Set<string>();
    return this.plugins.flatMap((p) =>
      (p.metrics ?? []).map((m) => {
        if (seen.has(m.name)) throw new PluginRegistryError(`metric "${m.name}" is declared twice (second by plugin "${p.name}")`);
        seen.add(m.name);
        return m;
      }),
    );
  }

  /** Every plugin's HTTP routes, in registration order. */
  routes(deps: PluginRouteDeps): Router[] {
    return this.plugins.flatMap((p) => (p.routes ? [p.routes(deps)] : []));
  }

  commands(): PluginCommand[] {
    const seen = new Set<string>();
    return this.plugins.flatMap((p) =>
      (p.commands ?? []).map((c) => {
        if (seen.has(c.name)) throw new PluginRegistryError(`command "${c.name}" is declared twice (second by plugin "${p.name}")`);
        seen.add(c.name);
        return c;
      }),
    );
  }

  /** Lets the core add its own handlers to a hook; they run after the plugins'. */
  addCoreHandlers(handlers: CoreHookHandlers): void {
    this.coreHandlers.push(handlers);
  }

  /** One DomainHooks object over every plugin (in order), then the core's handlers. */
  hooks(): DomainHooks {
    const all = (): CoreHookHandlers[] => [...this.plugins, ...this.coreHandlers];
    return {
      vetoErasure: async (em: EntityManager, subjectId: number, ctx: HookContext) => {
        const vetoes: ErasureVeto[] = [];
        for (const p of this.plugins) {
          const veto = await p.vetoErasure?.(em, subjectId, ctx);
          if (veto) vetoes.push(veto);
        }
        return vetoes;
      },
      retainedCopies: async (em, subjectId, ctx) => {
        const copies = [];
        for (const p of this.plugins) copies.push(...((await p.retainedCopies?.(em, subjectId, ctx)) ?? []));
        return copies;
      },
      erasureSteps: async (em, subjectId, ctx, held) => {
        const summary: Record<string, number> = {};
        for (const h of all()) for (const [table, n] of Object.entries((await h.erasureSteps?.(em, subjectId, ctx, held)) ?? {})) summary[table] = (summary[table] ?? 0) + n;
        return summary;
      },
      onDisclosure: async (em, ids, ctx) => {
        for (const h of all()) await h.onDisclosure?.(em, ids, ctx);
      },
      onHoldReleased: async (em, subjectIds, ctx) => {
        if (subjectIds.length === 0) return;
        for (const h of all()) await h.onHoldReleased?.(em, subjectIds, ctx);
      },
      accessContributions: async (em, subjectId, ctx) => {
        const sections: AccessContribution[] = [];
        for (const p of this.plugins)
          for (const c of (await p.accessContributions?.(em, subjectId, ctx)) ?? []) {
            if (c.plugin !== p.name) throw new PluginRegistryError(`plugin "${p.name}" contributed a section as "${c.plugin}"`);
            if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.section)) throw new PluginRegistryError(`plugin "${p.name}": section "${c.section}" is not kebab-case`);
            if (sections.some((s) => s.plugin === c.plugin && s.section === c.section)) throw new PluginRegistryError(`plugin "${p.name}" contributed section "${c.section}" twice`);
            sections.push(c);
          }
        return sections;
      },
    };
  }

  async bootstrap(ctx: Omit<PluginBootstrapContext, 'services' | 'hooks'>): Promise<void> {
    for (const p of this.plugins) {
      const shutdown = await p.onBootstrap?.({ ...ctx, services: this.services, hooks: this.hooks() });
      if (shutdown) this.shutdowns.push(shutdown);
    }
  }

  /** Shuts plugins down in reverse order of start. */
  async shutdown(): Promise<void> {
    for (const stop of this.shutdowns.reverse()) await stop();
    this.shutdowns = [];
  }
}

/** Dependency order (a plugin after everything it requires), stable otherwise. */
export function orderPlugins(plugins: GatewayPlugin[]): GatewayPlugin[] {
  const byName = new Map<string, GatewayPlugin>();
  for (const p of plugins) {
    if (!p.name || !/^[a-z][a-z0-9-]*$/.test(p.name)) throw new PluginRegistryError(`plugin name "${p.name}" must be kebab-case`);
    if (byName.has(p.name)) throw new PluginRegistryError(`plugin "${p.name}" is registered twice`);
    byName.set(p.name, p);
  }
  for (const p of plugins)
    for (const dep of p.requires ?? [])
      if (!byName.has(dep)) throw new PluginRegistryError(`plugin "${p.name}" requires plugin "${dep}", which is not registered`);
  const ordered: GatewayPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: GatewayPlugin, path: string[]) => {
    if (state.get(p.name) === 'done') return;
    if (state.get(p.name) === 'visiting') throw new PluginRegistryError(`plugins require each other in a cycle: ${[...path, p.name].join(' -> ')}`);
    state.set(p.name, 'visiting');
    for (const dep of p.requires ?? []) visit(byName.get(dep)!, [...path, p.name]);
    state.set(p.name, 'done');
    ordered.push(p);
  };
  for (const p of plugins) visit(p, []);
  return ordered;
}
