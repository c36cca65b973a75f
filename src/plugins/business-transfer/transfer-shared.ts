/** What more than one of a transfer's jobs reads: terminal statuses, its names elsewhere, the export's columns, where chunk parts lie, the data key. */
import path from 'node:path';
import { DomainError } from '../../domain/errors';
import { DisclosurePurpose, PurposeKey } from '../../entities/enums';
import { type BusinessTransfer, type TransferPhase, TransferStatus } from './business-transfer.entity';
import type { ExportFile } from './export-files';

export const TERMINAL = new Set([TransferStatus.COMPLETED, TransferStatus.CANCELLED, TransferStatus.FAILED]);

/** What a due-diligence export reveals: generalized, non-identifying. */
export const DUE_DILIGENCE_CATEGORIES = ['user.demographic.age_range', 'user.location.imprecise'];

export const CONSENT_PURPOSES = Object.values(PurposeKey).sort();
export const DISCLOSURE_PURPOSES = Object.values(DisclosurePurpose).sort();

export const COLUMNS: Record<TransferPhase, Record<ExportFile, readonly string[]>> = {
  CLOSING: {
    subjects: ['id', 'name', 'email', 'phone', 'streetAddress', 'city', 'postalCode', 'region', 'country', 'birthDate', 'ageRange', 'source', 'createdAt', 'updatedAt'],
    consents: ['subjectId', 'purpose', 'status', 'source', 'policyVersion', 'version', 'updatedAt', 'history'],
    disclosures: ['id', 'subjectId', 'recipientId', 'recipientName', 'recipientKind', 'purpose', 'identifiable', 'transactionReference', 'occurredAt', 'categories'],
  },
  DUE_DILIGENCE: {
    subjects: ['pseudonym', 'region', 'ageBand', 'signupMonth', ...CONSENT_PURPOSES.map((p) => `consent_${p}`), ...DISCLOSURE_PURPOSES.map((p) => `disclosures_${p}`)],
    consents: ['purpose', 'status', 'subjects'],
    disclosures: ['purpose', 'disclosures', 'subjects'],
  },
};

export const transferReference = (id: number) => `business-transfer:${id}`;
export const pseudonymScope = (id: number) => `transfer-${id}`;

const pad = (n: number) => String(n).padStart(6, '0');
export const partsDir = (t: BusinessTransfer) => path.join(t.exportPath, '.parts');
export const partFile = (t: BusinessTransfer, file: ExportFile, seq: number) => path.join(partsDir(t), `${file}.${pad(seq)}.part`);

export function dataKeyOf(t: BusinessTransfer): Buffer | null {
  if (!t.publicKey) return null;
  if (!t.dataKey) throw new DomainError('CONFLICT', `business transfer ${t.id} has lost its data key`);
  return Buffer.from(t.dataKey, 'hex');
}
