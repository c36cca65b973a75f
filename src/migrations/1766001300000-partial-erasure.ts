import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 21, point 6 (docs/legal.md): an erasure a hold scoped to categories or dates makes partial waits, partly done, for its release. */
export class PartialErasure1766001300000 implements MigrationInterface {
  name = 'PartialErasure1766001300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE `data_requests` MODIFY `status` enum ('RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'BLOCKED_BY_HOLD', 'PARTIALLY_COMPLETED', 'COMPLETED', 'REJECTED') NOT NULL DEFAULT 'RECEIVED'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("UPDATE `data_requests` SET `status` = 'BLOCKED_BY_HOLD' WHERE `status` = 'PARTIALLY_COMPLETED'");
    await q.query("ALTER TABLE `data_requests` MODIFY `status` enum ('RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS', 'BLOCKED_BY_HOLD', 'COMPLETED', 'REJECTED') NOT NULL DEFAULT 'RECEIVED'");
  }
}
