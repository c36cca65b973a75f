import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Transfers not yet planned get their plan job's intent (the core's replay replaced this plugin's sweep). */
export class TransferPlanIntents1766000200000 implements MigrationInterface {
  name = 'TransferPlanIntents1766000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT IGNORE INTO job_intents (job_id, name, payload, priority, delay_ms, declared_at)
       SELECT CONCAT('business-transfer.plan@transfer-', id), 'business-transfer.plan', CONCAT('{"transferId":', id, '}'), NULL, NULL, NOW(3)
         FROM business_transfers WHERE status IN ('PENDING', 'RUNNING') AND planned_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM job_intents WHERE name = 'business-transfer.plan'`);
  }
}
