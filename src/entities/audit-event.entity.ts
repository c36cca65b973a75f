import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One audited state change. Events form a hash chain: each stores the hash of the one
 * before, so altering, deleting or reordering any event breaks the chain at that event.
 */
@Entity('audit_events')
// A request's (or any entity's) history, in chain order.
@Index('idx_audit_events_entity', ['entityType', 'entityId', 'seq'])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  /** Position in the chain: 1, 2, 3 … without gaps. */
  @Index('uq_audit_events_seq', { unique: true })
  @Column({ type: 'int', unsigned: true })
  seq!: number;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  @Column({ type: 'varchar', length: 80 })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 60 })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 60, nullable: true })
  entityId!: string | null;

  /** Ids and codes only: never personal data. */
  @Column({ type: 'json', nullable: true })
  details!: Record<string, unknown> | null;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
