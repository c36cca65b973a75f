import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { OutboxMessage, OutboxStatus } from '../entities/outbox-message.entity';

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
  await em.getRepository(OutboxMessage).insert(
    drafts.map((d) => ({
      kind: d.kind,
      toAddress: d.to,
      toHash: addressHash(d.to),
      subject: d.subject.slice(0, 300),
      textBody: d.text,
      htmlBody: d.html ?? null,
      headers: d.headers ?? null,
      status: OutboxStatus.PENDING,
      attempts: 0,
      nextAttemptAt: now,
      dataRequestId: d.dataRequestId ?? null,
      recipientId: d.recipientId ?? null,
    })),
  );
  return drafts.length;
}
