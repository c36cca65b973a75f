import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Recipient } from '../../entities/recipient.entity';

export enum TransferPhase {
  DUE_DILIGENCE = 'DUE_DILIGENCE',
  CLOSING = 'CLOSING',
}

export enum TransferFormat {
  NDJSON = 'NDJSON',
  CSV = 'CSV',
}

export enum TransferStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

/**
 * One export for an acquirer. Everything that decides the output bytes (generation time,
 * watermarks, data key, chunk size) is fixed here at start, so a resumed run writes the same files.
 */
@Entity('business_transfers')
@Index('idx_business_transfers_status', ['status', 'id'])
@Index('idx_business_transfers_artifacts', ['artifactsPurgedAt', 'artifactsExpireAt'])
export class BusinessTransfer {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'deal_name', type: 'varchar', length: 200 })
  dealName!: string;

  @Column({ name: 'acquirer_id', type: 'int', unsigned: true })
  acquirerId!: number;

  @ManyToOne(() => Recipient, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'acquirer_id', foreignKeyConstraintName: 'fk_business_transfers_acquirer_id' })
  acquirer?: Relation<Recipient>;

  @Column({ type: 'enum', enum: TransferPhase })
  phase!: TransferPhase;

  @Column({ type: 'enum', enum: TransferFormat })
  format!: TransferFormat;

  /** Canonical JSON of the scope: { regions, statuses, createdBefore }. */
  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'enum', enum: TransferStatus })
  status!: TransferStatus;

  /** Fixed at start: written into the manifest, and the reference date of age bands. */
  @Column({ name: 'generated_at', type: 'datetime', precision: 3 })
  generatedAt!: Date;

  /** Snapshot bounds: rows above these ids (including this transfer's own disclosures) are never exported. */
  @Column({ name: 'subject_max_id', type: 'int', unsigned: true })
  subjectMaxId!: number;

  @Column({ name: 'disclosure_max_id', type: 'int', unsigned: true })
  disclosureMaxId!: number;

  @Column({ name: 'consent_event_max_id', type: 'int', unsigned: true })
  consentEventMaxId!: number;

  @Column({ name: 'chunk_size', type: 'int', unsigned: true })
  chunkSize!: number;

  @Column({ type: 'int', unsigned: true })
  k!: number;

  /** The acquirer's RSA public key (PEM), when the files are encrypted. */
  @Column({ name: 'public_key', type: 'text', nullable: true })
  publicKey!: string | null;

  /** The export's AES key, sealed under a key outside the database (data-key.ts); erased when the transfer ends. */
  @Column({ name: 'data_key', type: 'varchar', length: 100, nullable: true })
  dataKey!: string | null;

  /** The data key wrapped with RSA-OAEP-SHA256 for the acquirer (base64). */
  @Column({ name: 'wrapped_key', type: 'text', nullable: true })
  wrappedKey!: string | null;

  @Column({ name: 'export_path', type: 'varchar', length: 500 })
  exportPath!: string;

  @Column({ name: 'subjects_total', type: 'int', unsigned: true })
  subjectsTotal!: number;

  @Column({ name: 'subjects_done', type: 'int', unsigned: true })
  subjectsDone!: number;

  /** Null until the plan job has cut the scope into chunks. */
  @Column({ name: 'chunks_total', type: 'int', unsigned: true, nullable: true })
  chunksTotal!: number | null;

  @Column({ name: 'chunks_done', type: 'int', unsigned: true })
  chunksDone!: number;

  @Column({ type: 'mediumtext', nullable: true })
  manifest!: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  error!: string | null;

  @Column({ name: 'started_by', type: 'varchar', length: 200 })
  startedBy!: string;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'planned_at', type: 'datetime', precision: 3, nullable: true })
  plannedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  /** How long the export files stay on the gateway's disk after the transfer ends, fixed at start. */
  @Column({ name: 'artifact_retention_days', type: 'int', unsigned: true, default: 30 })
  artifactRetentionDays!: number;

  /** When the sweep deletes the export files: the end plus the retention. */
  @Column({ name: 'artifacts_expire_at', type: 'datetime', precision: 3, nullable: true })
  artifactsExpireAt!: Date | null;

  @Column({ name: 'artifacts_purged_at', type: 'datetime', precision: 3, nullable: true })
  artifactsPurgedAt!: Date | null;

  @Column({ name: 'cancelled_by', type: 'varchar', length: 200, nullable: true })
  cancelledBy!: string | null;
}
