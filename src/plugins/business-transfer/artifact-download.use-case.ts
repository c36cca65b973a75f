import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../domain/actor';
import { appendAudit } from '../../domain/audit.service';
import { badInput, conflict, DomainError, notFound } from '../../domain/errors';
import { useCaseOf } from '../../domain/use-cases';
import { BusinessTransfer, TransferStatus } from './business-transfer.entity';
import { sha256File, type Manifest, type ManifestFile } from './export-files';
import { checkManifestSignature, manifestSigningKey, SIGNATURE_FILE } from './manifest-signature';

/** The files of a completed transfer that may be downloaded: manifest.json, its signature and the files it lists. */
export const MANIFEST_FILE = 'manifest.json';

export interface ArtifactDownload {
  /** Absolute path of the file on the gateway's disk. */
  file: string;
  name: string;
  /** From the manifest (null for the manifest itself). */
  sha256: string | null;
  bytes: number | null;
  /** Its size on disk now. */
  size: number;
}

/**
 * The rule of downloading an export file: only a COMPLETED transfer whose files are not purged,
 * only a name its manifest lists (or the manifest), and every download recorded in the audit log
 * (who, which file, its SHA-256) before a byte leaves. The name is matched against the manifest,
 * never joined to a path as given, so no name reaches another file.
 */
export async function artifactForDownload(em: EntityManager, actor: Actor, transferId: number, name: string): Promise<ArtifactDownload> {
  if (!Number.isInteger(transferId) || transferId < 1) throw badInput('not a business transfer id', { field: 'id' });
  const t = await em.getRepository(BusinessTransfer).findOneBy({ id: transferId });
  if (!t) throw notFound('business transfer', transferId);
  if (t.status !== TransferStatus.COMPLETED || !t.manifest) throw conflict(`business transfer ${transferId} is ${t.status}: only a completed transfer's files can be downloaded`);
  if (t.artifactsPurgedAt) throw conflict(`the files of business transfer ${transferId} were purged on ${t.artifactsPurgedAt.toISOString()} (retention)`);
  const listed: ManifestFile | undefined = (JSON.parse(t.manifest) as Manifest).files.find((f) => f.name === name);
  const ownFile = name === MANIFEST_FILE || name === SIGNATURE_FILE;
  if (!ownFile && !listed) throw notFound('export file', `${transferId}/${name}`);
  const file = path.join(t.exportPath, ownFile ? name : listed!.name);
  // Only a file that is there is recorded as downloaded.
  const size = (await stat(file).catch(() => null))?.size;
  if (size === undefined) throw new DomainError('NOT_FOUND', `export file ${transferId}/${name} is not on disk (moved or removed by hand)`);
  const download = { file, name, sha256: listed?.sha256 ?? null, bytes: listed?.bytes ?? null, size };
  await appendAudit(em, actor, { action: 'business-transfer.artifact-downloaded', entityType: 'BusinessTransfer', entityId: transferId, details: { file: name, sha256: download.sha256, bytes: download.bytes } });
  return download;
}

export const downloadArtifact = useCaseOf(artifactForDownload);

export interface FileCheck {
  name: string;
  ok: boolean;
  problems: string[];
}

/**
 * Checks a completed transfer's files on disk against the manifest the gateway recorded when it
 * finished (in MySQL, not the manifest.json beside the files, which whoever can change the files
 * can change too): every file's size and SHA-256, and manifest.json itself.
 */
export async function verifyTransferFiles(em: EntityManager, transferId: number, kek: Buffer): Promise<{ valid: boolean; files: FileCheck[] }> {
  const t = await em.getRepository(BusinessTransfer).findOneBy({ id: transferId });
  if (!t) throw notFound('business transfer', transferId);
  if (t.status !== TransferStatus.COMPLETED || !t.manifest) throw conflict(`business transfer ${transferId} is ${t.status}: only a completed transfer's files can be verified`);
  if (t.artifactsPurgedAt) throw conflict(`the files of business transfer ${transferId} were purged on ${t.artifactsPurgedAt.toISOString()} (retention)`);
  const recorded = JSON.parse(t.manifest) as Manifest;
  const files: FileCheck[] = [];
  for (const f of recorded.files) {
    const problems: string[] = [];
    const found = await sha256File(path.join(t.exportPath, f.name)).catch(() => null);
    if (!found) problems.push('missing');
    else {
      if (found.bytes !== f.bytes) problems.push(`${found.bytes} bytes, the manifest says ${f.bytes}`);
      if (found.sha256 !== f.sha256) problems.push(`SHA-256 ${found.sha256}, the manifest says ${f.sha256}`);
    }
    files.push({ name: f.name, ok: problems.length === 0, problems });
  }
  const onDisk = await readFile(path.join(t.exportPath, MANIFEST_FILE), 'utf8').then((text) => JSON.parse(text) as unknown, () => undefined);
  const manifestProblems = onDisk === undefined ? ['missing or not JSON'] : isDeepStrictEqual(onDisk, recorded) ? [] : ['differs from the manifest the gateway recorded'];
  files.push({ name: MANIFEST_FILE, ok: manifestProblems.length === 0, problems: manifestProblems });
  // The signature beside it must sign manifest.json's bytes with the gateway's key.
  const manifestBytes = await readFile(path.join(t.exportPath, MANIFEST_FILE)).catch(() => null);
  const sig = await readFile(path.join(t.exportPath, SIGNATURE_FILE), 'utf8').catch(() => null);
  const sigProblems = sig === null || manifestBytes === null ? ['missing'] : checkManifestSignature(manifestBytes, sig, manifestSigningKey(kek).publicKeyPem) === 'valid' ? [] : ['does not sign manifest.json with the gateway\'s key'];
  files.push({ name: SIGNATURE_FILE, ok: sigProblems.length === 0, problems: sigProblems });
  return { valid: files.every((f) => f.ok), files };
}
