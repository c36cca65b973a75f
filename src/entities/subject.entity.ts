import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SubjectSource, SubjectStatus } from './enums';

/** A person whose data the company holds. After erasure only a tombstone (id, status, times) remains. */
@Entity('subjects')
@Index('idx_subjects_region', ['region', 'id'])
@Index('idx_subjects_status', ['status', 'id'])
@Index('idx_subjects_created', ['createdAt', 'id'])
export class Subject {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Index('uq_subjects_email', { unique: true })
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  phone!: string | null;

  @Column({ name: 'street_address', type: 'varchar', length: 300, nullable: true })
  streetAddress!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  city!: string | null;

  @Column({ name: 'postal_code', type: 'varchar', length: 20, nullable: true })
  postalCode!: string | null;

  /** ISO 3166-2 subdivision, e.g. US-CA; kept on erasure only as part of de-identified aggregates. */
  @Column({ type: 'varchar', length: 6, nullable: true })
  region!: string | null;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2, nullable: true })
  country!: string | null;

  // utc: the pool's time zone is Z, so a DATE arrives as UTC midnight; local getters would show the day before west of UTC.
  @Column({ name: 'birth_date', type: 'date', nullable: true, utc: true })
  birthDate!: string | null;

  /** e.g. "25-34", when only a range is known. */
  @Column({ name: 'age_range', type: 'varchar', length: 10, nullable: true })
  ageRange!: string | null;

  @Column({ type: 'enum', enum: SubjectStatus, default: SubjectStatus.ACTIVE })
  status!: SubjectStatus;

  @Column({ type: 'enum', enum: SubjectSource, default: SubjectSource.CONTACT_FORM })
  source!: SubjectSource;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)', onUpdate: 'CURRENT_TIMESTAMP(3)' })
  updatedAt!: Date;

  @Column({ name: 'erased_at', type: 'datetime', precision: 3, nullable: true })
  erasedAt!: Date | null;
}
