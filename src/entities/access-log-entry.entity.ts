import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One person's data returned to one request, whoever read it: who (the token subject), in which
 * role, why (the declared purpose; none for a privileged read without one), and which categories
 * of that person's data. One row per person and request. No personal value is stored, and
 * no foreign key: the log outlives erasure (a tombstone keeps its id) and a batch insert must
 * never wait for a lock on a subject row.
 */
@Entity('access_log')
@Index('idx_access_log_subject', ['subjectId', 'id'])
@Index('idx_access_log_actor', ['actor', 'id'])
@Index('idx_access_log_role', ['role', 'id'])
@Index('uq_access_log_request_subject', ['requestId', 'subjectId'], { unique: true })
export class AccessLogEntry {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  /** The same for every person returned by one request. */
  @Column({ name: 'request_id', type: 'char', length: 36 })
  requestId!: string;

  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  /** The role the reader read in: the first of its token's roles that may read people (APP last). */
  @Column({ type: 'varchar', length: 20 })
  role!: string;

  /** Null for a privileged read without a declared purpose. */
  @Column({ type: 'varchar', length: 30, nullable: true })
  purpose!: string | null;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  /** Comma-separated category keys (fideslang), sorted; a list with no category of its own is `list:<name>`. */
  @Column({ type: 'varchar', length: 500 })
  categories!: string;

  @Column({ name: 'accessed_at', type: 'datetime', precision: 3 })
  accessedAt!: Date;
}
