import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A held person whose history (consent events, disclosures, visits) is still to be copied by the
 * snapshot job, with the history's bounds at placement: what existed then is copied, nothing
 * added after. Their current state (record and consents) was copied at placement. Rows of
 * holds placed before this table existed copy everything (`part` ALL, no bounds).
 */
@Entity('legal_hold_pending_copies')
@Index('idx_pending_copies_order', ['holdId', 'disclosureBound', 'subjectId'])
export class PendingHistoryCopy {
  @PrimaryColumn({ name: 'hold_id', type: 'int', unsigned: true })
  holdId!: number;

  @PrimaryColumn({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @Column({ type: 'enum', enum: ['ALL', 'HISTORY'] })
  part!: 'ALL' | 'HISTORY';

  @Column({ name: 'consent_event_bound', type: 'int', unsigned: true, nullable: true })
  consentEventBound!: number | null;

  @Column({ name: 'disclosure_bound', type: 'int', unsigned: true, nullable: true })
  disclosureBound!: number | null;

  @Column({ name: 'collection_event_bound', type: 'int', unsigned: true, nullable: true })
  collectionEventBound!: number | null;
}
