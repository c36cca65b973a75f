import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, point 7 (docs/legal.md): a person whose erasure a legal hold stops is RESTRICTED, used
 * for the hold's purpose alone until the erasure completes. People whose erasure is already
 * blocked become restricted now.
 */
export class RestrictedSubjects1766001000000 implements MigrationInterface {
  name = 'RestrictedSubjects1766001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("ALTER TABLE `subjects` MODIFY `status` enum ('ACTIVE', 'RESTRICTED', 'ERASED') NOT NULL DEFAULT 'ACTIVE'");
    await q.query(
      "UPDATE `subjects` s JOIN `data_requests` r ON r.`subject_id` = s.`id` SET s.`status` = 'RESTRICTED' WHERE s.`status` = 'ACTIVE' AND r.`status` = 'BLOCKED_BY_HOLD' AND r.`type` IN ('ERASURE', 'CHILD_DELETION')",
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query("UPDATE `subjects` SET `status` = 'ACTIVE' WHERE `status` = 'RESTRICTED'");
    await q.query("ALTER TABLE `subjects` MODIFY `status` enum ('ACTIVE', 'ERASED') NOT NULL DEFAULT 'ACTIVE'");
  }
}
