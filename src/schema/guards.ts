import {
  GraphQLError,
  Kind,
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  type ASTVisitor,
  type DefinitionNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from './pagination';

export interface GuardLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxPageSize: number;
}

/** What a selection set weighs: its deepest field (1 for its own fields), estimated cost and aliases. */
export interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

export type LimitReason = 'QUERY_TOO_DEEP' | 'QUERY_TOO_COSTLY' | 'TOO_MANY_ALIASES';

/** Thrown out of the walk the moment a limit is passed, so no document is walked further than that. */
class LimitExceeded extends Error {
  constructor(readonly reason: LimitReason) {
    super(reason);
  }
}

/**
 * Introspection fields are measured as one flat-cost field: their answer is bounded by the schema,
 * and GraphQL tools' standard introspection query is deeper than any data query needs.
 */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
export const INTROSPECTION_COST = 100;

const ZERO: Measure = { depth: 0, cost: 0, aliases: 0 };

/**
 * Static limits checked before execution: selection depth, aliases, and an estimated cost in which
 * each field costs 1 plus its page size (`first`) times what it selects. A `first` given as a
 * variable counts as the maximum page size; a paginated field (one with a `first` argument) called
 * without it counts as the default page.
 *
 * Each named fragment is measured once and its measure reused at every spread (a fragment's
 * depth, cost and aliases do not depend on where it is spread), so a document whose fragments
 * spread each other twice, 2^40 times in all, is walked in time linear in its size. The walk stops
 * as soon as a limit is passed: costs only grow as a walk goes on (page sizes are at least 1).
 */
export class QueryMeasurer {
  private readonly memo = new Map<string, Measure | 'walking'>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly limits: GuardLimits,
  ) {}

  /** The measure of an operation's selection set, or the first limit it passes. */
  measureOperation(set: SelectionSetNode, root: GraphQLCompositeType | null | undefined): Measure | LimitReason {
    try {
      return this.measureSet(set, root ?? null, 1);
    } catch (err) {
      if (err instanceof LimitExceeded) return err.reason;
      throw err;
    }
  }

  /** `level` is the depth the set's own fields are at, counted from the set being measured on its own. */
  private measureSet(set: SelectionSetNode, parent: GraphQLCompositeType | null, level: number): Measure {
    if (level > this.limits.maxDepth) throw new LimitExceeded('QUERY_TOO_DEEP');
    let depth = 0;
    let cost = 0;
    let aliases = 0;
    for (const sel of set.selections) {
      let inner: Measure;
      if (sel.kind === Kind.FIELD) {
        inner = this.measureField(sel, parent, level);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? this.compositeType(sel.typeCondition.name.value) : parent;
        // An inline fragment adds no level: its fields are the parent's.
        inner = this.measureSet(sel.selectionSet, type, level);
      } else {
        const frag = this.fragment(sel.name.value);
        // The fragment's own depth is counted from 1; here its fields sit at `level`.
        if (frag.depth + level - 1 > this.limits.maxDepth) throw new LimitExceeded('QUERY_TOO_DEEP');
        inner = frag;
      }
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
      aliases += inner.aliases;
      if (aliases > this.limits.maxAliases) throw new LimitExceeded('TOO_MANY_ALIASES');
      if (cost > this.limits.maxCost) throw new LimitExceeded('QUERY_TOO_COSTLY');
    }
    return { depth, cost, aliases };
  }

  /** A field's measure, its depth counted from this set (1 for a leaf). */
  private measureField(field: FieldNode, parent: GraphQLCompositeType | null, level: number): Measure {
    const aliases = field.alias ? 1 : 0;
    if (INTROSPECTION_FIELDS.has(field.name.value)) return { depth: 1, cost: INTROSPECTION_COST, aliases };
    if (!field.selectionSet) return { depth: 1, cost: 1, aliases };
    const def = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[field.name.value] : undefined;
    const type = def ? getNamedType(def.type) : null;
    const inner = this.measureSet(field.selectionSet, type && isCompositeType(type) ? type : null, level + 1);
    const multiplier = this.pageMultiplier(field, def?.args.some((a) => a.name === 'first') ?? false);
    return { depth: 1 + inner.depth, cost: 1 + multiplier * inner.cost, aliases: aliases + inner.aliases };
  }

  private pageMultiplier(field: FieldNode, paginated: boolean): number {
    const first = field.arguments?.find((a) => a.name.value === 'first');
    if (!first) return paginated ? Math.min(DEFAULT_PAGE_SIZE, this.limits.maxPageSize) : 1;
    if (first.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
    // A variable (or a value graphql-js will refuse): assume the largest page.
    return this.limits.maxPageSize;
  }

  /** A named fragment's measure, computed on its first spread and reused after. */
  private fragment(name: string): Measure {
    const known = this.memo.get(name);
    // A spread inside its own fragment is reported by graphql-js's NoFragmentCycles; count it once.
    if (known === 'walking') return ZERO;
    if (known) return known;
    const def = this.fragments.get(name);
    // An unknown fragment is reported by graphql-js's KnownFragmentNames.
    if (!def) return ZERO;
    this.memo.set(name, 'walking');
    const m = this.measureSet(def.selectionSet, this.compositeType(def.typeCondition.name.value), 1);
    this.memo.set(name, m);
    return m;
  }

  private compositeType(name: string): GraphQLCompositeType | null {
    const type = this.schema.getType(name);
    return type && isCompositeType(type) ? type : null;
  }
}


const MESSAGES: Record<LimitReason, (l: GuardLimits) => string> = {
  QUERY_TOO_DEEP: (l) => `query depth exceeds the limit of ${l.maxDepth}`,
  TOO_MANY_ALIASES: (l) => `query uses more aliases than the limit of ${l.maxAliases}`,
  QUERY_TOO_COSTLY: (l) => `query cost exceeds the limit of ${l.maxCost}`,
};

/** A document's named fragments by name (a Map: a fragment may be called `constructor`). */
export function fragmentsOf(definitions: readonly DefinitionNode[]): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

export function queryLimitsRule(limits: GuardLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    // One measurer per document: a fragment shared by several operations is measured once.
    const measurer = new QueryMeasurer(schema, fragmentsOf(context.getDocument().definitions), limits);
    return {
      OperationDefinition(node) {
        const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        const m = measurer.measureOperation(node.selectionSet, root);
        if (typeof m === 'string')
          context.reportError(new GraphQLError(MESSAGES[m](limits), { nodes: [node], extensions: { code: 'BAD_USER_INPUT', reason: m } }));
      },
    };
  };
}

/**
 * An operation type the schema has no root for (there is no Subscription type) is the client's
 * mistake: graphql-js 16 only notices it during execution, where it becomes an internal error.
 */
export const knownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (context.getSchema().getRootType(node.operation)) return;
    context.reportError(
      new GraphQLError(`this API has no ${node.operation} operations`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_OPERATION_TYPE' } }),
    );
  },
});
