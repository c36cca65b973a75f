import type { FlowJob, Job } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { DomainHooks } from '../domain/hooks';
import type { UseCaseRunner } from '../domain/job-intents';
import type { PluginServices } from '../domain/plugin-services.port';
import type { ReadRouting } from '../domain/read-routing.port';

export interface JobContext {
  dataSource: DataSource;
  config: Config;
  /** Runs a change: its transaction, then the jobs it declared (as resolvers do). */
  run: UseCaseRunner;
  /** Where reads that may use a MySQL replica go (an export's data pages). */
  reads: ReadRouting;
  /** Adds a BullMQ flow (children, then their parent) on the process's shared connection. */
  flows: { addFlow(flow: FlowJob): Promise<void> };
  /** Hands intents older than a grace to the queue again (the replay job). */
  intents: { replay(dataSource: DataSource, graceMs: number): Promise<{ queued: number; satisfied: number; waiting: number }> };
  hooks: DomainHooks;
  services: PluginServices;
  job: Job;
}

/**
 * A named unit of background work. Names are stable strings (`erasure.run`), never class
 * names, so queued jobs survive refactoring. Payloads carry ids, never entities.
 */
export interface JobDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  queue: string;
  process(payload: P, ctx: JobContext): Promise<unknown>;
  attempts?: number;
  backoff?: { type: 'exponential' | 'fixed'; delay: number };
  /** Jobs of this queue one worker runs at once (defaults to the configured concurrency). */
  concurrency?: number;
  /** Repeat on a schedule (e.g. the deadline monitor). */
  repeat?: { every: number };
}

// Payload types differ per definition and one registry holds them all, so the payload type
// is erased here (any); each definition's own process() keeps its typed payload.
export type AnyJobDefinition = JobDefinition<any>;
