import { Column, Entity, PrimaryGeneratedColumn, Index } from 'typeorm';

/** A published version of the privacy policy. */
@Entity('policy_versions')
export class PolicyVersion {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Index('uq_policy_versions_version', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  version!: string;

  @Column({ name: 'effective_at', type: 'datetime', precision: 3 })
  effectiveAt!: Date;

  @Column({ type: 'varchar', length: 4000 })
  summary!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ name: 'published_at', type: 'datetime', precision: 3 })
  publishedAt!: Date;

  @Column({ name: 'published_by', type: 'varchar', length: 200 })
  publishedBy!: string;
}
