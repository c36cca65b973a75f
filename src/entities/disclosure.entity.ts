import type { Relation } from 'typeorm';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Subject } from './subject.entity';
import { Recipient } from './recipient.entity';

import { DisclosurePurpose } from './enums';

/** One act of sharing personal information (or an aggregate) with a recipient. */
@Entity('disclosures')
@Index('idx_disclosures_subject_time', ['subjectId', 'occurredAt'])
@Index('idx_disclosures_recipient_time', ['recipientId', 'occurredAt'])
// The Shine-the-Light compile's filters, covering (migration 1766000300000).
@Index('idx_disclosures_subject_purpose', ['subjectId', 'purpose', 'identifiable', 'occurredAt', 'recipientId'])
export class Disclosure {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  /** Null for aggregates, and after erasure unlinks the subject. */
  @Column({ name: 'subject_id', type: 'int', unsigned: true, nullable: true })
  subjectId!: number | null;

  @ManyToOne(() => Subject, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_disclosures_subject_id' })
  subject?: Relation<Subject> | null;

  @Column({ name: 'recipient_id', type: 'int', unsigned: true })
  recipientId!: number;

  @ManyToOne(() => Recipient, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recipient_id', foreignKeyConstraintName: 'fk_disclosures_recipient_id' })
  recipient?: Relation<Recipient>;

  @Column({ type: 'enum', enum: DisclosurePurpose })
  purpose!: DisclosurePurpose;

  @Column({ type: 'boolean' })
  identifiable!: boolean;

  @Column({ name: 'transaction_reference', type: 'varchar', length: 200, nullable: true })
  transactionReference!: string | null;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;

  @Column({ name: 'recorded_by', type: 'varchar', length: 200 })
  recordedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;
}
