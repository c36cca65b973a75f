import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One open per message: mail scanners and image proxies fetch a pixel many times. `pixel_key` is
 * a hash of the pixel token's signature (unique per message since the token carries a nonce);
 * rows recorded before it stay NULL, which the unique index allows any number of.
 */
export class EmailOpenOnce1765000000000 implements MigrationInterface {
  name = 'EmailOpenOnce1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `email_opens` ADD `pixel_key` char(43) CHARACTER SET ascii COLLATE ascii_bin NULL');
    await q.query('CREATE UNIQUE INDEX `uq_email_opens_pixel_key` ON `email_opens` (`pixel_key`)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX `uq_email_opens_pixel_key` ON `email_opens`');
    await q.query('ALTER TABLE `email_opens` DROP COLUMN `pixel_key`');
  }
}
