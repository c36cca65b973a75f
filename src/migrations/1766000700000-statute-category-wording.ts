import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, point 17 (docs/legal.md): a Shine-the-Light notice names its categories in the words
 * of Civil Code 1798.83(e)(6)(A). Only "Email address" is seeded with a paraphrase; notices
 * already sent keep the words they were sent with.
 */
export class StatuteCategoryWording1766000700000 implements MigrationInterface {
  name = 'StatuteCategoryWording1766000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("UPDATE `data_categories` SET `shine_the_light_category` = 'Electronic mail address' WHERE `shine_the_light_category` = 'Email address'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("UPDATE `data_categories` SET `shine_the_light_category` = 'Email address' WHERE `shine_the_light_category` = 'Electronic mail address'");
  }
}
