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
  const repo = em.getRepository(Recipient);
  const recipient = repo.create({
    kind: input.kind,
    name,
    postalAddress: input.postalAddress ?? null,
    email: input.email?.toLowerCase() ?? null,
    businessDescription: input.businessDescription ?? null,
    allowedPurposes: checkPurposes(input.kind, input.allowedPurposes),
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
    if (!input.name.trim()) throw badInput('name must not be empty', { field: 'name' });
    changes.name = input.name.trim();
  }
  if (input.postalAddress !== undefined) changes.postalAddress = input.postalAddress;
  if (input.email !== undefined) changes.email = input.email?.toLowerCase() ?? null;
  if (input.businessDescription !== undefined) changes.businessDescription = input.businessDescription;
  if (input.contractReference !== undefined) changes.contractReference = input.contractReference;
  if (input.allowedPurposes !== undefined) changes.allowedPurposes = checkPurposes(current.kind, input.allowedPurposes);
  const fields = Object.keys(changes).sort();
  if (fields.length === 0) throw badInput('nothing to update');
  try {
    await repo.update({ id }, changes);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`a recipient named "${changes.name}" already exists`, { field: 'name' });
    throw err;
  }
  await appendAudit(em, actor, { action: 'recipient.updated', entityType: 'Recipient', entityId: id, details: { fields } });
  return repo.findOneByOrFail({ id });
}
