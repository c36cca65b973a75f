import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 24: a request's history (its audit events) is read by entity, a page of requests at once: without this, the whole log is scanned. */
export class AuditEventsByEntity1766001800000 implements MigrationInterface {
  name = 'AuditEventsByEntity1766001800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX `idx_audit_events_entity` ON `audit_events` (`entity_type`, `entity_id`, `seq`)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX `idx_audit_events_entity` ON `audit_events`');
  }
}
