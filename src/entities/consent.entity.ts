import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Subject } from './subject.entity';
import { Purpose } from './purpose.entity';

import { ConsentSource, ConsentStatus, PurposeKey } from './enums';

/** Current consent per subject and purpose; derived from the append-only consent events. */
@Entity('consents')
@Index('uq_consents_subject_purpose', ['subjectId', 'purpose'], { unique: true })
export class Consent {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @ManyToOne(() => Subject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_consents_subject_id' })
  subject?: Relation<Subject>;

  @Column({ type: 'varchar', length: 40 })
  purpose!: PurposeKey;

  @ManyToOne(() => Purpose, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'purpose', foreignKeyConstraintName: 'fk_consents_purpose' })
  purposeRef?: Relation<Purpose>;

  @Column({ type: 'enum', enum: ConsentStatus })
  status!: ConsentStatus;

  @Column({ type: 'enum', enum: ConsentSource })
  source!: ConsentSource;

  @Column({ name: 'policy_version', type: 'varchar', length: 40, nullable: true })
  policyVersion!: string | null;

  /** Number of events behind this state; the history has no gaps when it equals their count. */
  @Column({ type: 'int', unsigned: true })
  version!: number;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
