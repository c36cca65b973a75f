import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, point 11 (docs/legal.md): a large hold copies each person's current state at placement
 * and leaves their history, bounded to what existed then, to the snapshot job. The people of holds
 * whose snapshot was still running are carried over as pending copies of everything.
 */
export class CopyAtPlacement1766001200000 implements MigrationInterface {
  name = 'CopyAtPlacement1766001200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "CREATE TABLE `legal_hold_pending_copies` (`hold_id` int UNSIGNED NOT NULL, `subject_id` int UNSIGNED NOT NULL, `part` enum ('ALL', 'HISTORY') NOT NULL, `consent_event_bound` int UNSIGNED NULL, `disclosure_bound` int UNSIGNED NULL, `collection_event_bound` int UNSIGNED NULL, INDEX `idx_pending_copies_order` (`hold_id`, `disclosure_bound`, `subject_id`), PRIMARY KEY (`hold_id`, `subject_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    );
    await q.query(
      `INSERT INTO legal_hold_pending_copies (hold_id, subject_id, part)
       SELECT hs.hold_id, hs.subject_id, 'ALL' FROM legal_hold_subjects hs JOIN legal_holds h ON h.id = hs.hold_id
        WHERE h.status = 'ACTIVE'
          AND NOT EXISTS (SELECT 1 FROM legal_hold_preserved_records r WHERE r.hold_id = hs.hold_id AND r.subject_id = hs.subject_id AND r.record_type = 'SUBJECT')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `legal_hold_pending_copies`');
  }
}
