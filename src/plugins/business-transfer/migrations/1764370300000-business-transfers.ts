import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The business-transfer plugin's own tables: transfers and their chunk checkpoints. */
export class BusinessTransfers1764370300000 implements MigrationInterface {
  name = 'BusinessTransfers1764370300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE `business_transfers` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `deal_name` varchar(200) NOT NULL, `acquirer_id` int UNSIGNED NOT NULL, `phase` enum ('DUE_DILIGENCE', 'CLOSING') NOT NULL, `format` enum ('NDJSON', 'CSV') NOT NULL, `scope` text NOT NULL, `status` enum ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED') NOT NULL, `generated_at` datetime(3) NOT NULL, `subject_max_id` int UNSIGNED NOT NULL, `disclosure_max_id` int UNSIGNED NOT NULL, `consent_event_max_id` int UNSIGNED NOT NULL, `chunk_size` int UNSIGNED NOT NULL, `k` int UNSIGNED NOT NULL, `public_key` text NULL, `data_key` char(64) NULL, `wrapped_key` text NULL, `export_path` varchar(500) NOT NULL, `subjects_total` int UNSIGNED NOT NULL, `subjects_done` int UNSIGNED NOT NULL, `chunks_total` int UNSIGNED NULL, `chunks_done` int UNSIGNED NOT NULL, `manifest` mediumtext NULL, `error` varchar(2000) NULL, `started_by` varchar(200) NOT NULL, `started_at` datetime(3) NOT NULL, `planned_at` datetime(3) NULL, `finished_at` datetime(3) NULL, `cancelled_by` varchar(200) NULL, INDEX `idx_business_transfers_status` (`status`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `business_transfer_chunks` (`transfer_id` int UNSIGNED NOT NULL, `seq` int UNSIGNED NOT NULL, `after_subject_id` int UNSIGNED NOT NULL, `up_to_subject_id` int UNSIGNED NOT NULL, `status` enum ('PENDING', 'DONE') NOT NULL, `subjects` int UNSIGNED NOT NULL, `parts` text NULL, `completed_at` datetime(3) NULL, PRIMARY KEY (`transfer_id`, `seq`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query('ALTER TABLE `business_transfers` ADD CONSTRAINT `fk_business_transfers_acquirer_id` FOREIGN KEY (`acquirer_id`) REFERENCES `recipients`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION');
    await q.query('ALTER TABLE `business_transfer_chunks` ADD CONSTRAINT `fk_business_transfer_chunks_transfer_id` FOREIGN KEY (`transfer_id`) REFERENCES `business_transfers`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `business_transfer_chunks`');
    await q.query('DROP TABLE `business_transfers`');
  }
}
