import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Job intents (src/domain/job-intents.ts): the jobs a change asks for, written in its own
 * transaction and removed once a run of the job finished. Open requests of the core are
 * given their intent here, so that the replay (which replaced the requests monitor's sweep)
 * carries on with them after the upgrade; plugins' migrations do the same for theirs.
 */
export class JobIntents1766000000000 implements MigrationInterface {
  name = 'JobIntents1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `job_intents` (' +
        '`id` bigint NOT NULL AUTO_INCREMENT, ' +
        '`job_id` varchar(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, ' +
        '`name` varchar(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, ' +
        '`payload` longtext NOT NULL, ' +
        '`priority` int NULL, ' +
        '`delay_ms` int NULL, ' +
        '`declared_at` datetime(3) NOT NULL, ' +
        'UNIQUE INDEX `uq_job_intents_job_id` (`job_id`), ' +
        'INDEX `idx_job_intents_declared_at` (`declared_at`), ' +
        'PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await q.query(
      `INSERT INTO job_intents (job_id, name, payload, priority, delay_ms, declared_at)
       SELECT CONCAT('erasure.run@request-', id), 'erasure.run', CONCAT('{"requestId":', id, '}'), IF(type = 'CHILD_DELETION', 1, 10), NULL, NOW(3)
         FROM data_requests WHERE type IN ('ERASURE', 'CHILD_DELETION') AND status IN ('RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS')`,
    );
    await q.query(
      `INSERT INTO job_intents (job_id, name, payload, priority, delay_ms, declared_at)
       SELECT CONCAT('california-notice.compile@request-', id), 'california-notice.compile', CONCAT('{"requestIds":[', id, ']}'), NULL, NULL, NOW(3)
         FROM data_requests WHERE type = 'CALIFORNIA_NOTICE' AND status IN ('RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `job_intents`');
  }
}
