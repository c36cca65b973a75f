import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26, point 4: a closing transfer sends a person's consent history and the record of
 * disclosures about them, so its disclosure must be able to name them. Neither has a statutory
 * Shine-the-Light category. user.disclosure_history extends the fideslang taxonomy (it has no key
 * for a record of processing about the person).
 */
export class RecordCategories1766002100000 implements MigrationInterface {
  name = 'RecordCategories1766002100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO data_categories (\`key\`, label, shine_the_light_category) VALUES
        ('user.privacy_preferences', 'Privacy choices and their history (consents)', NULL),
        ('user.disclosure_history', 'Record of disclosures (to whom, when, for what)', NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("DELETE FROM disclosure_categories WHERE category_key IN ('user.privacy_preferences', 'user.disclosure_history')");
    await q.query("DELETE FROM data_categories WHERE `key` IN ('user.privacy_preferences', 'user.disclosure_history')");
  }
}
