import DataLoader from 'dataloader';
import type { DataCategory } from '../../entities/data-category.entity';
import { categoriesOf } from './category.loader';
import { Disclosure } from '../../entities/disclosure.entity';
import type { DisclosurePurpose } from '../../entities/enums';
import type { Recipient } from '../../entities/recipient.entity';
import { defineLoader, groupBy, type LoaderRegistry } from './loader-registry';
import { RECIPIENT_COLUMNS, recipientFromRow, recipientLoader } from './recipient.loader';

export interface DisclosurePageArgs {
  /** Rows per parent, one more than the page so that hasNextPage needs no extra statement. */
  take: number;
  after: { occurredAt: Date; id: number } | null;
  purpose: DisclosurePurpose | null;
  since: Date | null;
  until: Date | null;
}

/** A disclosure read for a page, with its recipient and categories attached (unless loads are unbatched). */
export type LoadedDisclosure = Disclosure & { recipient?: Recipient; categories?: DataCategory[] };

/**
 * Two statements for the disclosures of many parents (subjects or recipients): a window
 * function keeps each parent's newest `take` rows after the cursor, with each row's recipient
 * joined; then the categories of all those rows. Recipient and categories travel on the
 * disclosure, so resolving them costs neither a statement nor a promise per row. A page names
 * a few hundred recipients a thousand times, and parsing their columns on every row was a
 * visible share of a page's time: only a recipient's first row carries its columns, the
 * others NULLs (one byte each on the wire).
 */
function disclosurePageLoader(registry: LoaderRegistry, parentColumn: 'subject_id' | 'recipient_id', args: DisclosurePageArgs) {
  return new DataLoader<number, LoadedDisclosure[]>(async (ids) => {
    const where: string[] = [`d.${parentColumn} IN (?)`];
    const params: unknown[] = [ids];
    if (args.purpose) {
      where.push('d.purpose = ?');
      params.push(args.purpose);
    }
    if (args.since) {
      where.push('d.occurred_at >= ?');
      params.push(args.since);
    }
    if (args.until) {
      where.push('d.occurred_at < ?');
      params.push(args.until);
    }
    if (args.after) {
      where.push('(d.occurred_at < ? OR (d.occurred_at = ? AND d.id < ?))');
      params.push(args.after.occurredAt, args.after.occurredAt, args.after.id);
    }
    params.push(args.take);
    const rows: Record<string, unknown>[] = await registry.dataSource.query(
      `SELECT u.id, u.subject_id, u.recipient_id, u.purpose, u.identifiable, u.transaction_reference,
              u.occurred_at, u.recorded_by, u.created_at, ${RECIPIENT_COLUMNS('r', 'u.recipient_rn = 1')}
         FROM (
           SELECT t.*, ROW_NUMBER() OVER (PARTITION BY t.recipient_id ORDER BY t.id) AS recipient_rn FROM (
             SELECT d.id, d.subject_id, d.recipient_id, d.purpose, d.identifiable, d.transaction_reference,
                    d.occurred_at, d.recorded_by, d.created_at,
                    ROW_NUMBER() OVER (PARTITION BY d.${parentColumn} ORDER BY d.occurred_at DESC, d.id DESC) AS rn
               FROM disclosures d WHERE ${where.join(' AND ')}
           ) t WHERE t.rn <= ?
         ) u JOIN recipients r ON r.id = u.recipient_id
        ORDER BY u.${parentColumn}, u.rn`,
      params,
    );
    // Unbatched, each disclosure's recipient and categories come through their own fields' loaders.
    if (!registry.batch) return groupBy(ids, rows.map(toDisclosure), (d) => (parentColumn === 'subject_id' ? d.subjectId! : d.recipientId));
    const recipients = registry.of(recipientLoader);
    const recipientOf = new Map<number, Recipient>();
    for (const row of rows) {
      if (row.r_id === null) continue;
      const recipient = recipientFromRow(row);
      recipientOf.set(recipient.id, recipient);
      recipients.clear(recipient.id).prime(recipient.id, recipient);
    }
    const list = rows.map((row) => {
      const d = toDisclosure(row);
      return Object.assign(d, { recipient: recipientOf.get(d.recipientId)!, categories: [] as DataCategory[] });
    });
    const categories = await categoriesOf(registry.dataSource, list.map((d) => d.id));
    for (const d of list) d.categories = categories.get(d.id) ?? [];
    return groupBy(ids, list, (d) => (parentColumn === 'subject_id' ? d.subjectId! : d.recipientId));
  });
}

function toDisclosure(r: Record<string, unknown>): Disclosure {
  return Object.assign(new Disclosure(), {
    id: Number(r.id),
    subjectId: r.subject_id === null ? null : Number(r.subject_id),
    recipientId: Number(r.recipient_id),
    purpose: r.purpose as DisclosurePurpose,
    identifiable: Boolean(r.identifiable),
    transactionReference: (r.transaction_reference as string | null) ?? null,
    occurredAt: r.occurred_at as Date,
    recordedBy: r.recorded_by as string,
    createdAt: r.created_at as Date,
  });
}

export const disclosuresBySubjectLoader = (args: DisclosurePageArgs) => defineLoader('disclosuresBySubject', (registry: LoaderRegistry) => disclosurePageLoader(registry, 'subject_id', args));
export const disclosuresByRecipientLoader = (args: DisclosurePageArgs) => defineLoader('disclosuresByRecipient', (registry: LoaderRegistry) => disclosurePageLoader(registry, 'recipient_id', args));
