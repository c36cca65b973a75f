import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 26, points 2 and 5: every usage report shared with a partner, with its window (overlapping windows are refused) and, for a differentially private one, the ε it spent. */
export class SharedUsageReports1766001900000 implements MigrationInterface {
  name = 'SharedUsageReports1766001900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "CREATE TABLE `shared_usage_reports` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `recipient_id` int UNSIGNED NOT NULL, `disclosure_id` int UNSIGNED NOT NULL, `dimensions` varchar(64) NOT NULL, `window_from` datetime(3) NOT NULL, `window_until` datetime(3) NOT NULL, `mode` enum ('SUPPRESSION', 'DIFFERENTIAL_PRIVACY') NOT NULL DEFAULT 'SUPPRESSION', `epsilon` decimal(7,3) NULL, `k` smallint UNSIGNED NOT NULL, `protection_width` smallint UNSIGNED NOT NULL, `sha256` char(64) NOT NULL, `shared_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX `idx_shared_usage_reports_partner` (`recipient_id`, `window_from`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    );
    await this.upBackfill(q);
  }

  /**
   * Reports shared before this table existed are in it too, from their disclosures. Their windows
   * were not kept, so each stands for every window: the partner gets no further SUPPRESSION report
   * until privacy operations review it (delete the row once its window is known and recorded);
   * noisy reports are governed by the budget and still go.
   */
  async upBackfill(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO shared_usage_reports (recipient_id, disclosure_id, dimensions, window_from, window_until, mode, epsilon, k, protection_width, sha256, shared_at)
       SELECT recipient_id, id, '(unknown)', '1970-01-01 00:00:00.000', '9999-12-31 00:00:00.000', 'SUPPRESSION', NULL, 0, 0, SUBSTRING(transaction_reference, 21, 64), created_at
         FROM disclosures WHERE transaction_reference LIKE 'usage-report:sha256:%' AND subject_id IS NULL ORDER BY id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `shared_usage_reports`');
  }
}
