import path from 'node:path';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../domain/actor';
import { appendAudit } from '../../domain/audit.service';
import { badInput, conflict, notFound } from '../../domain/errors';
import { useCaseOf } from '../../domain/use-cases';
import { BusinessTransfer, TransferStatus } from './business-transfer.entity';
import type { Manifest, ManifestFile } from './export-files';

/** The files of a completed transfer that may be downloaded: manifest.json and those it lists. */
export const MANIFEST_FILE = 'manifest.json';

export interface ArtifactDownload {
  /** Absolute path of the file on the gateway's disk. */
  file: string;
  name: string;
  /** From the manifest (null for the manifest itself). */
  sha256: string | null;
  bytes: number | null;
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
  if (name !== MANIFEST_FILE && !listed) throw notFound('export file', `${transferId}/${name}`);
  const download = { file: path.join(t.exportPath, name === MANIFEST_FILE ? MANIFEST_FILE : listed!.name), name, sha256: listed?.sha256 ?? null, bytes: listed?.bytes ?? null };
  await appendAudit(em, actor, { action: 'business-transfer.artifact-downloaded', entityType: 'BusinessTransfer', entityId: transferId, details: { file: name, sha256: download.sha256, bytes: download.bytes } });
  return download;
}

export const downloadArtifact = useCaseOf(artifactForDownload);
