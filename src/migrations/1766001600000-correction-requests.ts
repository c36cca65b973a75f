import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 22: correction requests (CCPA 1798.106): the request type, what the person sent, and each proposed change with its decision. */
export class CorrectionRequests1766001600000 implements MigrationInterface {
  name = 'CorrectionRequests1766001600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE `data_requests` MODIFY `type` enum ('ERASURE', 'CHILD_DELETION', 'CALIFORNIA_NOTICE', 'ACCESS', 'CORRECTION') NOT NULL");
    await q.query(
      'CREATE TABLE `correction_requests` (`request_id` int UNSIGNED NOT NULL, `subject_id` int UNSIGNED NOT NULL, `evidence` text NULL, ' +
        'INDEX `idx_correction_requests_subject` (`subject_id`), PRIMARY KEY (`request_id`), ' +
        'CONSTRAINT `fk_correction_requests_request_id` FOREIGN KEY (`request_id`) REFERENCES `data_requests` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION) ENGINE=InnoDB',
    );
    await q.query(
      'CREATE TABLE `correction_changes` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `request_id` int UNSIGNED NOT NULL, `subject_id` int UNSIGNED NOT NULL, `field` varchar(40) NOT NULL, ' +
        "`proposed_value` varchar(300) NULL, `status` enum ('PENDING', 'ACCEPTED', 'REJECTED') NOT NULL DEFAULT 'PENDING', `reason` varchar(1000) NULL, `decided_by` varchar(200) NULL, `decided_at` datetime(3) NULL, " +
        'UNIQUE INDEX `uq_correction_changes_request_field` (`request_id`, `field`), INDEX `idx_correction_changes_subject` (`subject_id`), PRIMARY KEY (`id`), ' +
        'CONSTRAINT `fk_correction_changes_request_id` FOREIGN KEY (`request_id`) REFERENCES `data_requests` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION) ENGINE=InnoDB',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `correction_changes`');
    await q.query('DROP TABLE `correction_requests`');
    await q.query("DELETE FROM `data_requests` WHERE `type` = 'CORRECTION'");
    await q.query("ALTER TABLE `data_requests` MODIFY `type` enum ('ERASURE', 'CHILD_DELETION', 'CALIFORNIA_NOTICE', 'ACCESS') NOT NULL");
  }
}
