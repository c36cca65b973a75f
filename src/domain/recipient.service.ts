import type { EntityManager } from 'typeorm';
import { Recipient } from '../entities/recipient.entity';
import { DisclosurePurpose, RecipientKind } from '../entities/enums';
import type { Actor } from './actor';
import { appendAudit } from './audit.service';
import { isDuplicateKeyError } from './db-errors';
import { badInput, conflict, notFound } from './errors';

export interface RecipientFields {
  name?: string;
  postalAddress?: string | null;
  email?: string | null;
  businessDescription?: string | null;
  allowedPurposes?: DisclosurePurpose[];
  contractReference?: string | null;
}

export interface RegisterRecipientInput extends RecipientFields {
  kind: RecipientKind;
  name: string;
  allowedPurposes: DisclosurePurpose[];
}

/** Purposes that can never apply to a kind of recipient, whatever its contract says. */
const IMPOSSIBLE: Partial<Record<RecipientKind, DisclosurePurpose[]>> = {
  [RecipientKind.PARTNER]: [DisclosurePurpose.DIRECT_MARKETING, DisclosurePurpose.BUSINESS_TRANSFER],
  [RecipientKind.AUTHORITY]: [DisclosurePurpose.DIRECT_MARKETING, DisclosurePurpose.BUSINESS_TRANSFER],
  [RecipientKind.AGENT]: [DisclosurePurpose.BUSINESS_TRANSFER],
};

/** Recipients that use data for their own ends, so that their direct marketing is the kind 1798.83 counts. */
export const OWN_USE_KINDS: ReadonlySet<RecipientKind> = new Set([RecipientKind.THIRD_PARTY, RecipientKind.AFFILIATE]);

/**
 * Civil Code 1798.83(a)(2): a Shine-the-Light notice gives the name and address of every third
 * party that received a customer's data for its own direct marketing, so such a recipient cannot
 * be on record without a postal address (docs/legal.md, point 13).
 */
export function needsPostalAddress(kind: RecipientKind, purposes: readonly DisclosurePurpose[]): boolean {
  return OWN_USE_KINDS.has(kind) && purposes.includes(DisclosurePurpose.DIRECT_MARKETING);
}

/** A postal address as kept: trimmed, and null when blank. */
function cleanAddress(address: string | null | undefined): string | null {
  const trimmed = address?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function checkAddress(kind: RecipientKind, purposes: readonly DisclosurePurpose[], address: string | null): void {
  if (needsPostalAddress(kind, purposes) && address === null) {
    throw badInput(
      `a ${kind} recipient allowed DIRECT_MARKETING needs a postalAddress: a Shine-the-Light notice gives its name and address (Civil Code 1798.83(a)(2))`,
      { field: 'postalAddress', reason: 'POSTAL_ADDRESS_REQUIRED' },
    );
  }
}

function checkPurposes(kind: RecipientKind, purposes: DisclosurePurpose[]): DisclosurePurpose[] {
  const unique = [...new Set(purposes)];
  if (unique.length === 0) throw badInput('allowedPurposes must name at least one purpose', { field: 'allowedPurposes' });
  const bad = unique.filter((p) => IMPOSSIBLE[kind]?.includes(p));
  if (bad.length > 0) throw badInput(`a ${kind} recipient cannot receive data for ${bad.join(', ')}`, { field: 'allowedPurposes' });
  return unique.sort();
}

export async function registerRecipient(em: EntityManager, actor: Actor, input: RegisterRecipientInput): Promise<Recipient> {
  const name = input.name.trim();
  if (!name) throw badInput('name must not be empty', { field: 'name' });
  const allowedPurposes = checkPurposes(input.kind, input.allowedPurposes);
  const postalAddress = cleanAddress(input.postalAddress);
  checkAddress(input.kind, allowedPurposes, postalAddress);
  const repo = em.getRepository(Recipient);
  const recipient = repo.create({
    kind: input.kind,
    name,
    postalAddress,
    email: input.email?.toLowerCase() ?? null,
    businessDescription: input.businessDescription ?? null,
    allowedPurposes,
    contractReference: input.contractReference ?? null,
  });
  try {
    await repo.insert(recipient);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`a recipient named "${name}" already exists`, { field: 'name' });
    throw err;
  }
  await appendAudit(em, actor, { action: 'recipient.registered', entityType: 'Recipient', entityId: recipient.id, details: { kind: input.kind } });
  return repo.findOneByOrFail({ id: recipient.id });
}

