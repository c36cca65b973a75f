import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26, point 4: a due-diligence chunk keeps its subjects counted by class in its row, and
 * writes no part file of per-person rows. Transfers running at the upgrade fail at assembly (their
 * chunks have parts and no tallies) and are started again.
 */
export class DueDiligenceTallies1766002000000 implements MigrationInterface {
  name = 'DueDiligenceTallies1766002000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `business_transfer_chunks` ADD `tallies` mediumtext NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `business_transfer_chunks` DROP COLUMN `tallies`');
  }
}
