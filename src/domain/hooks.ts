import type { EntityManager } from 'typeorm';
import type { Actor } from './actor';
import type { JobDeclarer } from './job-intents';
import type { ErasureScope } from './erasure-scope';

/**
 * A plugin's refusal to let a subject be erased, in the plugin's own terms: the core records its
 * code as the request's reason and its references in the request's result, and knows nothing of
 * what they mean (a legal hold says LEGAL_HOLD_ACTIVE and names its holds: { holdIds: [3] }).
 * The request waits (BLOCKED_BY_HOLD); each onHoldReleased for the subject runs it again, and it
 * then cites only the vetoes that remain.
 */
export interface ErasureVeto {
  plugin: string;
  /** Upper-case code, stored as the request's reasonCode. */
  code: string;
  /** For people: why. */
  reason: string;
  /** What stands in the way, by kind: merged over all vetoes into the request's result. */
  refs: Record<string, number[]>;
  /**
   * What the plugin needs kept (a hold's categories and dates); absent: everything. Whatever no
   * veto keeps is erased now, and the request waits, partly done, for the rest (docs/legal.md, point 6).
   */
  keep?: ErasureScope[];
}

/** The rows of a person's history a partial erasure leaves linked and as they are, by table. */
export interface HeldRows {
  collectionEventIds: number[];
  disclosureIds: number[];
}

/**
 * A copy of a person's data a plugin still keeps once their erasure has run, in terms the person
 * is told (11 CCR 7022(f): what is kept, under which exception, until when). The core puts each in
 * the request's result and in the confirmation, and knows nothing of what they are.
 */
export interface RetainedCopy {
  plugin: string;
  /** What is kept, for people: "a copy of your record in the export files of a business transfer to Buyer Co". */
  what: string;
  /** Why it may be kept, for people, with the rule it rests on. */
  exception: string;
  /** When it goes; null when that is not known yet. */
  until: Date | null;
  /** What it is in the plugin's terms, by kind (e.g. { transferIds: [4] }). */
  refs: Record<string, number[]>;
}

/** A value of an access package's row: what JSON and CSV both carry as they are. */
export type AccessValue = string | number | boolean | null;

/**
 * What a plugin holds about a person, for their access package (issue 22): one section, in the
 * person's terms. The core writes it as `plugins/<plugin>-<section>.json` (and .csv) and lists it in
 * the letter, and knows nothing of what it is. A plugin says what it keeps and why, never what
 * would be privileged (a legal matter's name or counsel).
 */
export interface AccessContribution {
  plugin: string;
  /** kebab-case, unique within the plugin. */
  section: string;
  /** For people: "Information we must keep for a legal matter". */
  title: string;
  /** For people: what the rows are and why they are kept or were shared. */
  explanation: string;
  rows: Record<string, AccessValue>[];
}

export interface HookContext {
  actor: Actor;
  /** Jobs a handler asks for, declared in the caller's change. */
  jobs: JobDeclarer;
}

/**
 * The seams where plugins meet the core without importing each other. The domain calls
 * these; the plugin registry composes every plugin's handlers behind them. Each runs inside
 * the caller's transaction.
 */
export interface DomainHooks {
  /** All vetoes of all plugins; an empty list lets the erasure go ahead. */
  vetoErasure(em: EntityManager, subjectId: number, ctx: HookContext): Promise<ErasureVeto[]>;
  /** Copies of the person plugins keep after the erasure, read before any step runs. */
  retainedCopies(em: EntityManager, subjectId: number, ctx: HookContext): Promise<RetainedCopy[]>;
  /** What plugins do to retained data on erasure; rows affected per table. */
  erasureSteps(em: EntityManager, subjectId: number, ctx: HookContext, held?: HeldRows): Promise<Record<string, number>>;
  /** After disclosures were recorded (ids), in the same transaction. */
  onDisclosure(em: EntityManager, disclosureIds: number[], ctx: HookContext): Promise<void>;
  /** Subjects a released hold covered (some may still be held by another): work a hold blocked is asked again. */
  onHoldReleased(em: EntityManager, subjectIds: number[], ctx: HookContext): Promise<void>;
  /** What every plugin holds about the person, for an access package (read in the package's snapshot). */
  accessContributions(em: EntityManager, subjectId: number, ctx: HookContext): Promise<AccessContribution[]>;
}
