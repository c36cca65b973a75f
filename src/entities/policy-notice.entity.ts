import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PolicyVersion } from './policy-version.entity';
import { Subject } from './subject.entity';

export enum PolicyNoticeChannel {
  /** Sent through the outbox to a subject who receives legal-notice emails. */
  EMAIL = 'EMAIL',
  /** The posted policy stands as notice for a subject who opted out of legal-notice emails (or has no email). */
  POSTED = 'POSTED',
}

/** One notice of one policy version to one subject; the unique key keeps a resumed fan-out from doubling. */
@Entity('policy_notices')
@Index('uq_policy_notices_version_subject', ['policyVersionId', 'subjectId'], { unique: true })
@Index('idx_policy_notices_subject', ['subjectId', 'policyVersionId'])
export class PolicyNotice {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'policy_version_id', type: 'int', unsigned: true })
  policyVersionId!: number;

  @ManyToOne(() => PolicyVersion, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'policy_version_id', foreignKeyConstraintName: 'fk_policy_notices_policy_version_id' })
  policyVersion?: Relation<PolicyVersion>;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @ManyToOne(() => Subject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_policy_notices_subject_id' })
  subject?: Relation<Subject>;

  @Column({ type: 'enum', enum: PolicyNoticeChannel })
  channel!: PolicyNoticeChannel;

  @Column({ name: 'notified_at', type: 'datetime', precision: 3 })
  notifiedAt!: Date;

  @Column({ name: 'acknowledged_at', type: 'datetime', precision: 3, nullable: true })
  acknowledgedAt!: Date | null;
}
