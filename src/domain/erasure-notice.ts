import { californiaLongDate } from './deadlines';
import type { RetainedCopy } from './hooks';

/**
 * What a person is told about their deletion request (11 CCR 7022; docs/legal.md, points 5 and
 * 8): when a legal obligation to preserve stops it, and when it is done, what was deleted and
 * what is kept, under which exception and until when. Pure functions of the request's outcome,
 * so every sentence has a unit test.
 */

/** 11 CCR 7101(a): records of consumer requests are kept for at least 24 months. */
export const REQUEST_RECORD_MONTHS = 24;

/** What each erasure step deleted, in words; a step the table does not know is named as it is. */
const ERASED_WORDS: Readonly<Record<string, string>> = {
  subjects: 'your profile: name, email address, telephone number, postal address, region, country, date of birth and age range',
  consents: 'your privacy choices',
  consent_events: 'the history of your privacy choices',
  email_opens: 'records of which of our emails you opened',
  collection_events: 'records of your visits to our website',
  collection_events_deidentified: 'records of your visits to our website, which are now de-identified and can no longer be linked to you',
  disclosures_unlinked: 'the link between you and our records of what we shared with other businesses',
  outbox_messages_cancelled: 'messages that were waiting to be sent to you',
};

/** The order steps are told in: the profile first, then as the table lists them. */
const ORDER = Object.keys(ERASED_WORDS);

export interface ErasureAccount {
  requestId: number;
  /** Rows per erasure step, as the request's result holds them. */
  erased: Record<string, number>;
  kept: RetainedCopy[];
  completedAt: Date;
}


/** The end of the request record's retention: the same instant REQUEST_RECORD_MONTHS later (dates are then told in California time). */
export function requestRecordKeptUntil(completedAt: Date): Date {
  const until = new Date(completedAt.getTime());
  until.setUTCMonth(until.getUTCMonth() + REQUEST_RECORD_MONTHS);
  // 29 February plus 24 months is 1 March in a common year: keep it, never a day short.
  return until;
}

/** The lines saying what was deleted, each step with rows, in the table's order. */
export function deletedLines(erased: Record<string, number>): string[] {
  const steps = Object.entries(erased).filter(([, n]) => n > 0);
  steps.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  return steps.map(([step]) => ERASED_WORDS[step] ?? `other records (${step.replace(/_/g, ' ')})`);
}

function rank(step: string): number {
  const i = ORDER.indexOf(step);
  return i === -1 ? ORDER.length : i;
}

