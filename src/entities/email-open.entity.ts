import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Subject } from './subject.entity';

/**
 * An email open seen through the tracking pixel, kept only while the subject grants
 * EMAIL_OPEN_TRACKING at the moment of the open. No IP or user agent: the open is all we promised.
 */
@Entity('email_opens')
@Index('idx_email_opens_subject_time', ['subjectId', 'openedAt'])
export class EmailOpen {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @ManyToOne(() => Subject, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_email_opens_subject_id' })
  subject?: Relation<Subject>;

  /** The mailing the pixel belonged to (e.g. PRODUCT_EMAIL:2025-06), as signed into the token. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  campaign!: string | null;

  /**
   * A hash of the pixel token's signature: one row per message however often its pixel is
   * fetched. NULL for opens recorded before it existed.
   */
  @Index('uq_email_opens_pixel_key', { unique: true })
  @Column({ name: 'pixel_key', type: 'char', length: 43, charset: 'ascii', collation: 'ascii_bin', nullable: true })
  pixelKey!: string | null;

  @Column({ name: 'opened_at', type: 'datetime', precision: 3 })
  openedAt!: Date;
}
