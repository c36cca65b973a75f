import type { Relation } from 'typeorm';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BusinessTransfer } from './business-transfer.entity';

export enum ChunkStatus {
  PENDING = 'PENDING',
  DONE = 'DONE',
}

/** A keyset range of subject ids (after, upTo] that one chunk job writes; the checkpoint of a transfer. */
@Entity('business_transfer_chunks')
export class TransferChunk {
  @PrimaryColumn({ name: 'transfer_id', type: 'int', unsigned: true })
  transferId!: number;

  @ManyToOne(() => BusinessTransfer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'transfer_id', foreignKeyConstraintName: 'fk_business_transfer_chunks_transfer_id' })
  transfer?: Relation<BusinessTransfer>;

  @PrimaryColumn({ type: 'int', unsigned: true })
  seq!: number;

  @Column({ name: 'after_subject_id', type: 'int', unsigned: true })
  afterSubjectId!: number;

  @Column({ name: 'up_to_subject_id', type: 'int', unsigned: true })
  upToSubjectId!: number;

  @Column({ type: 'enum', enum: ChunkStatus })
  status!: ChunkStatus;

  @Column({ type: 'int', unsigned: true })
  subjects!: number;

  /** JSON: rows and bytes of each file part this chunk wrote. */
  @Column({ type: 'text', nullable: true })
  parts!: string | null;

  /**
   * Due diligence: JSON of the chunk's subjects counted by class (due-diligence-release.ts),
   * cleared when the transfer ends. No row per person is written to disk.
   */
  @Column({ type: 'mediumtext', nullable: true })
  tallies!: string | null;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt!: Date | null;
}