/** The lines saying what is kept: the request's own record, then each retained copy with its exception and end. */
export function keptLines(account: Pick<ErasureAccount, 'requestId' | 'kept' | 'completedAt'>): string[] {
  const lines = [
    `A record of this request (its dates, what was done and this letter), which the law requires us to keep (California Code of Regulations, title 11, section 7101), until ${californiaLongDate(requestRecordKeptUntil(account.completedAt))}. It holds no other information about you.`,
  ];
  for (const k of account.kept) lines.push(`${capitalize(k.what)}. We keep it ${k.exception}, ${k.until ? `until ${californiaLongDate(k.until)}` : 'until that obligation ends; we will not use it for anything else'}.`);
  return lines;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The confirmation of a completed erasure: true about what went and what stays (7022(f)). */
export function erasureConfirmation(account: ErasureAccount): { subject: string; text: string } {
  const deleted = deletedLines(account.erased);
  const kept = keptLines(account);
  const lines = [
    `Your deletion request (reference ${account.requestId}) has been carried out.`,
    '',
    deleted.length > 0 ? 'We have deleted:' : 'We held no personal information about you to delete.',
    ...deleted.map((d) => `  - ${d}`),
    '',
    'We keep:',
    ...kept.map((k) => `  - ${k}`),
    '',
    'Aggregate statistics that cannot identify you are not personal information and are kept.',
  ];
  const subject = account.kept.length > 0 ? 'Your personal information has been deleted, except what we must keep' : 'Your personal information has been deleted';
  return { subject, text: `${lines.join('\n')}\n` };
}

/**
 * The message of a request a legal obligation to preserve stops (7022(f)(1): the consumer is told
 * of the exception relied on), in general terms: a hold's matter is privileged and is not named.
 */
export function erasureBlockedNotice(requestId: number): { subject: string; text: string } {
  return {
    subject: 'Your deletion request cannot be completed yet',
    text: [
      `We received your deletion request (reference ${requestId}).`,
      '',
      'We cannot complete it now: a legal obligation requires us to preserve some of your personal information for a legal matter (California Civil Code section 1798.105(d) and California Code of Regulations, title 11, section 7022(f)).',
      '',
      'We will finish your request when the obligation ends, and write to you again then to tell you what we deleted and what, if anything, we keep.',
      '',
    ].join('\n'),
  };
}

/** The person as a recipient may know them: the values of the identifying categories it received. */
export interface PersonIdentifiers {
  name: string | null;
  email: string | null;
  phone: string | null;
  /** One line: street, city, postal code. */
  postalAddress: string | null;
}

/** Categories that identify a person, and the label of each in a recipient's notice, in the order shown. */
const IDENTIFYING: readonly [category: string, label: string, field: keyof PersonIdentifiers][] = [
  ['user.name', 'Name', 'name'],
  ['user.contact.email', 'Email address', 'email'],
  ['user.contact.phone_number', 'Telephone number', 'phone'],
  ['user.contact.address', 'Postal address', 'postalAddress'],
];

export interface RecipientDisclosures {
  name: string;
  /** Every category the recipient received about the person, as data_categories keys. */
  categories: string[];
  firstAt: Date;
  lastAt: Date;
}

/** The lines that let a recipient find the person: the identifiers it received from us, and no other. */
export function identifierLines(person: PersonIdentifiers, received: ReadonlySet<string>): string[] {
  return IDENTIFYING.filter(([category, , field]) => received.has(category) && person[field]).map(([, label, field]) => `  ${label}: ${person[field]}`);
}

/** When a recipient received the person's data: "on <day>" or "between <day> and <day>", in California. */
export function disclosureDates(recipient: Pick<RecipientDisclosures, 'firstAt' | 'lastAt'>): string {
  return recipient.firstAt.getTime() === recipient.lastAt.getTime() ? `on ${californiaLongDate(recipient.firstAt)}` : `between ${californiaLongDate(recipient.firstAt)} and ${californiaLongDate(recipient.lastAt)}`;
}

/**
 * The erasure notice to one recipient (1798.105(c): direct service providers, contractors and
 * third parties to delete): it identifies the person by what that recipient received from us, and
 * nothing more, so it can find its records without being told anything new (docs/legal.md, point 4).
 * A recipient that received no identifier is told the categories and dates instead.
 */
export function recipientErasureNotice(requestId: number, person: PersonIdentifiers, recipient: RecipientDisclosures): { subject: string; text: string } {
  const received = new Set(recipient.categories);
  const ids = identifierLines(person, received);
  const dates = disclosureDates(recipient);
  const lines = [
    `Dear ${recipient.name},`,
    '',
    `A person whose personal information we disclosed to you ${dates} has asked us to delete it (our reference ${requestId}). Please delete the personal information you received from us about this person, and tell your own service providers and contractors to do the same.`,
    '',
    ...(ids.length > 0
      ? ['You can find the person in your records by the information you received from us:', ...ids]
      : ['We sent you no name or contact details of this person; the categories of information you received are listed below, with the dates above.']),
    '',
    `Categories you received: ${[...received].sort().join(', ')}.`,
    '',
    'This message identifies the person only by what you already received; please do not keep it once you have acted on it.',
    '',
  ];
  return { subject: `Deletion request ${requestId}: delete the personal information we disclosed to you`, text: lines.join('\n') };
}

/** The subject's columns, in words, for telling a person which parts of their profile went. */
export const COLUMN_WORDS: Readonly<Record<string, string>> = {
  name: 'name', email: 'email address', phone: 'telephone number', street_address: 'street address', city: 'city', postal_code: 'postal code',
  region: 'region', country: 'country', birth_date: 'date of birth', age_range: 'age range',
};

/** What a partial erasure keeps, in words: the categories' labels, or everything within the dates. */
export function heldDescription(held: { labels: string[] | null; from: Date | null; until: Date | null }[]): string {
  const parts = held.map((h) => {
    const what = h.labels === null ? 'your information' : `your ${h.labels.map((l) => l.charAt(0).toLowerCase() + l.slice(1)).join(', ')}`;
    const when = h.from && h.until ? ` from ${californiaLongDate(h.from)} to ${californiaLongDate(h.until)}` : h.from ? ` from ${californiaLongDate(h.from)} on` : h.until ? ` before ${californiaLongDate(h.until)}` : '';
    return `${what}${when}`;
  });
  return [...new Set(parts)].join('; ');
}

/**
 * The message of an erasure a legal hold made partial (docs/legal.md, points 6 and 8): what was
 * deleted now, what is kept and why in general terms (no matter is named), and that the rest
 * follows when the obligation ends.
 */
export function erasurePartialNotice(input: {
  requestId: number;
  erased: Record<string, number>;
  deletedColumns: string[];
  held: string;
  kept: RetainedCopy[];
  completedAt: Date;
}): { subject: string; text: string } {
  const { subjects: _profile, ...rest } = input.erased;
  const deleted = [
    ...(input.deletedColumns.length ? [`from your profile: ${input.deletedColumns.map((c) => COLUMN_WORDS[c] ?? c.replace(/_/g, ' ')).join(', ')}`] : []),
    ...deletedLines(rest),
  ];
  const lines = [
    `We have carried out part of your deletion request (reference ${input.requestId}).`,
    '',
    deleted.length > 0 ? 'We have deleted:' : 'We could not delete anything yet.',
    ...deleted.map((d) => `  - ${d}`),
    '',
    `We must keep, for now, ${input.held}: a legal obligation requires us to preserve it for a legal matter (California Civil Code section 1798.105(d) and California Code of Regulations, title 11, section 7022(f)). We use it for that purpose only. We will delete it when the obligation ends, and write to you then.`,
    '',
    'We also keep:',
    ...keptLines(input).map((k) => `  - ${k}`),
    '',
  ];
  return { subject: 'Your deletion request has been partly carried out', text: lines.join('\n') };
}

/** A recipient of the person's data, with every category it received and when. */
export interface NotifiedRecipient extends RecipientDisclosures {
  id: number;
  email: string | null;
}

/** Folds the recipients statement's rows (one per recipient and category) into one entry per recipient. */
export function recipientsOf(rows: { id: number; name: string; email: string | null; category_key: string | null; first_at: Date; last_at: Date }[]): NotifiedRecipient[] {
  const byId = new Map<number, NotifiedRecipient>();
  for (const r of rows) {
    const id = Number(r.id);
    const first = new Date(r.first_at);
    const last = new Date(r.last_at);
    const entry = byId.get(id);
    if (!entry) byId.set(id, { id, name: r.name, email: r.email, categories: r.category_key ? [r.category_key] : [], firstAt: first, lastAt: last });
    else {
      if (r.category_key && !entry.categories.includes(r.category_key)) entry.categories.push(r.category_key);
      if (first < entry.firstAt) entry.firstAt = first;
      if (last > entry.lastAt) entry.lastAt = last;
    }
  }
  return [...byId.values()];
}
