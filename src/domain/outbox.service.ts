import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { OutboxStatus } from '../entities/outbox-message.entity';

export interface OutboxDraft {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  headers?: Record<string, string> | null;
  dataRequestId?: number | null;
  recipientId?: number | null;
}

export const addressHash = (address: string): string => createHash('sha256').update(address.trim().toLowerCase()).digest('hex');

/** Writes messages in the caller's transaction; the outbox job delivers them after commit. */
export async function enqueueMessages(em: EntityManager, drafts: OutboxDraft[], now = new Date()): Promise<number> {
  if (drafts.length === 0) return 0;
  // One multi-row INSERT in plain SQL: outbox writes ride inside hot transactions (erasure, notices).
  await em.query(
    `INSERT INTO outbox_messages (kind, to_address, to_hash, subject, text_body, html_body, headers, status, attempts, next_attempt_at, data_request_id, recipient_id)
     VALUES ${drafts.map(() => '(?,?,?,?,?,?,?,?,0,?,?,?)').join(',')}`,
    drafts.flatMap((d) => [
      d.kind, d.to, addressHash(d.to), d.subject.slice(0, 300), d.text, d.html ?? null, d.headers ? JSON.stringify(d.headers) : null,
      OutboxStatus.PENDING, now, d.dataRequestId ?? null, d.recipientId ?? null,
    ]),
  );
  return drafts.length;
}
