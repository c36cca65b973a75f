import type { Relation } from 'typeorm';
import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { DataRequest } from './data-request.entity';

/**
 * The answer to a Shine-the-Light request: the notice as compiled (structured data; the letter is
 * rendered from it) and how it was sent. Its own table, written once per request, rather than
 * the request's `result`: filling a NULL column makes InnoDB move the request's record and
 * reorganize its page (about 1.3 KB of redo per request, most of a notice run's writes), where an
 * insert at the end of this table writes the row (migration 1766001400000).
 */
@Entity('california_notice_answers')
export class CaliforniaNoticeAnswer {
  @PrimaryColumn({ name: 'request_id', type: 'int', unsigned: true })
  requestId!: number;

  @OneToOne(() => DataRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_california_notice_answers_request_id' })
  request?: Relation<DataRequest>;

  /** StoredCaliforniaNotice: year, categories, recipients, noDisclosures, company. */
  @Column({ type: 'json' })
  notice!: Record<string, unknown>;

  /** How the letter went: by email, by post, or not at all (no address on record). */
  @Column({ type: 'enum', enum: ['EMAIL', 'POSTAL_MAIL'], nullable: true })
  delivery!: 'EMAIL' | 'POSTAL_MAIL' | null;

  @Column({ name: 'compiled_at', type: 'datetime', precision: 3 })
  compiledAt!: Date;
}
