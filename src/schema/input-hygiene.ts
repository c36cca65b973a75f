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

/** The path of the first string in a variables object with a forbidden character. */
export function findForbidden(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return hasForbiddenCharacters(value) ? path || '(value)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findForbidden(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (hasForbiddenCharacters(k)) return `${path}.(key)`;
      const hit = findForbidden(v, path ? `${path}.${k}` : k);
      if (hit) return hit;
    }
  }
  return null;
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
