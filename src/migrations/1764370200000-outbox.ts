import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The transactional outbox: messages written with the change that causes them. */
export class Outbox1764370200000 implements MigrationInterface {
  name = 'Outbox1764370200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "CREATE TABLE `outbox_messages` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `kind` varchar(40) NOT NULL, `to_address` varchar(254) NULL, `to_hash` char(64) NOT NULL, `subject` varchar(300) NOT NULL, `text_body` mediumtext NOT NULL, `html_body` mediumtext NULL, `headers` json NULL, `status` enum ('PENDING', 'SENDING', 'SENT', 'FAILED') NOT NULL DEFAULT 'PENDING', `attempts` int UNSIGNED NOT NULL DEFAULT '0', `next_attempt_at` datetime(3) NOT NULL, `sent_at` datetime(3) NULL, `last_error` varchar(1000) NULL, `data_request_id` int UNSIGNED NULL, `recipient_id` int UNSIGNED NULL, `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), INDEX `idx_outbox_request` (`data_request_id`), INDEX `idx_outbox_status_next` (`status`, `next_attempt_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `outbox_messages`');
  }
}
