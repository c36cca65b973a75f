import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One person's data returned to one request made for a declared purpose: who read (the token
 * subject), why, and which categories of that person's data. No personal value is stored, and
 * no foreign key: the log outlives erasure (a tombstone keeps its id) and a batch insert must
 * never wait for a lock on a subject row.
 */
@Entity('access_log')
@Index('idx_access_log_subject', ['subjectId', 'id'])
@Index('idx_access_log_actor', ['actor', 'id'])
export class AccessLogEntry {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  /** The same for every person returned by one request. */
  @Column({ name: 'request_id', type: 'char', length: 36 })
  requestId!: string;

  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  @Column({ type: 'varchar', length: 30 })
  purpose!: string;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  /** Comma-separated category keys (fideslang), sorted. */
  @Column({ type: 'varchar', length: 500 })
  categories!: string;

  @Column({ name: 'accessed_at', type: 'datetime', precision: 3 })
  accessedAt!: Date;
}
