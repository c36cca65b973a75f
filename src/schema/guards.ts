import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface GuardLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxPageSize: number;
}

interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

/**
 * Static limits checked before execution: selection depth, aliases, and an estimated cost in
 * which each field costs 1 times the page sizes (`first`) of the lists around it. A `first`
 * given as a variable counts as the maximum page size.
 */
function measure(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, limits: GuardLimits, seen: Set<string>): Measure {
  let depth = 0;
  let cost = 0;
  let aliases = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.alias) aliases += 1;
      let multiplier = 1;
      const first = sel.arguments?.find((a) => a.name.value === 'first');
      if (first) multiplier = first.value.kind === Kind.INT ? Math.max(1, Number(first.value.value)) : limits.maxPageSize;
      else if (sel.selectionSet && /^(users|recipients|auditEvents|disclosures)$/.test(sel.name.value)) multiplier = 20;
      const inner = sel.selectionSet ? measure(sel.selectionSet, fragments, limits, seen) : { depth: 0, cost: 0, aliases: 0 };
      depth = Math.max(depth, 1 + inner.depth);
      cost += 1 + multiplier * inner.cost;
      aliases += inner.aliases;
    } else {
      let inner: Measure = { depth: 0, cost: 0, aliases: 0 };
      if (sel.kind === Kind.INLINE_FRAGMENT) inner = measure(sel.selectionSet, fragments, limits, seen);
      else {
        const frag = fragments.get(sel.name.value);
        // A fragment spread inside itself is reported by graphql-js's own rule; count it once.
        if (frag && !seen.has(frag.name.value)) {
          seen.add(frag.name.value);
          inner = measure(frag.selectionSet, fragments, limits, seen);
          seen.delete(frag.name.value);
        }
      }
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
      aliases += inner.aliases;
    }
  }
  return { depth, cost, aliases };
}

export function queryLimitsRule(limits: GuardLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    return {
      OperationDefinition(node) {
        const m = measure(node.selectionSet, fragments, limits, new Set());
        const fail = (reason: string, message: string) =>
          context.reportError(new GraphQLError(message, { nodes: [node], extensions: { code: 'BAD_USER_INPUT', reason } }));
        if (m.depth > limits.maxDepth) fail('QUERY_TOO_DEEP', `query depth ${m.depth} exceeds the limit of ${limits.maxDepth}`);
        if (m.aliases > limits.maxAliases) fail('TOO_MANY_ALIASES', `query uses ${m.aliases} aliases; the limit is ${limits.maxAliases}`);
        if (m.cost > limits.maxCost) fail('QUERY_TOO_COSTLY', `query cost ${m.cost} exceeds the limit of ${limits.maxCost}`);
      },
    };
  };
}