export async function updateRecipient(em: EntityManager, actor: Actor, id: number, input: RecipientFields): Promise<Recipient> {
  const repo = em.getRepository(Recipient);
  const current = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!current) throw notFound('recipient', id);
  const changes: Partial<Recipient> = {};
  if (input.name !== undefined) {
    // GraphQL lets a caller send null for an optional input field; a recipient always has a name.
    if ((input.name as string | null) === null || !input.name.trim()) throw badInput('name must not be empty', { field: 'name' });
    changes.name = input.name.trim();
  }
  if (input.postalAddress !== undefined) changes.postalAddress = cleanAddress(input.postalAddress);
  if (input.email !== undefined) changes.email = input.email?.toLowerCase() ?? null;
  if (input.businessDescription !== undefined) changes.businessDescription = input.businessDescription;
  if (input.contractReference !== undefined) changes.contractReference = input.contractReference;
  if (input.allowedPurposes !== undefined) changes.allowedPurposes = checkPurposes(current.kind, input.allowedPurposes);
  const fields = Object.keys(changes).sort();
  if (fields.length === 0) throw badInput('nothing to update');
  // Checked on the record as it would be: clearing the address and adding DIRECT_MARKETING are both refused.
  checkAddress(current.kind, changes.allowedPurposes ?? current.allowedPurposes, changes.postalAddress !== undefined ? changes.postalAddress : cleanAddress(current.postalAddress));
  try {
    await repo.update({ id }, changes);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`a recipient named "${changes.name}" already exists`, { field: 'name' });
    throw err;
  }
  await appendAudit(em, actor, { action: 'recipient.updated', entityType: 'Recipient', entityId: id, details: { fields } });
  return repo.findOneByOrFail({ id });
}

/**
 * Recipients a person's deletion or correction is passed on to (1798.105(c), 11 CCR 7023(c)):
 * everyone who received their data but authorities, which take no instructions from us.
 */
export const KINDS_TOLD_OF_REQUESTS: readonly RecipientKind[] = [RecipientKind.AGENT, RecipientKind.THIRD_PARTY, RecipientKind.AFFILIATE, RecipientKind.ACQUIRER, RecipientKind.PARTNER];

/** One row per recipient and category it received about a person, identifiably, with when. */
export interface ReceivedRow {
  id: number;
  name: string;
  email: string | null;
  category_key: string | null;
  first_at: Date;
  last_at: Date;
}

/**
 * Who received a person's data identifiably (of the given kinds), which categories and when: what
 * an erasure's or a correction's notice to each recipient names the person by (docs/legal.md,
 * point 4). Read before the disclosures are unlinked or the values corrected.
 */
export function identifiableRecipientsOf(em: EntityManager, subjectId: number, kinds: readonly RecipientKind[]): Promise<ReceivedRow[]> {
  return em.query(
    `SELECT r.id, r.name, r.email, dc.category_key, MIN(d.occurred_at) AS first_at, MAX(d.occurred_at) AS last_at
       FROM disclosures d JOIN recipients r ON r.id = d.recipient_id
       LEFT JOIN disclosure_categories dc ON dc.subject_id = d.subject_id AND dc.disclosure_id = d.id
      WHERE d.subject_id = ? AND d.identifiable = 1 AND r.kind IN (?)
      GROUP BY r.id, r.name, r.email, dc.category_key ORDER BY r.id, dc.category_key`,
    [subjectId, kinds],
  );
}
