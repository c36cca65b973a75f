import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError } from '../domain/errors';
import { isTransientDbError } from '../domain/db-errors';

// Apollo and graphql-js codes that mean the client sent something wrong.
const CLIENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * Apollo's own refusals of a malformed request that carry an HTTP 4xx but no code (an APQ hash
 * that does not match its query, say): the client's mistake, never an internal error.
 */
export function apolloClientError(err: unknown): string | null {
  if (!(err instanceof GraphQLError) || err.extensions?.code) return null;
  const status = (err.extensions?.http as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  return err.message === 'provided sha does not match query' ? 'PERSISTED_QUERY_HASH_MISMATCH' : 'BAD_REQUEST';
}

export interface ErrorReporter {
  (err: unknown): void;
}

/**
 * Every error leaves with one of the project's codes in extensions.code. Unknown errors are
 * reported and answered with a generic message: internals and data never leak.
 */
export function formatError(report: ErrorReporter) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return { message: original.message, path: formatted.path, locations: formatted.locations, extensions: { code: original.code, ...original.details } };
    }
    const clientReason = apolloClientError(original);
    if (clientReason) return { message: formatted.message, extensions: { code: 'BAD_USER_INPUT', reason: clientReason } };
    const code = formatted.extensions?.code as string | undefined;
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'RATE_LIMITED') return formatted;
    if (code && CLIENT_CODES.has(code)) {
      const validationErrors = (original instanceof GraphQLError ? original.extensions?.validationErrors : undefined) as
        | { property: string; constraints?: Record<string, string>; children?: unknown[] }[]
        | undefined;
      return {
        message: formatted.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: {
          code: 'BAD_USER_INPUT',
          // A guard's own reason (QUERY_TOO_DEEP, ...) survives Apollo's GRAPHQL_VALIDATION_FAILED.
          ...(typeof formatted.extensions?.reason === 'string' ? { reason: formatted.extensions.reason } : code !== 'BAD_USER_INPUT' ? { reason: code } : {}),
          // Constraint messages only: the offending values may be personal data.
          ...(validationErrors ? { validationErrors: flattenValidation(validationErrors) } : {}),
        },
      };
    }
    report(original);
    // A deadlock or lost connection that outlasted inTransaction's retries: the transaction
    // rolled back, so the client may simply try again.
    if (isTransientDbError(original))
      return { message: 'the database was briefly unavailable; nothing was saved, try again', path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    return { message: 'internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

function flattenValidation(errors: { property: string; constraints?: Record<string, string>; children?: unknown[] }[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    const children = (e.children ?? []) as { property: string; constraints?: Record<string, string>; children?: unknown[] }[];
    return [...own, ...flattenValidation(children, field)];
  });
}
