import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The access log of purpose-bound reads (one row per person returned to a request). */
export class AccessLog1764370500000 implements MigrationInterface {
  name = 'AccessLog1764370500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `access_log` (`id` bigint UNSIGNED NOT NULL AUTO_INCREMENT, `request_id` char(36) NOT NULL, `actor` varchar(200) NOT NULL, `purpose` varchar(30) NOT NULL, `subject_id` int UNSIGNED NOT NULL, `categories` varchar(500) NOT NULL, `accessed_at` datetime(3) NOT NULL, INDEX `idx_access_log_subject` (`subject_id`, `id`), INDEX `idx_access_log_actor` (`actor`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `access_log`');
  }
}
