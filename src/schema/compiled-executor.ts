import type { GatewayExecutionResult, GatewayGraphQLRequestContext, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import {
  BREAK, execute, getNamedType, getVariableValues, GraphQLError, isInputObjectType, Source, typeFromAST, visit,
  type DocumentNode, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

export interface CompiledExecutorOptions {
  /** Compiled documents kept; the least recently used is dropped first. */
  cacheSize: number;
  /** Arrivals of a document before it is compiled: a one-off query is not worth a compile. */
  compileAfter: number;
  /** Told of every execution (the Prometheus counters). */
  observe?: (executor: 'compiled' | 'interpreted', cachedDocuments: number) => void;
  /**
   * Whether this request's arrival counts toward a compile (and a place in the cache): only
   * authenticated callers', so that a stranger cannot buy compiles, or evict the apps' documents,
   * with queries that every guard refuses anyway. Every request counts when absent.
   */
  counts?: (context: Record<string, unknown>) => boolean;
}

type Plan = { kind: 'compiled'; query: CompiledQuery } | { kind: 'interpreted'; seen: number };

/** What a request that does not count gets when its document is not compiled yet (never updated). */
const STRANGER: Plan = Object.freeze({ kind: 'interpreted', seen: -Infinity }) as Plan;

/**
 * Runs Apollo's validated operations with graphql-jit, through the one seam Apollo Server 5 keeps
 * for another executor (the `gateway` option's `load()` returns it; apollo-server #7978/#7981,
 * graphql-jit #219). Apollo still parses, validates, runs every plugin, formats the errors and
 * speaks GraphQL over HTTP; only the walk over the schema's resolvers is a compiled function
 * instead of graphql-js's interpreter. The schema, and so every guard wrapped into its resolvers
 * (type policy, read purpose, access log), is the same object in both.
 *
 * A document is compiled the `compileAfter`-th time it arrives (the apps' queries repeat; a
 * stranger's one-off query would cost a compile for nothing) and kept in a bounded LRU keyed by
 * Apollo's query hash and the operation name. A document graphql-jit cannot compile runs on
 * graphql-js, as does every document before its compile.
 */
export class CompiledExecutor implements GatewayInterface {
  private readonly plans = new Map<string, Plan>();
  private listener: GatewaySchemaLoadOrUpdateCallback | null = null;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: CompiledExecutorOptions,
  ) {}

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.listener = callback;
    return () => {
      this.listener = null;
    };
  }

  async load(): Promise<{ executor: (rc: GatewayGraphQLRequestContext) => Promise<GatewayExecutionResult> }> {
    // Apollo reads the schema from this callback; there is no supergraph behind it.
    this.listener?.({ apiSchema: this.schema, coreSupergraphSdl: '' });
    return { executor: (rc) => this.run(rc) };
  }

  async stop(): Promise<void> {
    this.plans.clear();
  }

  private async run(rc: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const { document, operation, request } = rc;
    const variables = request.variables ?? {};
    // graphql-js coerces the variables, so a bad one is refused with graphql-js's own error (its
    // AST node is what Apollo reads to answer BAD_USER_INPUT); the compiled function coerces
    // again, which for a handful of variables costs nothing worth a second implementation.
    if (operation.variableDefinitions?.length) {
      const coerced = getVariableValues(this.schema, operation.variableDefinitions, variables);
      if (coerced.errors) return { errors: coerced.errors };
    }
    const plan: Plan = this.options.counts && !this.options.counts(rc.context) ? this.plans.get(this.keyOf(rc)) ?? STRANGER : this.planFor(rc);
    this.options.observe?.(plan.kind, this.plans.size);
    if (plan.kind === 'interpreted') {
      return execute({ schema: this.schema, document, contextValue: rc.context, variableValues: variables, operationName: rc.operationName });
    }
    const result = await plan.query.query(undefined, rc.context, variables);
    return result.errors?.length ? { ...result, errors: result.errors.map((e) => asGraphQLJsError(e, rc.source)) } : result;
  }

  private keyOf(rc: GatewayGraphQLRequestContext): string {
    return `${rc.queryHash}\u0000${rc.operationName ?? ''}`;
  }

  private planFor(rc: GatewayGraphQLRequestContext): Plan {
    const key = this.keyOf(rc);
    const known = this.plans.get(key);
    if (known) {
      // Map keeps insertion order: re-inserting marks it as the most recently used.
      this.plans.delete(key);
      this.plans.set(key, known);
      if (known.kind === 'compiled' || ++known.seen < this.options.compileAfter) return known;
    }
    let plan: Plan = { kind: 'interpreted', seen: 1 };
    if (!mayCompile(this.schema, rc.document, rc.operation)) plan = { kind: 'interpreted', seen: -Infinity };
    else if (this.options.compileAfter <= 1 || known) {
      const compiled = compileQuery(this.schema, rc.document, rc.operationName ?? undefined);
      // A document graphql-jit refuses stays on graphql-js for good (seen never reaches a compile again).
      plan = isCompiledQuery(compiled) ? { kind: 'compiled', query: compiled } : { kind: 'interpreted', seen: -Infinity };
    }
    this.plans.delete(key);
    this.plans.set(key, plan);
    while (this.plans.size > this.options.cacheSize) {
      const oldest = this.plans.keys().next().value as string;
      this.plans.delete(oldest);
    }
    return plan;
  }
}

/**
 * Whether graphql-jit runs this operation exactly as graphql-js would. It does not for input
 * objects built from variables: an omitted non-null field with a default is refused instead of
 * defaulted (graphql-jit #142), and an omitted field inside a literal that holds variables
 * reaches the resolver as null instead of absent (#91), where "absent" may mean "leave as is"
 * and null "clear it". So only queries whose variables are scalars, enums or lists of them, and
 * whose argument literals hold no variable inside an object, are compiled: the apps' read path.
 * Mutations always run on graphql-js; they write rights, and are not where the time goes.
 */
export function mayCompile(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type);
    if (!type || isInputObjectType(getNamedType(type))) return false;
  }
  let variableInObject = false;
  visit(document, {
    ObjectValue(node) {
      visit(node, {
        Variable() {
          variableInObject = true;
          return BREAK;
        },
      });
      return variableInObject ? BREAK : false;
    },
  });
  return !variableInObject;
}

/**
 * graphql-jit's errors inherit from graphql-js's GraphQLError but are built by another
 * constructor: no AST nodes, no source, `extensions` undefined rather than {}. Apollo's error
 * formatting reads `extensions.code` and our formatError reads the original error; rebuilt as a
 * graphql-js error, a resolver's error leaves exactly as it did under graphql-js.
 */
export function asGraphQLJsError(error: GraphQLError, source: string): GraphQLError {
  if (error.constructor === GraphQLError) return error;
  const positions = error.locations?.map((l) => positionOf(source, l.line, l.column));
  return new GraphQLError(error.message, {
    source: positions?.length ? new Source(source) : undefined,
    positions,
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
}

/** The offset of a 1-based line and column in a source (graphql-js counts \r\n, \n and \r as line ends). */
export function positionOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = source.slice(offset).search(/\r\n|[\n\r]/);
    if (next < 0) return source.length;
    offset += next + (source.startsWith('\r\n', offset + next) ? 2 : 1);
  }
  return offset + column - 1;
}
