import type { Relation } from 'typeorm';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { LegalHold } from '../../entities/legal-hold.entity';

export enum PreservationStatus {
  PENDING = 'PENDING',
  COMPLETED = 'COMPLETED',
}

/** Progress of a hold's snapshot; large scopes are snapshotted by a job. */
@Entity('legal_hold_preservations')
export class HoldPreservation {
  @PrimaryColumn({ name: 'hold_id', type: 'int', unsigned: true })
  holdId!: number;

  @OneToOne(() => LegalHold, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'hold_id', foreignKeyConstraintName: 'fk_legal_hold_preservations_hold_id' })
  hold?: Relation<LegalHold>;

  @Column({ type: 'enum', enum: PreservationStatus })
  status!: PreservationStatus;

  @Column({ name: 'subjects_total', type: 'int', unsigned: true })
  subjectsTotal!: number;

  @Column({ name: 'subjects_done', type: 'int', unsigned: true })
  subjectsDone!: number;

  @Column({ name: 'records_preserved', type: 'int', unsigned: true })
  recordsPreserved!: number;

  /** The seal of the preserved set (src/domain/integrity.ts): how many records, their MACs' sum, and its MAC. */
  @Column({ name: 'seal_count', type: 'int', unsigned: true, default: 0 })
  sealCount!: number;

  @Column({ name: 'seal_digest', type: 'char', length: 64, default: '0'.repeat(64) })
  sealDigest!: string;

  @Column({ name: 'seal_mac', type: 'char', length: 64, nullable: true })
  sealMac!: string | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
