import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config';

export interface OutgoingMail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  headers?: Record<string, string> | null;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * SMTP when OUTBOX_SMTP_URL is set; otherwise each message is written as an .eml file to
 * OUTBOX_DIR, which is what a developer machine and the tests read.
 */
export function createMailTransport(config: Config): MailTransport {
  const from = config.outbox.from;
  if (config.outbox.smtpUrl) {
    const smtp = nodemailer.createTransport(config.outbox.smtpUrl);
    return {
      async send(mail) {
        await smtp.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined, headers: mail.headers ?? undefined, messageId: mail.messageId });
      },
      close: () => smtp.close(),
    };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await stream.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined, headers: mail.headers ?? undefined, messageId: mail.messageId });
      await mkdir(config.outbox.dir, { recursive: true });
      const name = mail.messageId.replace(/[^A-Za-z0-9._-]/g, '_');
      await writeFile(path.join(config.outbox.dir, `${name}.eml`), info.message as Buffer);
    },
    close: () => stream.close(),
  };
}
