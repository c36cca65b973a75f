import type { DataSource } from 'typeorm';
import { OutboxChannel, OutboxStatus } from '../entities/outbox-message.entity';
import { systemActor } from '../domain/actor';
import { CALIFORNIA_NOTICE_KIND, completePostedNotices, renderNoticeMessages } from '../domain/california-notice.service';
import { letterFileName, printReadyLetter } from '../domain/postal-letter';
import { californiaLongDate } from '../domain/deadlines';
import { inTransaction } from '../domain/transaction';
import { CLEAR_PERSON_BODY, scrubbedError } from '../domain/outbox.service';
import type { JobDefinition } from './job-definition';
import { createMailTransport, type MailTransport } from './mail-transport';
import { createPrintQueue, type PrintQueue } from './print-queue';

export const OUTBOX_QUEUE = 'outbox';
export const OUTBOX_DELIVER_JOB = 'outbox.deliver';
const MAX_ATTEMPTS = 8;
const BATCH = 50;
// A message left SENDING this long belongs to a worker that died mid-send.
const STUCK_MS = 10 * 60_000;

interface Claimed {
  id: number;
  kind: string;
  channel: OutboxChannel;
  data_request_id: number | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  headers: string | Record<string, string> | null;
  attempts: number;
}

/**
 * Delivers outbox messages: claims a batch (SKIP LOCKED, so several workers share the work),
 * marks it SENDING and commits, sends, then marks each SENT and redacts its address. A failed
 * send is retried with backoff. Each message carries a stable Message-ID, so a resend after a
 * crash mid-send can be recognized as the same message. A letter (channel POST) is handed to the
 * print queue instead, as one print-ready file named after the message; a notice sent by post is
 * answered in the same change that marks its letter handed over.
 */
export async function deliverOutbox(
  ds: DataSource,
  transport: MailTransport,
  now = () => new Date(),
  companyName = 'the company',
  print: PrintQueue | null = null,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  // Email does not wait on the print queue's folder: a purge that fails is tried again next run,
  // and a letter that cannot be written fails on its own, with its error kept on the message.
  if (print) await print.purgeExpired(now()).catch(() => 0);
  await ds.query(`UPDATE outbox_messages SET status = ? WHERE status = ? AND next_attempt_at < ?`, [OutboxStatus.PENDING, OutboxStatus.SENDING, new Date(now().getTime() - STUCK_MS)]);
  for (;;) {
    const claimed = await inTransaction(ds, async (em) => {
      const rows: Claimed[] = await em.query(
        `SELECT id, kind, channel, data_request_id, to_address, subject, text_body, html_body, headers, attempts FROM outbox_messages
          WHERE status = ? AND next_attempt_at <= ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [OutboxStatus.PENDING, now(), BATCH],
      );
      if (rows.length > 0) await em.query(`UPDATE outbox_messages SET status = ?, attempts = attempts + 1, next_attempt_at = ? WHERE id IN (?)`, [OutboxStatus.SENDING, now(), rows.map((r) => r.id)]);
      return rows;
    });
    if (claimed.length === 0) return { sent, failed };
    // Notice emails carry no body in the outbox: their letters are rendered now, in one query.
    const noticeIds = claimed.filter((m) => m.kind === CALIFORNIA_NOTICE_KIND && m.data_request_id !== null).map((m) => Number(m.data_request_id));
    const letters = await renderNoticeMessages(ds.manager, noticeIds, companyName);
    for (const m of claimed) {
      try {
        const letter = m.kind === CALIFORNIA_NOTICE_KIND && m.data_request_id !== null ? letters.get(Number(m.data_request_id)) : undefined;
        if (m.kind === CALIFORNIA_NOTICE_KIND && !letter && !m.text_body) throw new Error(`the notice of data request ${m.data_request_id} is missing`);
        const handedOver = `UPDATE outbox_messages SET status = ?, sent_at = ?, to_address = NULL, last_error = NULL, ${CLEAR_PERSON_BODY} WHERE id = ?`;
        if (m.channel === OutboxChannel.POST) {
          if (!print) throw new Error('no print queue is configured for letters');
          const at = now();
          await print.hand(
            letterFileName(Number(m.id)),
            printReadyLetter({
              envelope: m.to_address, subject: m.subject, html: letter?.html ?? m.html_body, text: letter?.text ?? m.text_body,
              reference: String(m.data_request_id ?? m.id), date: californiaLongDate(at),
            }),
          );
          await inTransaction(ds, async (em) => {
            await em.query(handedOver, [OutboxStatus.SENT, at, m.id]);
            if (m.kind === CALIFORNIA_NOTICE_KIND && m.data_request_id !== null) await completePostedNotices(em, systemActor, [Number(m.data_request_id)], at);
          });
        } else {
          await transport.send({
            messageId: `<outbox-${m.id}@data-rights-gateway>`,
            to: m.to_address,
            subject: m.subject,
            text: letter?.text ?? m.text_body,
            html: letter?.html ?? m.html_body,
            headers: typeof m.headers === 'string' ? (JSON.parse(m.headers) as Record<string, string>) : m.headers,
          });
          await ds.query(handedOver, [OutboxStatus.SENT, now(), m.id]);
        }
        sent += 1;
      } catch (err) {
        const attempts = m.attempts + 1;
        const giveUp = attempts >= MAX_ATTEMPTS;
        // A message that fails for good keeps no address; no error kept quotes one.
        await ds.query(`UPDATE outbox_messages SET status = ?, next_attempt_at = ?, last_error = ?, to_address = ${giveUp ? `NULL, ${CLEAR_PERSON_BODY}` : 'to_address'} WHERE id = ?`, [
          giveUp ? OutboxStatus.FAILED : OutboxStatus.PENDING,
          new Date(now().getTime() + 2 ** attempts * 15_000),
          scrubbedError(String((err as Error).message ?? err), m.to_address),
          m.id,
        ]);
        failed += 1;
      }
    }
  }
}

export function outboxDeliveryJob(everyMs: number): JobDefinition<Record<string, never>> {
  let transport: MailTransport | null = null;
  let print: PrintQueue | null = null;
  return {
    name: OUTBOX_DELIVER_JOB,
    queue: OUTBOX_QUEUE,
    attempts: 1,
    concurrency: 1,
    repeat: { every: everyMs },
    async process(_payload, ctx) {
      transport ??= createMailTransport(ctx.config);
      print ??= createPrintQueue(ctx.config.print.dir, ctx.config.print.retentionDays);
      return deliverOutbox(ctx.dataSource, transport, undefined, ctx.config.company.name, print);
    },
  };
}
