import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DataRequest } from './data-request.entity';

export enum AccessPackageStatus {
  /** Sealed on disk, its link not used yet. */
  READY = 'READY',
  /** The one-time link was used; the file stays until its purge (a new link can be issued). */
  DOWNLOADED = 'DOWNLOADED',
  /** The file is gone: its retention passed or the person was erased. */
  PURGED = 'PURGED',
}

/**
 * The answer to an access request: an archive (a JSON file per section, a CSV per table, a
 * manifest with SHA-256 and the letter) sealed with AES-256-GCM under a key of its own, which is
 * stored here wrapped with ACCESS_PACKAGE_KEY (never in the database). The link's token is stored
 * only as its SHA-256: whoever reads this table cannot download the package.
 */
@Entity('access_packages')
@Index('uq_access_packages_request', ['requestId'], { unique: true })
@Index('uq_access_packages_token', ['tokenHash'], { unique: true })
@Index('idx_access_packages_purge', ['purgedAt', 'purgeAfter'])
@Index('idx_access_packages_subject', ['subjectId'])
export class AccessPackage {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'request_id', type: 'int', unsigned: true })
  requestId!: number;

  @ManyToOne(() => DataRequest, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_access_packages_request_id' })
  request?: Relation<DataRequest>;

  @Column({ name: 'subject_id', type: 'int', unsigned: true })
  subjectId!: number;

  @Column({ type: 'enum', enum: AccessPackageStatus })
  status!: AccessPackageStatus;

  /** What the package answers (verification.rules.ts AccessScope). */
  @Column({ type: 'varchar', length: 20 })
  scope!: string;

  /** The sealed file; null once purged. */
  @Column({ name: 'file_path', type: 'varchar', length: 500, nullable: true })
  filePath!: string | null;

  /** Size and SHA-256 of the archive as the person receives it (the ZIP, before sealing). */
  @Column({ type: 'bigint', unsigned: true })
  bytes!: string;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  /** The package's data key, wrapped (AES-256-GCM) with a key derived from ACCESS_PACKAGE_KEY: iv.ciphertext.tag, base64url. */
  @Column({ name: 'wrapped_key', type: 'varchar', length: 200 })
  wrappedKey!: string;

  /** SHA-256 of the link's token; null once used or purged. */
  @Column({ name: 'token_hash', type: 'char', length: 64, nullable: true })
  tokenHash!: string | null;

  /** How the person was told: EMAIL (the link), POSTAL_MAIL (the letter, with the link printed) or NONE (no address on record). */
  @Column({ type: 'varchar', length: 20 })
  delivery!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'link_expires_at', type: 'datetime', precision: 3 })
  linkExpiresAt!: Date;

  @Column({ name: 'downloaded_at', type: 'datetime', precision: 3, nullable: true })
  downloadedAt!: Date | null;

  @Column({ name: 'purge_after', type: 'datetime', precision: 3 })
  purgeAfter!: Date;

  @Column({ name: 'purged_at', type: 'datetime', precision: 3, nullable: true })
  purgedAt!: Date | null;
}
