import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The legal-hold plugin's own tables: preserved copies of held data and snapshot progress. */
export class LegalHoldPreservation1764370100000 implements MigrationInterface {
  name = 'LegalHoldPreservation1764370100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("CREATE TABLE `legal_hold_preservations` (`hold_id` int UNSIGNED NOT NULL, `status` enum ('PENDING', 'COMPLETED') NOT NULL, `subjects_total` int UNSIGNED NOT NULL, `subjects_done` int UNSIGNED NOT NULL, `records_preserved` int UNSIGNED NOT NULL, `updated_at` datetime(3) NOT NULL, PRIMARY KEY (`hold_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query("CREATE TABLE `legal_hold_preserved_records` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `hold_id` int UNSIGNED NOT NULL, `subject_id` int UNSIGNED NOT NULL, `record_type` enum ('SUBJECT', 'CONSENT', 'CONSENT_EVENT', 'DISCLOSURE', 'COLLECTION_EVENT') NOT NULL, `record_id` int UNSIGNED NOT NULL, `content` mediumtext NOT NULL, `sha256` char(64) NOT NULL, `preserved_at` datetime(3) NOT NULL, `purge_after` datetime(3) NULL, INDEX `idx_preserved_records_purge` (`purge_after`), INDEX `idx_preserved_records_subject` (`subject_id`, `hold_id`), INDEX `idx_preserved_records_hold` (`hold_id`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    await q.query('ALTER TABLE `legal_hold_preservations` ADD CONSTRAINT `fk_legal_hold_preservations_hold_id` FOREIGN KEY (`hold_id`) REFERENCES `legal_holds`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION');
    await q.query('ALTER TABLE `legal_hold_preserved_records` ADD CONSTRAINT `fk_legal_hold_preserved_records_hold_id` FOREIGN KEY (`hold_id`) REFERENCES `legal_holds`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `legal_hold_preserved_records`');
    await q.query('DROP TABLE `legal_hold_preservations`');
  }
}
