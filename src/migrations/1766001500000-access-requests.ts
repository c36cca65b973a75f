import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22: access requests. A request type ACCESS, how each request's person was verified and
 * the level it needed (null on requests recorded before), and the sealed packages that answer
 * access requests.
 */
export class AccessRequests1766001500000 implements MigrationInterface {
  name = 'AccessRequests1766001500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE `data_requests` MODIFY `type` enum ('ERASURE', 'CHILD_DELETION', 'CALIFORNIA_NOTICE', 'ACCESS') NOT NULL");
    await q.query(
      "ALTER TABLE `data_requests` ADD `verification_method` enum ('NONE', 'EMAIL_ROUND_TRIP', 'TWO_DATA_POINTS', 'THREE_DATA_POINTS_DECLARATION', 'SIGNED_IN_SESSION', 'NOT_APPLICABLE') NULL, " +
        "ADD `verification_required` enum ('NONE', 'REASONABLE', 'REASONABLY_HIGH') NULL",
    );
    await q.query(
      'CREATE TABLE `access_packages` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `request_id` int UNSIGNED NOT NULL, `subject_id` int UNSIGNED NOT NULL, ' +
        "`status` enum ('READY', 'DOWNLOADED', 'PURGED') NOT NULL, `scope` varchar(20) NOT NULL, `file_path` varchar(500) NULL, `bytes` bigint UNSIGNED NOT NULL, `sha256` char(64) NOT NULL, " +
        '`wrapped_key` varchar(200) NOT NULL, `token_hash` char(64) NULL, `delivery` varchar(20) NOT NULL, `created_at` datetime(3) NOT NULL, `link_expires_at` datetime(3) NOT NULL, ' +
        '`downloaded_at` datetime(3) NULL, `purge_after` datetime(3) NOT NULL, `purged_at` datetime(3) NULL, ' +
        'UNIQUE INDEX `uq_access_packages_request` (`request_id`), UNIQUE INDEX `uq_access_packages_token` (`token_hash`), ' +
        'INDEX `idx_access_packages_purge` (`purged_at`, `purge_after`), INDEX `idx_access_packages_subject` (`subject_id`), PRIMARY KEY (`id`), ' +
        'CONSTRAINT `fk_access_packages_request_id` FOREIGN KEY (`request_id`) REFERENCES `data_requests` (`id`) ON DELETE RESTRICT ON UPDATE NO ACTION) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `access_packages`');
    await q.query("DELETE FROM `data_requests` WHERE `type` = 'ACCESS'");
    await q.query('ALTER TABLE `data_requests` DROP `verification_method`, DROP `verification_required`');
    await q.query("ALTER TABLE `data_requests` MODIFY `type` enum ('ERASURE', 'CHILD_DELETION', 'CALIFORNIA_NOTICE') NOT NULL");
  }
}
