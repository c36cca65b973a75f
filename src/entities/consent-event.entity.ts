import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Subject } from './subject.entity';
import { Purpose } from './purpose.entity';

import { ConsentSource, ConsentStatus, PurposeKey } from './enums';

/** One change of consent: append-only. */
@Entity('consent_events')
@Index('uq_consent_events_seq', ['subjectId', 'purpose', 'seq'], { unique: true })
export class ConsentEvent {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @ManyToOne(() => Subject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_consent_events_subject_id' })
  subject?: Relation<Subject>;

  @Column({ type: 'varchar', length: 40 })
  purpose!: PurposeKey;

  @ManyToOne(() => Purpose, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'purpose', foreignKeyConstraintName: 'fk_consent_events_purpose' })
  purposeRef?: Relation<Purpose>;

  /** 1, 2, 3 … per subject and purpose. */
  @Column({ type: 'int', unsigned: true })
  seq!: number;

  @Column({ type: 'enum', enum: ConsentStatus })
  status!: ConsentStatus;

  @Column({ type: 'enum', enum: ConsentSource })
  source!: ConsentSource;

  @Column({ name: 'policy_version', type: 'varchar', length: 40, nullable: true })
  policyVersion!: string | null;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy!: string;
}
