import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { GatewayContext } from './context';

/**
 * Characters no text field of this API accepts: C0 controls other than tab, line feed and
 * carriage return, DEL, and UTF-16 surrogates that are not part of a pair. MySQL would store
 * a NUL and silently replace a lone surrogate with U+FFFD, and a control character in a name
 * ends up in letters, emails and CSV exports. Checked once for every string a request carries.
 */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasForbiddenCharacters(s: string): boolean {
  return FORBIDDEN.test(s);
}

/**
 * The path of the first string in a variables object with a forbidden character. Walked with an
 * explicit stack, not recursion: the body's depth is bounded before Apollo sees it, but a walk
 * that could overflow on input is one we never want to rely on that for.
 */
export function findForbidden(value: unknown, path = ''): string | null {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (typeof v === 'string') {
      if (hasForbiddenCharacters(v)) return p || '(value)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${p}[${i}]`]);
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (const [k] of entries) if (hasForbiddenCharacters(k)) return `${p}.(key)`;
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], p ? `${p}.${entries[i]![0]}` : entries[i]![0]]);
    }
  }
  return null;
}

/**
 * Before Apollo: a /graphql body nested deeper than MAX_JSON_DEPTH (in its variables or
 * extensions) is a 400, not a stack overflow somewhere in variable coercion. A GET carries the
 * same JSON in its query string, which Apollo would parse itself.
 */
export function graphqlBodyDepth(req: Request, res: Response, next: NextFunction): void {
  const fromQuery = req.method === 'GET' ? [req.query.variables, req.query.extensions].filter((v): v is string => typeof v === 'string') : [];
  const tooDeep = jsonDepthExceeds(req.body) || fromQuery.some((text) => jsonDepthExceeds(parseOrNull(text)));
  if (!tooDeep) return next();
  res.status(400).json({
    errors: [{ message: `the request body nests deeper than ${MAX_JSON_DEPTH} levels`, extensions: { code: 'BAD_USER_INPUT', reason: 'VARIABLES_TOO_DEEP' } }],
  });
}

/** Malformed JSON is Apollo's to refuse, with its own message. */
function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * How deep a JSON body may nest. A GraphQL input is at most a few levels deep; a body nested
 * thousands deep only exists to overflow a recursive walk (graphql-js's and ours).
 */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of a parsed JSON value, walked without recursion, stopping past `limit`. */
export function jsonDepthExceeds(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

function literalWithForbidden(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (hasForbiddenCharacters(node.value)) found = true;
    },
  });
  return found;
}

/**
 * Apollo plugin: refuses, before execution, an operation whose variables or string literals
 * hold a forbidden character (BAD_USER_INPUT, reason INVALID_CHARACTERS, HTTP 400).
 */
export function inputHygienePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const inVariables = findForbidden(request.variables ?? {});
          if (!inVariables && !literalWithForbidden(document)) return;
          throw new GraphQLError('a text value holds a control character or an unpaired surrogate', {
            extensions: {
              code: 'BAD_USER_INPUT',
              reason: 'INVALID_CHARACTERS',
              ...(inVariables ? { field: inVariables } : {}),
              http: { status: 400 },
            },
          });
        },
      };
    },
  };
}

/**
 * express.json's errors on /graphql (a body over the limit, bad JSON) answered as GraphQL
 * errors with a typed code instead of Express's HTML page (which names files of the server).
 */
export function graphqlBodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const e = err as { type?: string; status?: number } | null;
  if (!e || typeof e.status !== 'number' || e.status < 400 || e.status >= 500 || res.headersSent) return next(err);
  const tooLarge = e.status === 413;
  res.status(tooLarge ? 413 : 400).json({
    errors: [
      {
        message: tooLarge ? 'the request body is too large' : 'the request body is not valid JSON',
        extensions: { code: 'BAD_USER_INPUT', reason: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'INVALID_JSON' },
      },
    ],
  });
}
