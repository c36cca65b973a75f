import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, Kind } from 'graphql';
import { DomainError } from '../domain/errors';
import { errorFields, saneRequestId, type Logger } from '../ops/logger';
import type { GatewayMetrics, RequestOutcome } from '../ops/metrics';
import type { GatewayContext } from './context';
import { apolloClientError } from './errors';

/**
 * One log line and one metrics sample per GraphQL request: a request id (the caller's
 * x-request-id if it looks like one, else a new UUID, echoed back in the response header), the
 * operation, the actor (token subject and roles), the duration and the outcome with its error
 * codes. Never the query's variables or any result data. Unexpected errors are logged here,
 * scrubbed, with the request id.
 */
export function requestLogPlugin(logger: Logger, metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const started = process.hrtime.bigint();
      const requestId = saneRequestId(request.http?.headers.get('x-request-id')) ?? randomUUID();
      // A log field, not a metrics label: any well-formed name may appear here.
      const named = request.operationName && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(request.operationName) ? request.operationName : 'anonymous';
      logger.debug({ requestId, operation: named }, 'graphql request started');
      let fields: string[] = [];
      let operationType: string | undefined;
      // Set once the document parsed and validated: only then may its name become a metrics label.
      let resolved = false;
      return {
        async didResolveOperation({ operation }) {
          if (!operation) return;
          resolved = true;
          operationType = operation.operation;
          fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
        },
        async didEncounterErrors({ errors }) {
          for (const err of errors) {
            const original = unwrapResolverError(err);
            if (original instanceof DomainError) continue;
            if (original instanceof GraphQLError && original.extensions?.code) continue;
            if (apolloClientError(original)) continue;
            logger.error({ requestId, path: err.path?.join('.'), ...errorFields(original) }, 'unexpected error');
          }
        },
        async willSendResponse({ response, operationName }) {
          response.http.headers.set('x-request-id', requestId);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const codes = [...new Set((errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN')))];
          const outcome: RequestOutcome = codes.length === 0 ? 'ok' : codes.some((c) => c === 'INTERNAL_SERVER_ERROR' || c === 'SERVICE_UNAVAILABLE' || c === 'UNKNOWN') ? 'error' : 'client_error';
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operation = metrics.operationLabel(operationName, resolved && contextValue.actor !== null);
          metrics.requestFinished(operation, outcome, seconds);
          const actor = contextValue.actor;
          logger.info(
            {
              requestId,
              operation,
              operationType,
              fields,
              actor: actor ? { sub: actor.id, roles: actor.roles } : null,
              durationMs: Math.round(seconds * 1e4) / 10,
              outcome,
              ...(codes.length ? { codes } : {}),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
