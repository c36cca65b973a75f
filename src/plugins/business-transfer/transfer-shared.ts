/** What more than one of a transfer's jobs reads: terminal statuses, its names elsewhere, the export's columns, where chunk parts lie, the data key. */
import path from 'node:path';
import { openDataKey } from './data-key';
import { DomainError } from '../../domain/errors';
import { transferCategoryList, transferColumns } from '../../domain/personal-data.catalogue';
import { DisclosurePurpose, PurposeKey } from '../../entities/enums';
import { type BusinessTransfer, type TransferPhase, TransferStatus } from './business-transfer.entity';
import type { ExportFile } from './export-files';

export const TERMINAL = new Set([TransferStatus.COMPLETED, TransferStatus.CANCELLED, TransferStatus.FAILED]);

/** What a due-diligence export reveals (generalized, non-identifying): from the personal-data catalogue. */
export const DUE_DILIGENCE_CATEGORIES = transferCategoryList('DUE_DILIGENCE');

export const CONSENT_PURPOSES = Object.values(PurposeKey).sort();
export const DISCLOSURE_PURPOSES = Object.values(DisclosurePurpose).sort();

export const COLUMNS: Record<TransferPhase, Record<ExportFile, readonly string[]>> = {
  // The personal columns are the catalogue's (what each phase exports of each field); the rest are keys, times and counts.
  CLOSING: {
    subjects: ['id', ...transferColumns('CLOSING', 'subjects', 'subjects'), 'source', 'createdAt', 'updatedAt'],
    consents: ['subjectId', ...transferColumns('CLOSING', 'consents', 'consents'), 'version', 'updatedAt', ...transferColumns('CLOSING', 'consent_events', 'consents')],
    disclosures: ['id', 'subjectId', 'recipientId', 'recipientName', 'recipientKind', ...transferColumns('CLOSING', 'disclosures', 'disclosures'), 'occurredAt', 'categories'],
  },
  // Class aggregates only (due-diligence-release.ts): a class's generalized values and its size; per purpose, counts of people.
  DUE_DILIGENCE: {
    subjects: [...transferColumns('DUE_DILIGENCE', 'subjects', 'subjects'), 'signupMonth', 'subjects'],
    consents: ['purpose', 'status', 'subjects'],
    disclosures: ['purpose', 'subjects', 'disclosures'],
  },
};

export const transferReference = (id: number) => `business-transfer:${id}`;

const pad = (n: number) => String(n).padStart(6, '0');
export const partsDir = (t: BusinessTransfer) => path.join(t.exportPath, '.parts');
export const partFile = (t: BusinessTransfer, file: ExportFile, seq: number) => path.join(partsDir(t), `${file}.${pad(seq)}.part`);

/** The transfer's data key, opened with the key-encryption key (null: the export is not encrypted). */
export function dataKeyOf(t: BusinessTransfer, kek: Buffer): Buffer | null {
  if (!t.publicKey) return null;
  if (!t.dataKey) throw new DomainError('CONFLICT', `business transfer ${t.id} has lost its data key`);
  return openDataKey(t.dataKey, kek, t.id);
}
