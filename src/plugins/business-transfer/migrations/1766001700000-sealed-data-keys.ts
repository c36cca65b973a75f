import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23: an encrypted export's data key is stored sealed under a key that is not in the
 * database (data-key.ts), which is longer than the raw key's 64 hex digits. Transfers running at
 * the upgrade keep their raw key until they end (it is erased then); every new one is sealed.
 */
export class SealedDataKeys1766001700000 implements MigrationInterface {
  name = 'SealedDataKeys1766001700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `business_transfers` MODIFY `data_key` varchar(100) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    // A sealed key does not fit the old column: the transfers that hold one cannot resume after a downgrade.
    await q.query("UPDATE `business_transfers` SET `data_key` = NULL WHERE CHAR_LENGTH(`data_key`) > 64");
    await q.query('ALTER TABLE `business_transfers` MODIFY `data_key` char(64) NULL');
  }
}
