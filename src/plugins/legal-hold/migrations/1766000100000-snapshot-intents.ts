import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pending hold snapshots get their job intent (the core's replay replaced this plugin's sweep). */
export class SnapshotIntents1766000100000 implements MigrationInterface {
  name = 'SnapshotIntents1766000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT IGNORE INTO job_intents (job_id, name, payload, priority, delay_ms, declared_at)
       SELECT CONCAT('legal-hold.snapshot@hold-', hold_id), 'legal-hold.snapshot', CONCAT('{"holdId":', hold_id, '}'), NULL, NULL, NOW(3)
         FROM legal_hold_preservations WHERE status = 'PENDING'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM job_intents WHERE name = 'legal-hold.snapshot'`);
  }
}
