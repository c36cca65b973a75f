import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum OutboxStatus {
  PENDING = 'PENDING',
  SENDING = 'SENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  /** Not sent: its addressee was erased before delivery (the erasure's confirmation excepted). */
  CANCELLED = 'CANCELLED',
}

/** How a message reaches its addressee: by email, or as a printed letter (docs/legal.md, point 14). */
export enum OutboxChannel {
  EMAIL = 'EMAIL',
  POST = 'POST',
}

/**
 * A message written in the same transaction as the change that causes it, delivered later by
 * the outbox job. Once it is sent, finally failed or cancelled, its address is gone and nothing
 * that could be matched to it stays (no hash either: docs/legal.md).
 */
@Entity('outbox_messages')
@Index('idx_outbox_status_next', ['status', 'nextAttemptAt'])
@Index('idx_outbox_request', ['dataRequestId'])
// Erasure cancels a person's pending mail by address: without it, every pending message is read.
@Index('idx_outbox_pending_address', ['status', 'toAddress'])
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  /** What it is, e.g. ERASURE_NOTICE, REQUEST_ACKNOWLEDGEMENT, CALIFORNIA_NOTICE. */
  @Column({ type: 'varchar', length: 40 })
  kind!: string;

  @Column({ type: 'enum', enum: OutboxChannel, default: OutboxChannel.EMAIL })
  channel!: OutboxChannel;

  /** An email address, or for POST the envelope: name and postal address, one line each. */
  @Column({ name: 'to_address', type: 'varchar', length: 700, nullable: true })
  toAddress!: string | null;

  @Column({ type: 'varchar', length: 300 })
  subject!: string;

  @Column({ name: 'text_body', type: 'mediumtext' })
  textBody!: string;

  @Column({ name: 'html_body', type: 'mediumtext', nullable: true })
  htmlBody!: string | null;

  /** Extra headers, e.g. List-Unsubscribe for marketing mail. */
  @Column({ type: 'json', nullable: true })
  headers!: Record<string, string> | null;

  @Column({ type: 'enum', enum: OutboxStatus, default: OutboxStatus.PENDING })
  status!: OutboxStatus;

  @Column({ type: 'int', unsigned: true, default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 })
  nextAttemptAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  @Column({ name: 'data_request_id', type: 'int', unsigned: true, nullable: true })
  dataRequestId!: number | null;

  @Column({ name: 'recipient_id', type: 'int', unsigned: true, nullable: true })
  recipientId!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;
}
