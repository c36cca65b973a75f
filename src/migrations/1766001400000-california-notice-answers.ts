import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19/21 (B4): a compiled Shine-the-Light notice is stored in its own table, not in the
 * request's `result`, and data_requests uses ROW_FORMAT=REDUNDANT. A compile run changed every
 * request's NULL `result` and `completed_at` to values; under COMPACT/DYNAMIC a NULL takes no
 * space, so each change moved the record and reorganized its page (~1.3 KB of redo per request,
 * 210 of a run's 265 MB). REDUNDANT reserves a NULL fixed-size column's bytes, so completing a
 * request updates it in place (~170 bytes), and the notice is one insert at the end of this table.
 */
export class CaliforniaNoticeAnswers1766001400000 implements MigrationInterface {
  name = 'CaliforniaNoticeAnswers1766001400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE `california_notice_answers` (`request_id` int UNSIGNED NOT NULL, `notice` json NOT NULL, `delivery` enum (\'EMAIL\', \'POSTAL_MAIL\') NULL, `compiled_at` datetime(3) NOT NULL, ' +
        'PRIMARY KEY (`request_id`), CONSTRAINT `fk_california_notice_answers_request_id` FOREIGN KEY (`request_id`) REFERENCES `data_requests` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION) ENGINE=InnoDB',
    );
    const compiled = "type = 'CALIFORNIA_NOTICE' AND JSON_EXTRACT(result, '$.notice') IS NOT NULL";
    await q.query(
      `INSERT INTO california_notice_answers (request_id, notice, delivery, compiled_at)
       SELECT id, JSON_EXTRACT(result, '$.notice'), IF(JSON_TYPE(JSON_EXTRACT(result, '$.delivery')) = 'STRING', JSON_UNQUOTE(JSON_EXTRACT(result, '$.delivery')), NULL), COALESCE(completed_at, updated_at)
         FROM data_requests WHERE ${compiled}`,
    );
    await q.query(`UPDATE data_requests SET result = NULL WHERE ${compiled}`);
    await q.query('ALTER TABLE `data_requests` ROW_FORMAT=REDUNDANT');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `data_requests` ROW_FORMAT=DYNAMIC');
    await q.query(
      `UPDATE data_requests r JOIN california_notice_answers a ON a.request_id = r.id SET r.result = JSON_OBJECT('notice', JSON_EXTRACT(a.notice, '$'), 'delivery', a.delivery)`,
    );
    await q.query('DROP TABLE `california_notice_answers`');
  }
}
