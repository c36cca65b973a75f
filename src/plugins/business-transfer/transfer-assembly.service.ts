/** Assembly: concatenate the parts (closing) or k-anonymize them (due diligence), write the manifest, complete the transfer. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../domain/actor';
import { appendAudit } from '../../domain/audit.service';
import { announceDisclosures, recordDisclosure } from '../../domain/disclosure.service';
import type { DomainHooks } from '../../domain/hooks';
import type { UseCaseRunner } from '../../domain/job-intents';
import { DomainError, notFound } from '../../domain/errors';
import { DisclosurePurpose } from '../../entities/enums';
import { Recipient } from '../../entities/recipient.entity';
import type { Anonymizer, PluginServices } from '../../domain/plugin-services.port';
import { manifestSigningKey, signManifest, SIGNATURE_FILE } from './manifest-signature';
import { BusinessTransfer, TransferFormat, TransferPhase, TransferStatus } from './business-transfer.entity';
import {
  EXPORT_FILES, FRAMING, GzipLineWriter, SCHEMA_VERSION, concatenate, encryptFrame, exportFileName, formatRow, writeFileAtomic,
  type ExportFile, type Manifest, type ManifestFile,
} from './export-files';
import { ChunkStatus, TransferChunk } from './transfer-chunk.entity';
import { artifactsExpireAt, parseScope } from './transfer-lifecycle.service';
import { mergeTallies, releaseDueDiligence, type ClassTally } from './due-diligence-release';
import { COLUMNS, CONSENT_PURPOSES, DISCLOSURE_PURPOSES, DUE_DILIGENCE_CATEGORIES, TERMINAL, dataKeyOf, partFile, partsDir, transferReference } from './transfer-shared';

async function writeWholeFile(t: BusinessTransfer, file: ExportFile, lines: Iterable<string> | AsyncIterable<string>, dataKey: Buffer | null): Promise<{ rows: number; gz: string }> {
  const gz = path.join(partsDir(t), `${file}.final.gz`);
  const writer = new GzipLineWriter(gz);
  try {
    if (t.format === TransferFormat.CSV) await writer.line(COLUMNS.DUE_DILIGENCE[file].join(','), false);
    for await (const line of lines) {
      const wrote = writer.line(line);
      if (wrote) await wrote;
    }
  } catch (err) {
    await writer.abort();
    throw err;
  }
  await writer.close();
  if (!dataKey) return { rows: writer.rows, gz };
  const enc = `${gz}.enc`;
  await encryptFrame(gz, enc, dataKey, file, 0, true);
  return { rows: writer.rows, gz: enc };
}

interface DueDiligenceOutput {
  files: Record<ExportFile, { rows: number; path: string }>;
  anonymization: NonNullable<Manifest['anonymization']>;
  subjects: number;
}

/**
 * Class aggregates only (due-diligence-release.ts): the chunks' tallies merged, the classes
 * k-anonymized by the anonymizer's plan (generalized, small ones dropped), and the consent and
 * disclosure counts of the released people with small counts suppressed. Memory is the histogram
 * (regions × age bands × months), whatever the number of people.
 */
async function assembleDueDiligence(t: BusinessTransfer, chunks: TransferChunk[], anonymizer: Anonymizer, dataKey: Buffer | null): Promise<DueDiligenceOutput> {
  const quasiIdentifiers = [
    { column: 'region', kind: 'REGION' as const },
    { column: 'ageBand', kind: 'AGE_BAND' as const },
    { column: 'signupMonth', kind: 'SIGNUP_MONTH' as const },
  ];
  const tallies = mergeTallies(
    chunks.map((c) => {
      if (c.tallies === null) throw new Error(`chunk ${c.seq} of business transfer ${t.id} has no tally (written before the upgrade?): start the transfer again`);
      return JSON.parse(c.tallies) as ClassTally[];
    }),
  );
  const plan = anonymizer.planKAnonymity(
    tallies.map((c) => ({ values: c.values, count: c.subjects })),
    { quasiIdentifiers, k: t.k },
  );
  const release = await releaseDueDiligence(
    tallies,
    (values) => plan.generalize(values),
    t.k,
    async (cells, k) => (await anonymizer.suppressCounts(cells, ['value'], k)).cells,
    { consent: CONSENT_PURPOSES, disclosure: DISCLOSURE_PURPOSES },
  );
  const cols = COLUMNS.DUE_DILIGENCE;
  const subjects = await writeWholeFile(t, 'subjects', release.subjects.map((r) => formatRow(t.format, cols.subjects, r)), dataKey);
  const consents = await writeWholeFile(t, 'consents', release.consents.map((r) => formatRow(t.format, cols.consents, r)), dataKey);
  const disclosures = await writeWholeFile(t, 'disclosures', release.disclosures.map((r) => formatRow(t.format, cols.disclosures, r)), dataKey);
  return {
    files: { subjects: { rows: subjects.rows, path: subjects.gz }, consents: { rows: consents.rows, path: consents.gz }, disclosures: { rows: disclosures.rows, path: disclosures.gz } },
    anonymization: { k: t.k, kAchieved: plan.kAchieved, suppressedRows: plan.suppressedRows, levels: plan.levels, quasiIdentifiers: quasiIdentifiers.map((q) => q.column) },
    subjects: release.released,
  };
}

