import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, erasure points 1 and 2 (docs/legal.md): an outbox message keeps nothing that can be
 * matched to its address once it is delivered, finally failed or cancelled.
 * - `to_hash`, an unkeyed SHA-256 of the address that nothing read, is dropped: anyone who knows
 *   an address could have confirmed the person was a customer.
 * - CANCELLED: erasure cancels the person's pending mail (its confirmation excepted).
 * - Messages that already failed for good lose their address now, as delivery does from now on.
 */
export class OutboxNoAddressLink1766000600000 implements MigrationInterface {
  name = 'OutboxNoAddressLink1766000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `outbox_messages` DROP COLUMN `to_hash`');
    await q.query("ALTER TABLE `outbox_messages` MODIFY `status` enum ('PENDING', 'SENDING', 'SENT', 'FAILED', 'CANCELLED') NOT NULL DEFAULT 'PENDING'");
    await q.query("UPDATE `outbox_messages` SET `to_address` = NULL, `last_error` = NULL WHERE `status` = 'FAILED'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("UPDATE `outbox_messages` SET `status` = 'FAILED' WHERE `status` = 'CANCELLED'");
    await q.query("ALTER TABLE `outbox_messages` MODIFY `status` enum ('PENDING', 'SENDING', 'SENT', 'FAILED') NOT NULL DEFAULT 'PENDING'");
    // The hashes are gone for good: what comes back is a placeholder, not a link.
    await q.query("ALTER TABLE `outbox_messages` ADD `to_hash` char(64) NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000'");
    await q.query('ALTER TABLE `outbox_messages` ALTER `to_hash` DROP DEFAULT');
  }
}
