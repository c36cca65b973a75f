import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, point 3 (docs/legal.md): a transfer's export files are kept for a retention fixed at
 * its start (default 30 days after it ends), then purged by the plugin's sweep. Transfers that
 * ended before this migration get the default from their end.
 */
export class ExportArtifactRetention1766000900000 implements MigrationInterface {
  name = 'ExportArtifactRetention1766000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE `business_transfers` ADD `artifact_retention_days` int UNSIGNED NOT NULL DEFAULT 30, ADD `artifacts_expire_at` datetime(3) NULL, ADD `artifacts_purged_at` datetime(3) NULL, ADD INDEX `idx_business_transfers_artifacts` (`artifacts_purged_at`, `artifacts_expire_at`)',
    );
    await q.query("UPDATE `business_transfers` SET `artifacts_expire_at` = `finished_at` + INTERVAL 30 DAY WHERE `status` IN ('COMPLETED', 'FAILED') AND `finished_at` IS NOT NULL");
    // A cancelled transfer's files were removed when it was cancelled.
    await q.query("UPDATE `business_transfers` SET `artifacts_purged_at` = `finished_at` WHERE `status` = 'CANCELLED'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `business_transfers` DROP INDEX `idx_business_transfers_artifacts`, DROP COLUMN `artifacts_purged_at`, DROP COLUMN `artifacts_expire_at`, DROP COLUMN `artifact_retention_days`');
  }
}
