import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Shine-the-Light compile reads the categories of a chunk of people's disclosures. Keyed by
 * disclosure id alone, a person's category rows lie on as many pages as they have disclosures
 * (their ids are spread over years of other people's), so a chunk of 400 people touched ~2,000
 * pages of disclosure_categories, most of them outside the buffer pool: 35 of the ~55 ms the
 * compile's read took. A copy of the disclosure's subject_id, leading an index, puts a chunk's
 * category rows side by side (~15 ms).
 *
 * The copy is kept by the database, so no writer can forget it or get it wrong: a trigger fills
 * it from the disclosure on every insert (whatever the insert says), another follows the
 * disclosure's subject_id when it changes (erasure and de-identification unlink disclosures),
 * and a foreign key clears it if a subject row is ever deleted (the disclosure's own SET NULL
 * key fires no trigger). The backfill is one UPDATE: on a large table, run it at a quiet hour.
 */
export class DisclosureCategorySubject1766000400000 implements MigrationInterface {
  name = 'DisclosureCategorySubject1766000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `disclosure_categories` ADD `subject_id` int UNSIGNED NULL');
    await q.query('UPDATE `disclosure_categories` dc JOIN `disclosures` d ON d.`id` = dc.`disclosure_id` SET dc.`subject_id` = d.`subject_id` WHERE d.`subject_id` IS NOT NULL');
    await q.query('CREATE INDEX `idx_disclosure_categories_subject` ON `disclosure_categories` (`subject_id`, `disclosure_id`, `category_key`)');
    await q.query(
      'ALTER TABLE `disclosure_categories` ADD CONSTRAINT `fk_disclosure_categories_subject_id` FOREIGN KEY (`subject_id`) REFERENCES `subjects`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await q.query(
      // With foreign key checks on, the disclosure always exists and its subject_id wins. Only a
      // bulk load with FOREIGN_KEY_CHECKS=0 can write categories before their disclosure: it must
      // then give subject_id itself, and that value is kept.
      'CREATE TRIGGER `trg_disclosure_categories_subject_insert` BEFORE INSERT ON `disclosure_categories` FOR EACH ROW ' +
        // Two primary-key lookups: an aggregate (IF(COUNT(*) = 0, ...)) costs far more per row.
        'SET NEW.`subject_id` = IF(EXISTS (SELECT 1 FROM `disclosures` d WHERE d.`id` = NEW.`disclosure_id`), ' +
        '(SELECT d.`subject_id` FROM `disclosures` d WHERE d.`id` = NEW.`disclosure_id`), NEW.`subject_id`)',
    );
    await q.query(
      'CREATE TRIGGER `trg_disclosures_subject_update` AFTER UPDATE ON `disclosures` FOR EACH ROW ' +
        'UPDATE `disclosure_categories` SET `subject_id` = NEW.`subject_id` WHERE `disclosure_id` = NEW.`id` AND NOT (NEW.`subject_id` <=> OLD.`subject_id`)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS `trg_disclosures_subject_update`');
    await q.query('DROP TRIGGER IF EXISTS `trg_disclosure_categories_subject_insert`');
    await q.query('ALTER TABLE `disclosure_categories` DROP FOREIGN KEY `fk_disclosure_categories_subject_id`');
    await q.query('DROP INDEX `idx_disclosure_categories_subject` ON `disclosure_categories`');
    await q.query('ALTER TABLE `disclosure_categories` DROP COLUMN `subject_id`');
  }
}
