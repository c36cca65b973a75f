import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Communications: consented email opens and one notice per subject and policy version.
 * Generated from the entities with TypeORM's schema builder (see the README), charset added as
 * in the other migrations.
 */
export class Communications1764370400000 implements MigrationInterface {
  name = 'Communications1764370400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `email_opens` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `subject_id` int UNSIGNED NOT NULL, `campaign` varchar(100) NULL, `opened_at` datetime(3) NOT NULL, INDEX `idx_email_opens_subject_time` (`subject_id`, `opened_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci',
    );
    await q.query(
      "CREATE TABLE `policy_notices` (`id` int UNSIGNED NOT NULL AUTO_INCREMENT, `policy_version_id` int UNSIGNED NOT NULL, `subject_id` int UNSIGNED NOT NULL, `channel` enum ('EMAIL', 'POSTED') NOT NULL, `notified_at` datetime(3) NOT NULL, `acknowledged_at` datetime(3) NULL, INDEX `idx_policy_notices_subject` (`subject_id`, `policy_version_id`), UNIQUE INDEX `uq_policy_notices_version_subject` (`policy_version_id`, `subject_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    );
    await q.query('ALTER TABLE `email_opens` ADD CONSTRAINT `fk_email_opens_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION');
    await q.query('ALTER TABLE `policy_notices` ADD CONSTRAINT `fk_policy_notices_policy_version_id` FOREIGN KEY (`policy_version_id`) REFERENCES `policy_versions`(`id`) ON DELETE RESTRICT ON UPDATE NO ACTION');
    await q.query('ALTER TABLE `policy_notices` ADD CONSTRAINT `fk_policy_notices_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `policy_notices` DROP FOREIGN KEY `fk_policy_notices_subject_id`');
    await q.query('ALTER TABLE `policy_notices` DROP FOREIGN KEY `fk_policy_notices_policy_version_id`');
    await q.query('ALTER TABLE `email_opens` DROP FOREIGN KEY `fk_email_opens_subject_id`');
    await q.query('DROP TABLE `policy_notices`');
    await q.query('DROP TABLE `email_opens`');
  }
}
