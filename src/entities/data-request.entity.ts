import type { Relation } from 'typeorm';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DataRequestStatus, DataRequestType, VerificationLevel, VerificationMethod } from './enums';
import { Subject } from './subject.entity';

/** A request a person made about their data (deletion, child deletion, California notice, access). */
@Entity('data_requests')
@Index('idx_data_requests_subject', ['subjectId', 'type', 'status'])
@Index('idx_data_requests_status_due', ['status', 'dueAt'])
@Index('idx_data_requests_type', ['type', 'id'])
export class DataRequest {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'enum', enum: DataRequestType })
  type!: DataRequestType;

  @Column({ type: 'enum', enum: DataRequestStatus, default: DataRequestStatus.RECEIVED })
  status!: DataRequestStatus;

  /** How the request came in, e.g. WEB_FORM, EMAIL, DESIGNATED, OTHER. */
  @Column({ type: 'varchar', length: 40 })
  channel!: string;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @ManyToOne(() => Subject, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_data_requests_subject_id' })
  subject?: Relation<Subject>;

  @Column({ name: 'received_at', type: 'datetime', precision: 3 })
  receivedAt!: Date;

  @Column({ name: 'acknowledge_due_at', type: 'datetime', precision: 3, nullable: true })
  acknowledgeDueAt!: Date | null;

  @Column({ name: 'acknowledged_at', type: 'datetime', precision: 3, nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt!: Date;

  @Column({ name: 'extended_at', type: 'datetime', precision: 3, nullable: true })
  extendedAt!: Date | null;

  @Column({ name: 'extension_reason', type: 'varchar', length: 1000, nullable: true })
  extensionReason!: string | null;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  @Column({ name: 'reason_code', type: 'varchar', length: 60, nullable: true })
  reasonCode!: string | null;

  /** What was done, e.g. rows erased per table, or the compiled notice. */
  @Column({ type: 'json', nullable: true })
  result!: Record<string, unknown> | null;

  /** How the person was verified (src/domain/verification.rules.ts); null on requests recorded before it was. */
  @Column({ name: 'verification_method', type: 'enum', enum: VerificationMethod, nullable: true })
  verificationMethod!: VerificationMethod | null;

  /** The level the request's full answer needs. */
  @Column({ name: 'verification_required', type: 'enum', enum: VerificationLevel, nullable: true })
  verificationRequired!: VerificationLevel | null;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)', onUpdate: 'CURRENT_TIMESTAMP(3)' })
  updatedAt!: Date;
}
