import { mysql8Problems, reservedNames } from '../helpers/mysql-portability';

describe('MySQL 8 portability check (what MariaDB accepts and MySQL 8 rejects)', () => {
  it('passes the SQL both servers run', () => {
    for (const sql of [
      'SELECT `s`.`id` FROM `subjects` `s` WHERE `s`.`status` = ? ORDER BY `s`.`id` ASC LIMIT 21',
      'CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT, `at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), `j` json NULL, `u` varchar(36) NOT NULL DEFAULT (uuid()), PRIMARY KEY (`id`)) ENGINE=InnoDB',
      'ALTER TABLE `t` ADD `c` int NULL',
      "INSERT INTO t (a) VALUES ('returning ROWS EXAMINED') ON DUPLICATE KEY UPDATE a = VALUES(a)",
      'SELECT id FROM subjects WHERE id IN (?) AND status = ? LOCK IN SHARE MODE',
      'SELECT COUNT(*) AS n, `rank` FROM `t` -- RETURNING in a comment',
      'SELECT 1 /* CREATE SEQUENCE s */',
      'SHOW REPLICA STATUS',
      'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r',
      'SELECT DEFAULT(col) FROM t',
      'SELECT "RETURNING x", `returning`, `rank` AS `rows` FROM t',
    ])
      expect([sql, mysql8Problems(sql)]).toEqual([sql, []]);
  });
  it('names each MariaDB-only construct', () => {
    const cases: [string, string][] = [
      ['INSERT INTO t (a) VALUES (1) RETURNING id', 'RETURNING (MariaDB only)'],
      ['DELETE FROM t WHERE id = 1 RETURNING id', 'RETURNING (MariaDB only)'],
      ['CREATE OR REPLACE TABLE t (id int)', 'CREATE OR REPLACE of a table, index or other object (MySQL has it for views only)'],
      ['ALTER TABLE t ADD COLUMN IF NOT EXISTS c int', 'IF [NOT] EXISTS inside ALTER TABLE (MariaDB only)'],
      ['ALTER TABLE t DROP INDEX IF EXISTS i', 'IF [NOT] EXISTS inside ALTER TABLE (MariaDB only)'],
      ['ALTER TABLE t ADD UNIQUE KEY IF NOT EXISTS u (a)', 'IF [NOT] EXISTS inside ALTER TABLE (MariaDB only)'],
      ['CREATE INDEX IF NOT EXISTS i ON t (a)', 'CREATE INDEX IF NOT EXISTS / DROP INDEX IF EXISTS (MariaDB only)'],
      ['SELECT NEXTVAL(s)', 'sequences (MariaDB only)'],
      ['SELECT NEXT VALUE FOR s', 'sequences (MariaDB only)'],
      ['CREATE TABLE t (id int) WITH SYSTEM VERSIONING', 'system-versioned tables (MariaDB only)'],
      ['CREATE TABLE t (id int) ENGINE=Aria', 'a MariaDB-only storage engine'],
      ['CREATE TABLE t (a varchar(2) COLLATE utf8mb4_uca1400_ai_ci)', 'a uca1400 collation (MariaDB 10.10+ only)'],
      ['CREATE TABLE t (`id` UUID NOT NULL)', 'a UUID/INET4/INET6 column type (MariaDB only)'],
      ['ALTER TABLE t ADD `ip` INET6 NULL', 'a UUID/INET4/INET6 column type (MariaDB only)'],
      ['CREATE TABLE t (u varchar(36) DEFAULT uuid())', 'a function as a column default without parentheses (MySQL 8 needs DEFAULT (expr))'],
      ['SELECT JSON_DETAILED(j) FROM t', 'a MariaDB-only function'],
      ['SELECT JSON_EXISTS(j, ?) FROM t', 'a MariaDB-only function'],
      ['SELECT MASTER_GTID_WAIT(?, 1)', 'MariaDB GTID functions and variables (MySQL: WAIT_FOR_EXECUTED_GTID_SET, gtid_executed)'],
      ['SELECT @@global.gtid_binlog_pos', 'MariaDB GTID functions and variables (MySQL: WAIT_FOR_EXECUTED_GTID_SET, gtid_executed)'],
      ['SHOW SLAVE STATUS', 'SLAVE/MASTER replication statements (removed in MySQL 8.4; use REPLICA/SOURCE)'],
      ["CHANGE MASTER TO MASTER_HOST = 'h'", 'SLAVE/MASTER replication statements (removed in MySQL 8.4; use REPLICA/SOURCE)'],
      ['SELECT * FROM t LIMIT 10 ROWS EXAMINED 1000', 'LIMIT ROWS EXAMINED (MariaDB only)'],
      ['SELECT * FROM t ORDER BY id FETCH FIRST 10 ROWS ONLY', 'OFFSET/FETCH FIRST (MySQL has only LIMIT)'],
      ['SELECT * FROM t ORDER BY id OFFSET 5 ROWS', 'OFFSET/FETCH FIRST (MySQL has only LIMIT)'],
      ['DROP INDEX IF EXISTS i ON t', 'CREATE INDEX IF NOT EXISTS / DROP INDEX IF EXISTS (MariaDB only)'],
      ['KILL QUERY ID 5', 'KILL ... ID / HARD / SOFT (MariaDB only)'],
      ['SELECT 1 /*M!100000 , 2 */', 'a /*M! comment (MariaDB runs it, MySQL skips it)'],
      ['SELECT COUNT(*) AS rank FROM t', 'the alias rank (reserved in MySQL 8)'],
      ['SELECT a AS `x`, b AS rows FROM t', 'the alias rows (reserved in MySQL 8)'],
      ['SELECT b AS  rank FROM t', 'the alias rank (reserved in MySQL 8)'],
      // A comment between two words still separates them.
      ['DELETE FROM t WHERE id = 1/* why */RETURNING id', 'RETURNING (MariaDB only)'],
    ];
    for (const [sql, why] of cases) expect([sql, mysql8Problems(sql)]).toEqual([sql, [why]]);
  });
  it('finds names MySQL 8 reserves, whatever their case', () => {
    expect(reservedNames(['subjects', 'rank', 'ROWS', 'row_count', 'groups', 'system_id'])).toEqual(['rank', 'ROWS', 'groups']);
    expect(reservedNames([])).toEqual([]);
  });
});
