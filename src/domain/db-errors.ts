// MySQL/MariaDB errors that a retry of the whole transaction can cure.
const TRANSIENT_CODES = new Set([
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
]);

function dbErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } } | null;
  return e?.driverError?.code ?? e?.code;
}

export function isTransientDbError(err: unknown): boolean {
  const code = dbErrorCode(err);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

export const isDuplicateKeyError = (err: unknown): boolean => dbErrorCode(err) === 'ER_DUP_ENTRY';
