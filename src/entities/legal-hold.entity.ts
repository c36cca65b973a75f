import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { LegalHoldStatus } from './enums';

/**
 * A hold placed by legal for a matter. Core owns the table so the model is whole from the
 * first migration; the legal-hold plugin owns the behaviour.
 */
@Entity('legal_holds')
@Index('idx_legal_holds_status', ['status', 'id'])
export class LegalHold {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  matter!: string;

  @Column({ name: 'case_reference', type: 'varchar', length: 200 })
  caseReference!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description!: string | null;

  @Column({ type: 'enum', enum: LegalHoldStatus, default: LegalHoldStatus.ACTIVE })
  status!: LegalHoldStatus;

  /** fideslang keys in scope; empty means every category. */
  @Column({ type: 'simple-array', nullable: true })
  categories!: string[] | null;

  @Column({ name: 'scope_from', type: 'datetime', precision: 3, nullable: true })
  scopeFrom!: Date | null;

  @Column({ name: 'scope_until', type: 'datetime', precision: 3, nullable: true })
  scopeUntil!: Date | null;

  @Column({ name: 'placed_by', type: 'varchar', length: 200 })
  placedBy!: string;

  @Column({ name: 'placed_at', type: 'datetime', precision: 3 })
  placedAt!: Date;

  @Column({ name: 'released_by', type: 'varchar', length: 200, nullable: true })
  releasedBy!: string | null;

  @Column({ name: 'released_at', type: 'datetime', precision: 3, nullable: true })
  releasedAt!: Date | null;

  @Column({ name: 'release_reason', type: 'varchar', length: 2000, nullable: true })
  releaseReason!: string | null;
}
