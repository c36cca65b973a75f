import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config';

export type { Logger } from 'pino';

/** What tests hand the gateway to receive its log lines, parsed (see loggerFromFn). */
export type LogFn = (line: Record<string, unknown>) => void;

/**
 * Keys that would hold personal data or secrets if some caller ever logged a row, a variables
 * object or a header set. A second line of defence: callers log ids, codes and counts only.
 */
const REDACT = [
  'email', 'phone', 'name', 'ip', 'address', 'postalAddress', 'variables', 'authorization', 'token', 'password',
  '*.email', '*.phone', '*.name', '*.ip', '*.address', '*.postalAddress', '*.variables', '*.authorization', '*.token', '*.password',
];

/**
 * A pino logger at the configured level, to stdout unless told otherwise: JSON lines, or with
 * `pretty` readable lines (pino-pretty, in the same process and synchronously, so a crash loses no
 * line). Redaction happens before either.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream, format: 'json' | 'pretty' = 'json'): Logger {
  if (!destination && format === 'pretty')
    // Loaded only when asked for; colours only for a terminal (LOG_FORMAT=pretty into a file stays plain).
    destination = (require('pino-pretty') as typeof import('pino-pretty'))({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A pino logger that hands each parsed line to a function (tests). */
export function loggerFromFn(fn: LogFn, level: LogLevel): Logger {
  // A function that takes no line (`() => undefined`) cannot use one: skip formatting entirely.
  return createLogger(fn.length === 0 ? 'silent' : level, { write: (s: string) => fn(JSON.parse(s) as Record<string, unknown>) });
}

const EMAIL = /[^\s@'"<>(),;:]+@[^\s@'"<>(),;:]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
// Compressed (with '::') or full eight-group forms only, so stack positions (file.js:12:34) survive.
const IPV6 = /(?:[0-9a-f]{1,4}:){1,7}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?|::(?:[0-9a-f]{1,4}:)*[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}/gi;
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;
const QUOTED = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g;

/**
 * Removes what could be personal data from an error message or stack: quoted values (MySQL
 * puts the offending value in quotes, e.g. "Duplicate entry 'a@b.example'"), emails, IPs,
 * phone-like digit runs.
 */
export function scrub(text: string): string {
  return text.replace(QUOTED, "'?'").replace(EMAIL, '[email]').replace(IPV6, '[ip]').replace(IPV4, '[ip]').replace(PHONE, '[number]');
}

/**
 * The fields of an error safe to log: its type, code and scrubbed message and stack. Never the
 * error object itself: a TypeORM QueryFailedError carries the statement's parameters, a
 * GraphQLError its variables' values.
 */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { error: scrub(String(err)).slice(0, 500) };
  const e = err as Error & { code?: unknown; errno?: unknown };
  return {
    errorType: e.name,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { errorCode: e.code } : {}),
    error: scrub(e.message).slice(0, 500),
    stack: scrub(e.stack ?? '').split('\n').slice(0, 12).join('\n'),
  };
}

/** An x-request-id from a caller is used only if it looks like an id, not free text. */
export function saneRequestId(value: unknown): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && /^[A-Za-z0-9._:-]{8,128}$/.test(v) ? v : null;
}