export function buildManifest(t: BusinessTransfer, acquirer: Recipient, files: ManifestFile[], subjects: number, anonymization: Manifest['anonymization']): Manifest {
  return {
    schemaVersion: SCHEMA_VERSION,
    transferId: t.id,
    deal: t.dealName,
    phase: t.phase,
    format: t.format,
    acquirer: { id: acquirer.id, name: acquirer.name },
    scope: parseScope(t),
    generatedAt: t.generatedAt.toISOString(),
    subjects,
    files,
    encryption: t.wrappedKey ? { algorithm: 'AES-256-GCM', keyWrap: 'RSA-OAEP-SHA256', wrappedKey: t.wrappedKey, framing: FRAMING } : null,
    anonymization,
  };
}

/**
 * Runs after every chunk: writes the final files and the manifest (temp then rename, so a crash
 * redoes it from the parts), then completes the transfer in one transaction, with the one
 * non-identifiable disclosure of a due-diligence export, and its audit event.
 */
export async function assembleTransfer(ds: DataSource, run: UseCaseRunner, hooks: DomainHooks, services: PluginServices, transferId: number, actor: Actor, kek: Buffer): Promise<{ skipped?: string; manifest?: Manifest }> {
  const t = await ds.getRepository(BusinessTransfer).findOneBy({ id: transferId });
  if (!t) throw notFound('business transfer', transferId);
  if (t.status === TransferStatus.CANCELLED) {
    await rm(t.exportPath, { recursive: true, force: true });
    return { skipped: t.status };
  }
  if (TERMINAL.has(t.status)) return { skipped: t.status };
  const chunks = await ds.getRepository(TransferChunk).find({ where: { transferId }, order: { seq: 'ASC' } });
  const pending = chunks.filter((c) => c.status !== ChunkStatus.DONE).map((c) => c.seq);
  if (chunks.length === 0 || pending.length > 0) throw new Error(`business transfer ${transferId} has chunks still to write: ${pending.slice(0, 10).join(', ')}`);
  const acquirer = await ds.getRepository(Recipient).findOneByOrFail({ id: t.acquirerId });
  const dataKey = dataKeyOf(t, kek);
  const encrypted = dataKey !== null;

  const manifestFiles: ManifestFile[] = [];
  let subjects: number;
  let anonymization: Manifest['anonymization'] = null;
  if (t.phase === TransferPhase.CLOSING) {
    subjects = chunks.reduce((n, c) => n + c.subjects, 0);
    for (const f of EXPORT_FILES) {
      const name = exportFileName(f, t.format, encrypted);
      const { sha256, bytes } = await concatenate(chunks.map((c) => partFile(t, f, c.seq)), path.join(t.exportPath, name));
      const rows = chunks.reduce((n, c) => n + ((JSON.parse(c.parts ?? '{}') as Record<string, { rows: number }>)[f]?.rows ?? 0), 0);
      manifestFiles.push({ name, rows, bytes, sha256 });
    }
  } else {
    const anonymizer = services.anonymizer;
    if (!anonymizer) throw new DomainError('CONFLICT', 'due diligence needs the anonymization plugin');
    const out = await assembleDueDiligence(t, chunks, anonymizer, dataKey);
    for (const f of EXPORT_FILES) {
      const name = exportFileName(f, t.format, encrypted);
      const { sha256, bytes } = await concatenate([out.files[f].path], path.join(t.exportPath, name));
      manifestFiles.push({ name, rows: out.files[f].rows, bytes, sha256 });
    }
    subjects = out.subjects;
    anonymization = out.anonymization;
  }
  const manifest = buildManifest(t, acquirer, manifestFiles, subjects, anonymization);
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFileAtomic(path.join(t.exportPath, 'manifest.json'), manifestText);
  // Signed with the gateway's key (its public half is given to the acquirer): a rewritten manifest no longer verifies.
  await writeFileAtomic(path.join(t.exportPath, SIGNATURE_FILE), `${JSON.stringify(signManifest(Buffer.from(manifestText), manifestSigningKey(kek)))}\n`);

  const { result: done } = await run(async (uow) => {
    const em = uow.em;
    const locked = await em.getRepository(BusinessTransfer).findOne({ where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
    if (!locked || TERMINAL.has(locked.status)) return false;
    if (t.phase === TransferPhase.DUE_DILIGENCE) {
      const disclosure = await recordDisclosure(em, actor, {
        subjectId: null,
        recipientId: t.acquirerId,
        purpose: DisclosurePurpose.BUSINESS_TRANSFER,
        categories: DUE_DILIGENCE_CATEGORIES,
        identifiable: false,
        transactionReference: transferReference(t.id),
      });
      await announceDisclosures(uow, hooks, actor, [disclosure.id]);
    }
    const finishedAt = new Date();
    // The class tallies were the export's working data: the files hold what was released.
    if (t.phase === TransferPhase.DUE_DILIGENCE) await em.query('UPDATE business_transfer_chunks SET tallies = NULL WHERE transfer_id = ?', [transferId]);
    await em.getRepository(BusinessTransfer).update({ id: transferId }, {
      status: TransferStatus.COMPLETED, manifest: JSON.stringify(manifest), finishedAt, dataKey: null, artifactsExpireAt: artifactsExpireAt(finishedAt, locked.artifactRetentionDays),
    });
    await appendAudit(em, actor, {
      action: 'business-transfer.finished',
      entityType: 'BusinessTransfer',
      entityId: transferId,
      details: { phase: t.phase, subjects, files: manifestFiles.map((f) => ({ name: f.name, rows: f.rows, sha256: f.sha256 })) },
    });
    return true;
  });
  if (!done) {
    const now = await ds.getRepository(BusinessTransfer).findOneBy({ id: transferId });
    if (now?.status === TransferStatus.CANCELLED) await rm(t.exportPath, { recursive: true, force: true });
    return { skipped: now?.status ?? 'GONE' };
  }
  await rm(partsDir(t), { recursive: true, force: true });
  return { manifest };
}
