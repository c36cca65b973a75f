import type { EntityManager } from 'typeorm';
import { OutboxChannel, OutboxStatus } from '../entities/outbox-message.entity';
import { insertRows } from './transaction';

export interface OutboxDraft {
  kind: string;
  /** EMAIL unless said: for POST, `to` is the envelope (src/domain/postal-letter.ts). */
  channel?: OutboxChannel;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  headers?: Record<string, string> | null;
  dataRequestId?: number | null;
  recipientId?: number | null;
}

/** An erasure's own messages to the person on its way (blocked, partly done): never cancelled by a later run of it. */
export const ERASURE_PROGRESS_KINDS: readonly string[] = ['ERASURE_BLOCKED', 'ERASURE_PARTIAL'];

/**
 * Kinds whose body names someone other than the addressee (an erasure notice to a recipient
 * names the erased person by what it received): their body goes with the address once the
 * message is sent or fails for good (docs/legal.md, point 4).
 */
export const BODY_NAMES_A_PERSON: readonly string[] = ['ERASURE_NOTICE', 'CORRECTION_NOTICE'];

/**
 * Kinds whose body carries a credential (an access package's one-time link) or the person's own
 * information beyond their address (a correction's answer repeats the corrected values): cleared
 * the same way, so the outbox keeps neither a live link nor a copy of the data once delivered.
 */
export const BODY_CARRIES_A_CREDENTIAL: readonly string[] = ['ACCESS_PACKAGE_READY', 'CORRECTION_ANSWER'];

const CLEARED_AFTER_DELIVERY = [...BODY_NAMES_A_PERSON, ...BODY_CARRIES_A_CREDENTIAL].map((k) => `'${k}'`).join(', ');

/** The SET clause that clears such a body, for a statement that ends a message's delivery. */
export const CLEAR_PERSON_BODY = `text_body = IF(kind IN (${CLEARED_AFTER_DELIVERY}), '', text_body), html_body = IF(kind IN (${CLEARED_AFTER_DELIVERY}), NULL, html_body)`;

/** Writes messages in the caller's transaction; the outbox job delivers them after commit. */
export async function enqueueMessages(em: EntityManager, drafts: OutboxDraft[], now = new Date()): Promise<number> {
  if (drafts.length === 0) return 0;
  // One multi-row INSERT in plain SQL: outbox writes ride inside hot transactions (erasure, notices);
  // a bulk one (a notice chunk, a fan-out page) as a prepared statement (insertRows).
  await insertRows(
    em,
    drafts.length,
    `INSERT INTO outbox_messages (kind, channel, to_address, subject, text_body, html_body, headers, status, attempts, next_attempt_at, data_request_id, recipient_id)
     VALUES ${drafts.map(() => '(?,?,?,?,?,?,?,?,0,?,?,?)').join(',')}`,
    drafts.flatMap((d) => [
      d.kind, d.channel ?? OutboxChannel.EMAIL, d.to, d.subject.slice(0, 300), d.text, d.html ?? null, d.headers ? JSON.stringify(d.headers) : null,
      OutboxStatus.PENDING, now, d.dataRequestId ?? null, d.recipientId ?? null,
    ]),
  );
  return drafts.length;
}

/**
 * Cancels every message still waiting for a person (an erased person's): emails to their address,
 * and letters for their requests (an envelope is not matched by text: the address may have
 * changed since it was queued). A cancelled message is not sent, and its address and body go (a
 * greeting names the person). A message a delivery run has already claimed (SENDING) is with the
 * mail server or the print queue and cannot be recalled (docs/legal.md). Returns how many were
 * cancelled. One statement: it rides in the erasure's transaction.
 */
export async function cancelPendingMessagesTo(em: EntityManager, person: { email: string | null; subjectId: number; keepRequestId?: number }): Promise<number> {
  const cancel = "status = 'CANCELLED', to_address = NULL, text_body = '', html_body = NULL, headers = NULL, last_error = NULL";
  // What the erasure itself told the person earlier (its blocked or partial message) still goes.
  const keep = `NOT (data_request_id <=> ? AND kind IN (${ERASURE_PROGRESS_KINDS.map((k) => `'${k}'`).join(', ')}))`;
  let cancelled = 0;
  // Two statements, each on an index (pending mail by address; letters by the person's requests):
  // one statement ORing both scans every pending message, and the outbox can hold many.
  if (person.email) {
    const byEmail: { affectedRows?: number } = await em.query(`UPDATE outbox_messages SET ${cancel} WHERE status = ? AND to_address = ? AND channel = ? AND ${keep}`, [
      OutboxStatus.PENDING, person.email, OutboxChannel.EMAIL, person.keepRequestId ?? null,
    ]);
    cancelled += Number(byEmail.affectedRows ?? 0);
  }
  const letters: { affectedRows?: number } = await em.query(
    `UPDATE outbox_messages o JOIN data_requests r ON r.id = o.data_request_id SET ${cancel.replace(/(\w+) =/g, 'o.$1 =')}
      WHERE r.subject_id = ? AND o.status = ? AND o.channel = ? AND ${keep.replace(/(data_request_id|kind)/g, 'o.$1')}`,
    [person.subjectId, OutboxStatus.PENDING, OutboxChannel.POST, person.keepRequestId ?? null],
  );
  return cancelled + Number(letters.affectedRows ?? 0);
}

/** A delivery error as kept: the address it may quote is replaced (a failed message keeps no address). */
export function scrubbedError(message: string, address: string | null): string {
  let out = message;
  if (address) out = out.split(address).join('<address>');
  // Any other address the mail server quoted.
  return out.replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<address>').slice(0, 1000);
}
