import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LegalHold } from '../../entities/legal-hold.entity';

export enum PreservedRecordType {
  SUBJECT = 'SUBJECT',
  CONSENT = 'CONSENT',
  CONSENT_EVENT = 'CONSENT_EVENT',
  DISCLOSURE = 'DISCLOSURE',
  COLLECTION_EVENT = 'COLLECTION_EVENT',
}

/** A copy of one record as it was when a hold was placed, with the SHA-256 of its content. */
@Entity('legal_hold_preserved_records')
@Index('idx_preserved_records_hold', ['holdId', 'id'])
@Index('idx_preserved_records_subject', ['subjectId', 'holdId'])
@Index('idx_preserved_records_purge', ['purgeAfter'])
@Index('idx_preserved_records_unsealed', ['mac', 'id'])
export class PreservedRecord {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'hold_id', type: 'int', unsigned: true })
  holdId!: number;

  @ManyToOne(() => LegalHold, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'hold_id', foreignKeyConstraintName: 'fk_legal_hold_preserved_records_hold_id' })
  hold?: Relation<LegalHold>;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @Column({ name: 'record_type', type: 'enum', enum: PreservedRecordType })
  recordType!: PreservedRecordType;

  @Column({ name: 'record_id', type: 'int', unsigned: true })
  recordId!: number;

  /** Canonical JSON (sorted keys), exactly the bytes that were hashed. */
  @Column({ type: 'mediumtext' })
  content!: string;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ name: 'preserved_at', type: 'datetime', precision: 3 })
  preservedAt!: Date;

  /** HMAC of the record under INTEGRITY_KEY (src/domain/integrity.ts recordMac); null until sealed. */
  @Column({ type: 'char', length: 64, nullable: true })
  mac!: string | null;

  /** Set when no active hold covers the subject any more; the purge job deletes after it. */
  @Column({ name: 'purge_after', type: 'datetime', precision: 3, nullable: true })
  purgeAfter!: Date | null;
}
