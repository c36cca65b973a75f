/**
 * SQL that MariaDB accepts and MySQL 8 rejects (or runs differently). No MySQL 8 server can be
 * installed on this project's machines (see README, "MySQL 8"), so the integration suite runs on
 * MariaDB and this check keeps what we send portable: the portability test records every
 * statement the migrations and a full workload send, and each must pass.
 */

// Words MySQL 8 reserves that MariaDB 10.x does not: unquoted, as a name, they break on MySQL 8.
export const MYSQL8_ONLY_RESERVED = [
  'CUBE', 'CUME_DIST', 'DENSE_RANK', 'EMPTY', 'FIRST_VALUE', 'FUNCTION', 'GROUPING', 'GROUPS', 'JSON_TABLE', 'LAG', 'LAST_VALUE',
  'LATERAL', 'LEAD', 'MANUAL', 'NTH_VALUE', 'NTILE', 'OF', 'OVER', 'PARALLEL', 'PERCENT_RANK', 'QUALIFY', 'RANK', 'RECURSIVE',
  'ROW', 'ROWS', 'ROW_NUMBER', 'SYSTEM', 'TABLESAMPLE', 'WINDOW',
] as const;
const RESERVED = new Set<string>(MYSQL8_ONLY_RESERVED);

const RULES: [RegExp, string][] = [
  [/\bRETURNING\b/i, 'RETURNING (MariaDB only)'],
  [/\bCREATE\s+OR\s+REPLACE\s+(TABLE|INDEX|SEQUENCE|DATABASE|USER|ROLE|TRIGGER)\b/i, 'CREATE OR REPLACE of a table, index or other object (MySQL has it for views only)'],
  [/^\s*ALTER\s+TABLE\b[\s\S]*?\b(ADD|DROP|MODIFY|CHANGE|RENAME)\s+(COLUMN\s+|INDEX\s+|KEY\s+|CONSTRAINT\s+|FOREIGN\s+KEY\s+|PARTITION\s+|(UNIQUE\s+)?(INDEX|KEY)\s+)?IF\s+(NOT\s+)?EXISTS\b/i, 'IF [NOT] EXISTS inside ALTER TABLE (MariaDB only)'],
  [/\bCREATE\s+(UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+IF\s+NOT\s+EXISTS\b|^\s*DROP\s+INDEX\s+IF\s+EXISTS\b/i, 'CREATE INDEX IF NOT EXISTS / DROP INDEX IF EXISTS (MariaDB only)'],
  [/\b(NEXTVAL|LASTVAL|SETVAL)\s*\(|\bNEXT\s+VALUE\s+FOR\b|\bCREATE\s+SEQUENCE\b/i, 'sequences (MariaDB only)'],
  [/\bWITH\s+SYSTEM\s+VERSIONING\b|\bFOR\s+SYSTEM_TIME\b/i, 'system-versioned tables (MariaDB only)'],
  [/\bENGINE\s*=\s*(Aria|ColumnStore|S3|Spider|Mroonga|Connect|Sequence)\b/i, 'a MariaDB-only storage engine'],
  [/\butf8mb[34]_uca1400\w*/i, 'a uca1400 collation (MariaDB 10.10+ only)'],
  [/^\s*(CREATE|ALTER)\s+TABLE\b[\s\S]*?[\s(,]\S+\s+(UUID|INET4|INET6)\b(?=\s|,|\))/i, 'a UUID/INET4/INET6 column type (MariaDB only)'],
  [/\bDEFAULT\s+(?!(CURRENT_TIMESTAMP|NOW|LOCALTIME|LOCALTIMESTAMP|NULL|TRUE|FALSE)\b)[A-Za-z_]\w*\s*\(/i, 'a function as a column default without parentheses (MySQL 8 needs DEFAULT (expr))'],
  [/\b(JSON_DETAILED|JSON_PRETTY_PRINT|JSON_EXISTS|JSON_QUERY|JSON_COMPACT|JSON_LOOSE|JSON_NORMALIZE|JSON_EQUALS|COLUMN_CREATE|COLUMN_GET|COLUMN_ADD)\s*\(/i, 'a MariaDB-only function'],
  [/\bMASTER_GTID_WAIT\s*\(|\bgtid_binlog_pos\b|\bgtid_slave_pos\b/i, 'MariaDB GTID functions and variables (MySQL: WAIT_FOR_EXECUTED_GTID_SET, gtid_executed)'],
  [/\bSHOW\s+SLAVE\s+STATUS\b|\b(START|STOP)\s+SLAVE\b|\bCHANGE\s+MASTER\b/i, 'SLAVE/MASTER replication statements (removed in MySQL 8.4; use REPLICA/SOURCE)'],
  [/\bROWS\s+EXAMINED\b/i, 'LIMIT ROWS EXAMINED (MariaDB only)'],
  [/\bFETCH\s+(FIRST|NEXT)\s+\d*\s*ROWS?\b|\bOFFSET\s+\d+\s+ROWS?\b/i, 'OFFSET/FETCH FIRST (MySQL has only LIMIT)'],
  [/\bKILL\s+(QUERY\s+)?ID\b|\bKILL\s+(HARD|SOFT)\b/i, 'KILL ... ID / HARD / SOFT (MariaDB only)'],
  [/\/\*M!/, 'a /*M! comment (MariaDB runs it, MySQL skips it)'],
];

/** The statement with string literals, quoted names and comments blanked (their text is data, not syntax). */
function syntaxOf(sql: string): string {
  return sql
    .replace(/'(?:[^'\\]|\\.|'')*'/g, "''")
    .replace(/"(?:[^"\\]|\\.|"")*"/g, '""')
    .replace(/`(?:[^`]|``)*`/g, '``')
    .replace(/\/\*(?!M!)[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ');
}

/** What in one statement MySQL 8 would reject; empty when it is portable. */
export function mysql8Problems(sql: string): string[] {
  const syntax = syntaxOf(sql);
  const problems = RULES.filter(([re]) => re.test(syntax)).map(([, why]) => why);
  // An unquoted alias that MySQL 8 reserves.
  for (const m of syntax.matchAll(/\bAS\s+([A-Za-z_]\w*)/gi)) if (RESERVED.has(m[1]!.toUpperCase())) problems.push(`the alias ${m[1]} (reserved in MySQL 8)`);
  return problems;
}

/** Names (tables, columns, indexes) that MySQL 8 reserves: raw SQL would have to quote them every time. */
export function reservedNames(names: string[]): string[] {
  return names.filter((n) => RESERVED.has(n.toUpperCase()));
}
