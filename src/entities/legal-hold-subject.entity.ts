import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { LegalHold } from './legal-hold.entity';
import { Subject } from './subject.entity';

/** A subject within a hold's scope. */
@Entity('legal_hold_subjects')
@Index('idx_legal_hold_subjects_subject', ['subjectId'])
export class LegalHoldSubject {
  @PrimaryColumn({ name: 'hold_id', type: 'int', unsigned: true })
  holdId!: number;

  @ManyToOne(() => LegalHold, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'hold_id', foreignKeyConstraintName: 'fk_legal_hold_subjects_hold_id' })
  hold?: Relation<LegalHold>;

  @PrimaryColumn({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @ManyToOne(() => Subject, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_legal_hold_subjects_subject_id' })
  subject?: Relation<Subject>;

  @Column({ name: 'added_at', type: 'datetime', precision: 3 })
  addedAt!: Date;

  @Column({ name: 'added_by', type: 'varchar', length: 200 })
  addedBy!: string;
}
