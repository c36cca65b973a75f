import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, point 14 (docs/legal.md): a message goes by email or by post. A POST message's
 * `to_address` is its envelope (name and postal address, one line each), cleared like an email
 * address once the letter is handed to the print queue, fails for good or is cancelled.
 */
export class PostalLetters1766000800000 implements MigrationInterface {
  name = 'PostalLetters1766000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE `outbox_messages` ADD `channel` enum ('EMAIL', 'POST') NOT NULL DEFAULT 'EMAIL' AFTER `kind`, MODIFY `to_address` varchar(700) NULL");
    // Erasure cancels a person's pending mail by address; without an index it reads every pending message.
    await q.query('CREATE INDEX `idx_outbox_pending_address` ON `outbox_messages` (`status`, `to_address`)');
  }

  async down(q: QueryRunner): Promise<void> {
    // A letter cannot become an email: pending letters are cancelled, their envelopes cleared.
    await q.query("UPDATE `outbox_messages` SET `status` = 'CANCELLED', `to_address` = NULL WHERE `channel` = 'POST' AND `status` IN ('PENDING', 'SENDING')");
    await q.query("UPDATE `outbox_messages` SET `to_address` = NULL WHERE `channel` = 'POST'");
    await q.query('DROP INDEX `idx_outbox_pending_address` ON `outbox_messages`');
    await q.query('ALTER TABLE `outbox_messages` DROP COLUMN `channel`, MODIFY `to_address` varchar(254) NULL');
  }
}
