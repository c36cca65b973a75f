import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every read of a person is logged, whoever reads (issue 20): the reader's role, and the purpose
 * only when one was declared (LEGAL, PRIVACY_OPS, ADMIN and MNA read without one). One row per
 * person per request: a later part of the same answer updates that row's categories (the unique
 * key), so a person reached through two edges is one entry. Rows logged before this migration
 * were all purpose-bound APP reads.
 */
export class AccessLogEveryReader1766000500000 implements MigrationInterface {
  name = 'AccessLogEveryReader1766000500000';

  async up(q: QueryRunner): Promise<void> {
    // The old recorder wrote one row per event-loop turn: a person reached twice in one request
    // could have two. Merge them (the first row keeps every category) before the unique key.
    const dups: { request_id: string; subject_id: number }[] = await q.query(
      'SELECT request_id, subject_id FROM `access_log` GROUP BY request_id, subject_id HAVING COUNT(*) > 1',
    );
    for (const d of dups) {
      const rows: { id: string; categories: string }[] = await q.query('SELECT id, categories FROM `access_log` WHERE request_id = ? AND subject_id = ? ORDER BY id', [d.request_id, d.subject_id]);
      const merged = [...new Set(rows.flatMap((r) => (r.categories ? r.categories.split(',') : [])))].sort().join(',');
      await q.query('UPDATE `access_log` SET categories = ? WHERE id = ?', [merged, rows[0]!.id]);
      await q.query('DELETE FROM `access_log` WHERE request_id = ? AND subject_id = ? AND id > ?', [d.request_id, d.subject_id, rows[0]!.id]);
    }
    await q.query("ALTER TABLE `access_log` ADD `role` varchar(20) NOT NULL DEFAULT 'APP', MODIFY `purpose` varchar(30) NULL");
    await q.query('ALTER TABLE `access_log` ALTER `role` DROP DEFAULT');
    await q.query('CREATE INDEX `idx_access_log_role` ON `access_log` (`role`, `id`)');
    await q.query('CREATE UNIQUE INDEX `uq_access_log_request_subject` ON `access_log` (`request_id`, `subject_id`)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX `uq_access_log_request_subject` ON `access_log`');
    await q.query('DROP INDEX `idx_access_log_role` ON `access_log`');
    await q.query("UPDATE `access_log` SET `purpose` = '' WHERE `purpose` IS NULL");
    await q.query('ALTER TABLE `access_log` DROP COLUMN `role`, MODIFY `purpose` varchar(30) NOT NULL');
  }
}
