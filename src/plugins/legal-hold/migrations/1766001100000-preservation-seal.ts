import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, point 10 (docs/legal.md): each preserved record carries a MAC keyed with a secret
 * that is not in the database, and each hold a seal of its preserved set (count, digest, MAC), so
 * that an edit, a deletion or an insertion by a database writer is found. Records preserved
 * before this migration keep a NULL mac and verify as mismatches until a keyed reseal exists.
 */
export class PreservationSeal1766001100000 implements MigrationInterface {
  name = 'PreservationSeal1766001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `legal_hold_preserved_records` ADD `mac` char(64) NULL');
    await q.query('CREATE INDEX `idx_preserved_records_unsealed` ON `legal_hold_preserved_records` (`mac`, `id`)');
    await q.query(
      "ALTER TABLE `legal_hold_preservations` ADD `seal_count` int UNSIGNED NOT NULL DEFAULT 0, ADD `seal_digest` char(64) NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000', ADD `seal_mac` char(64) NULL",
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `legal_hold_preservations` DROP COLUMN `seal_mac`, DROP COLUMN `seal_digest`, DROP COLUMN `seal_count`');
    await q.query('DROP INDEX `idx_preserved_records_unsealed` ON `legal_hold_preserved_records`');
    await q.query('ALTER TABLE `legal_hold_preserved_records` DROP COLUMN `mac`');
  }
}
