import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A usage report as shared with a partner: its window, dimensions and hash, so that the next
 * report for the same partner can be checked against what it already has (report-windows.rules.ts).
 */
@Entity('shared_usage_reports')
@Index('idx_shared_usage_reports_partner', ['recipientId', 'windowFrom'])
export class SharedUsageReport {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'recipient_id', type: 'int', unsigned: true })
  recipientId!: number;

  @Column({ name: 'disclosure_id', type: 'int', unsigned: true })
  disclosureId!: number;

  /** Comma-separated, in the report's order (PAGE,REGION). */
  @Column({ type: 'varchar', length: 64 })
  dimensions!: string;

  @Column({ name: 'window_from', type: 'datetime', precision: 3 })
  windowFrom!: Date;

  @Column({ name: 'window_until', type: 'datetime', precision: 3 })
  windowUntil!: Date;

  @Column({ type: 'enum', enum: ['SUPPRESSION', 'DIFFERENTIAL_PRIVACY'], default: 'SUPPRESSION' })
  mode!: 'SUPPRESSION' | 'DIFFERENTIAL_PRIVACY';

  /** The privacy loss of a DIFFERENTIAL_PRIVACY report, spent from the partner's budget; null otherwise. */
  @Column({ type: 'decimal', precision: 7, scale: 3, nullable: true })
  epsilon!: string | null;

  @Column({ type: 'smallint', unsigned: true })
  k!: number;

  @Column({ name: 'protection_width', type: 'smallint', unsigned: true })
  protectionWidth!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @CreateDateColumn({ name: 'shared_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  sharedAt!: Date;
}
