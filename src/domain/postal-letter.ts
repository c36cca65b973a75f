import { OutboxChannel } from '../entities/outbox-message.entity';
import type { OutboxDraft } from './outbox.service';

/**
 * Letters by post, for people the gateway must answer in writing but holds no email for
 * (Civil Code 1798.83(a): "in writing or by electronic mail"; issue 21, point 14; docs/legal.md).
 * A letter is a print-ready HTML file per message in the print queue folder: the mail room prints
 * it on US Letter and it fits a #10 window envelope. HTML rather than PDF: a browser prints any
 * script a name is written in, where a PDF would need a font embedded for each.
 */

export interface PostalParts {
  name: string | null;
  streetAddress: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  country: string | null;
}

const clean = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/**
 * The envelope lines of a person's postal address, one per line; null when there is not enough to
 * deliver to (a street, a city and a postal code). The region's ISO 3166-2 subdivision code is
 * written as its code ("US-CA" → "CA"), as US addresses write the state.
 */
export function envelopeOf(p: PostalParts): string | null {
  const street = clean(p.streetAddress);
  const city = clean(p.city);
  const postal = clean(p.postalCode);
  if (!street || !city || !postal) return null;
  const region = clean(p.region);
  const subdivision = /^[A-Z]{2}-([A-Z0-9]{1,3})$/.exec(region)?.[1] ?? region;
  const country = clean(p.country).toUpperCase();
  const lines = [clean(p.name), street, [city, [subdivision, postal].filter(Boolean).join(' ')].filter(Boolean).join(', ')];
  // A domestic letter does not name the country (USPS Publication 28); a foreign one does.
  if (country && country !== 'US') lines.push(country);
  return lines.filter(Boolean).join('\n');
}

/** How to reach a person in writing, as their row holds it. */
export interface PersonContact {
  email: string | null;
  name: string | null;
  street_address: string | null;
  city: string | null;
  postal_code: string | null;
  region: string | null;
  country: string | null;
}

export type Delivery = { by: 'EMAIL'; to: string } | { by: 'POSTAL_MAIL'; to: string } | { by: 'NONE' };

/**
 * How a written answer reaches a person: by email when there is an address, else by post to the
 * postal address, else not at all (the caller decides what an undeliverable answer means).
 */
export function deliveryTo(person: PersonContact | undefined): Delivery {
  if (!person) return { by: 'NONE' };
  if (person.email) return { by: 'EMAIL', to: person.email };
  const envelope = envelopeOf({
    name: person.name, streetAddress: person.street_address, city: person.city, postalCode: person.postal_code, region: person.region, country: person.country,
  });
  return envelope ? { by: 'POSTAL_MAIL', to: envelope } : { by: 'NONE' };
}

/** The columns of `subjects` deliveryTo reads, for a SELECT list. */
export const CONTACT_COLUMNS = 'email, name, street_address, city, postal_code, region, country';

/** Text made safe inside HTML. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The file name of a message's letter in the print queue: the message id, so a resend overwrites it. */
export function letterFileName(messageId: number): string {
  if (!Number.isSafeInteger(messageId) || messageId <= 0) throw new Error(`not a message id: ${messageId}`);
  return `letter-${String(messageId).padStart(10, '0')}.html`;
}

/**
 * A print-ready letter: the envelope block where a #10 window shows it (7/8 in from the left,
 * 2 in from the top), then the letter's body. The body is the message's HTML body when it has
 * one (its own <body> content), else its text in a preformatted block.
 */
export function printReadyLetter(input: { envelope: string; subject: string; html: string | null; text: string; reference: string; date: string }): string {
  const body = input.html ? (/<body[^>]*>([\s\S]*)<\/body>/i.exec(input.html)?.[1] ?? input.html) : `<pre style="white-space: pre-wrap; font-family: inherit">${escapeHtml(input.text)}</pre>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.subject)}</title>
<style>
@page { size: letter; margin: 0; }
body { margin: 0; font-family: Georgia, serif; font-size: 11pt; line-height: 1.45; }
.sheet { position: relative; width: 8.5in; min-height: 11in; box-sizing: border-box; padding: 3.5in 1in 1in 1in; }
.envelope { position: absolute; left: 0.875in; top: 2in; width: 4in; height: 1.125in; white-space: pre-line; }
.reference { position: absolute; right: 1in; top: 1in; font-size: 9pt; text-align: right; }
</style></head>
<body><div class="sheet">
<div class="reference">${escapeHtml(input.date)}<br>Ref. ${escapeHtml(input.reference)}</div>
<div class="envelope">${escapeHtml(input.envelope)}</div>
${body.trim()}
</div></body></html>
`;
}

/**
 * A written answer to a person's request, as the outbox takes it: by email, or by post to the
 * envelope; none when the delivery is NONE. The one place a request's answer picks its channel.
 */
export function writtenAnswer(delivery: Delivery, requestId: number, message: { kind: string; subject: string; text: string; html?: string | null }): OutboxDraft[] {
  if (delivery.by === 'NONE') return [];
  return [{ kind: message.kind, channel: delivery.by === 'EMAIL' ? OutboxChannel.EMAIL : OutboxChannel.POST, to: delivery.to, subject: message.subject, text: message.text, html: message.html ?? null, dataRequestId: requestId }];
}
