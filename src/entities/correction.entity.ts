import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { DataRequest } from './data-request.entity';
import { CorrectionStatus } from './enums';

/**
 * What a person sent with a correction request (documents described, their own statement). It is
 * about them: erasure clears it (src/domain/erasure.service.ts).
 */
@Entity('correction_requests')
@Index('idx_correction_requests_subject', ['subjectId'])
export class CorrectionRequest {
  @PrimaryColumn({ name: 'request_id', type: 'int', unsigned: true })
  requestId!: number;

  @ManyToOne(() => DataRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_correction_requests_request_id' })
  request?: Relation<DataRequest>;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @Column({ type: 'text', nullable: true })
  evidence!: string | null;
}

/**
 * One field a person says is wrong, the value they say is right (null: remove it), and the
 * decision on it with its reason. The proposed value is the person's data: erasure clears it.
 */
@Entity('correction_changes')
@Index('uq_correction_changes_request_field', ['requestId', 'field'], { unique: true })
@Index('idx_correction_changes_subject', ['subjectId'])
export class CorrectionChange {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'request_id', type: 'int', unsigned: true })
  requestId!: number;

  @ManyToOne(() => DataRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_correction_changes_request_id' })
  request?: Relation<DataRequest>;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  /** The field as `User` names it (a subject field of the personal-data catalogue). */
  @Column({ type: 'varchar', length: 40 })
  field!: string;

  @Column({ name: 'proposed_value', type: 'varchar', length: 300, nullable: true })
  proposedValue!: string | null;

  @Column({ type: 'enum', enum: CorrectionStatus, default: CorrectionStatus.PENDING })
  status!: CorrectionStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason!: string | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 200, nullable: true })
  decidedBy!: string | null;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt!: Date | null;
}
