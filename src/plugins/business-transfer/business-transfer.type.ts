import { ArrayMaxSize, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SubjectStatus } from '../../entities/enums';
import { ConnectionType } from '../../schema/pagination';
import '../../schema/enums';
import { TransferFormat, TransferPhase, TransferStatus } from './business-transfer.entity';

registerEnumType(TransferPhase, {
  name: 'BusinessTransferPhase',
  description: 'The stage of a merger or acquisition a business transfer serves, which decides how much of each person the export reveals.',
  valuesConfig: {
    DUE_DILIGENCE: {
      description:
        'Before the deal: class aggregates, never a row per person. Each class of generalized region, age band and signup month holds at least k people (BUSINESS_TRANSFER_K, default 11) and is given with its size; consents and disclosures are counts of people per purpose, small counts suppressed; one non-identifiable disclosure to the acquirer is recorded.',
    },
    CLOSING: {
      description: 'At closing: full customer records with each person’s consents and disclosure history, and one BUSINESS_TRANSFER disclosure to the acquirer recorded per exported person.',
    },
  },
});
registerEnumType(TransferFormat, {
  name: 'ExportFormat',
  description: 'File format of a business transfer’s export files; every file is gzip-compressed.',
  valuesConfig: {
    NDJSON: { description: 'Newline-delimited JSON, one object per row (files named *.ndjson.gz).' },
    CSV: { description: 'CSV with one header line (files named *.csv.gz).' },
  },
});
registerEnumType(TransferStatus, {
  name: 'BusinessTransferStatus',
  description: 'Where a business transfer stands. COMPLETED, FAILED and CANCELLED are final.',
  valuesConfig: {
    PENDING: { description: 'Started; waiting for its plan job to split the scope into chunks.' },
    RUNNING: { description: 'Planned; chunk jobs are writing the export.' },
    COMPLETED: { description: 'Every file and the manifest are written; the files stay on disk until artifactsExpireAt.' },
    FAILED: { description: 'A chunk or the assembly gave up; error says why. Files written so far are kept until they expire.' },
    CANCELLED: { description: 'Stopped by cancelBusinessTransfer; its files are deleted.' },
  },
});

@ObjectType('BusinessTransferScope', { simpleResolvers: true, description: 'Which people a business transfer exports, as fixed at its start. Only ACTIVE people are ever exported.' })
export class BusinessTransferScopeType {
  @Field(() => [String], { nullable: true, description: 'ISO 3166-2 region codes (e.g. US-CA), upper case and sorted; null when the scope names no region (any region).' })
  regions!: string[] | null;

  @Field(() => [SubjectStatus], { nullable: true, description: 'The subject statuses given at start (always including ACTIVE); null when none were given.' })
  statuses!: SubjectStatus[] | null;

  @Field(() => Date, { nullable: true, description: 'Only people created before this ISO 8601 UTC date-time; null for no such limit.' })
  createdBefore!: Date | null;
}

@ObjectType('BusinessTransferProgress', { simpleResolvers: true, description: 'How far a business transfer’s export has come, counted in people (subjects).' })
export class BusinessTransferProgressType {
  @Field(() => Int, { description: 'Subjects whose rows are written so far, at most total.' })
  processed!: number;

  @Field(() => Int, { description: 'Subjects in scope, counted when the transfer started.' })
  total!: number;

  @Field(() => Float, { description: 'processed as a percentage of total, 0 to 100 with one decimal; 100 once COMPLETED.' })
  percent!: number;

  @Field(() => Float, { description: 'Subjects per second, averaged from the start to the end (or to now while unfinished), one decimal.' })
  rate!: number;

  @Field(() => Date, {
    nullable: true,
    description: 'ISO 8601 UTC date-time the export is expected to finish, from the rate so far; the actual finish once COMPLETED. Null when FAILED or CANCELLED, or while nothing is written yet.',
  })
  estimatedFinish!: Date | null;
}

@ObjectType('ExportArtifact', { simpleResolvers: true, description: 'One file of a business transfer’s export, as its manifest records it; the acquirer can check the file against it.' })
export class ExportArtifactType {
  @Field({ description: 'File name in the export folder, e.g. subjects.ndjson.gz, or consents.csv.gz.enc when encrypted.' })
  name!: string;

  @Field(() => Int, { description: 'Data rows in the file (a CSV header line is not counted).' })
  rows!: number;

  @Field(() => Float, { description: 'Size of the file as written, in bytes (after compression and any encryption).' })
  bytes!: number;

  @Field({ description: 'Hex SHA-256 of the file’s bytes as written.' })
  sha256!: string;
}

@ObjectType('BusinessTransfer', {
  simpleResolvers: true,
  description:
    'An export of customer data to an acquirer in a merger or acquisition: class aggregates of at least k people for DUE_DILIGENCE, full records at CLOSING, written by background jobs as files with a manifest. Visible to the roles MNA and ADMIN.',
})
export class BusinessTransferType {
  @Field(() => ID, { description: 'The transfer’s id.' })
  id!: number;

  @Field({ description: 'Name of the deal, as given at start.' })
  dealName!: string;

  @Field(() => ID, { description: 'Id of the acquirer: a recipient of kind ACQUIRER.' })
  acquirerId!: number;

  @Field(() => TransferPhase, { description: 'DUE_DILIGENCE (class aggregates of at least k people) or CLOSING (full records).' })
  phase!: TransferPhase;

  @Field(() => TransferFormat, { description: 'Format of the export files.' })
  format!: TransferFormat;

  @Field(() => TransferStatus, { description: 'Where the transfer stands.' })
  status!: TransferStatus;

  @Field({ description: 'Generation time written into the manifest (ISO 8601 UTC date-time), fixed at start; age bands are computed as of it.' })
  generatedAt!: Date;

  @Field({ description: 'Subject of the token that started the transfer.' })
  startedBy!: string;

  @Field({ description: 'When the transfer was started (ISO 8601 UTC date-time).' })
  startedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the transfer completed, failed or was cancelled (ISO 8601 UTC date-time); null while PENDING or RUNNING.' })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Subject of the token that cancelled the transfer; null unless CANCELLED.' })
  cancelledBy!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the transfer failed, at most 2000 characters; null unless FAILED.' })
  error!: string | null;

  @Field({ description: 'Folder of the export on the workers’ file system.' })
  exportPath!: string;

  @Field(() => Int, { nullable: true, description: 'Number of chunk jobs the scope was split into; null until the plan job has run (status PENDING).' })
  chunksTotal!: number | null;

  @Field(() => Int, { description: 'Chunk jobs finished so far.' })
  chunksDone!: number;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the export files are deleted from the gateway’s disk (ISO 8601 UTC date-time): the end plus BUSINESS_TRANSFER_ARTIFACT_RETENTION_DAYS (default 30) as fixed at start, or the cancellation time. Null while PENDING or RUNNING.',
  })
  artifactsExpireAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the hourly sweep deleted the export files (ISO 8601 UTC date-time); null until then.' })
  artifactsPurgedAt!: Date | null;
}

export const BusinessTransferConnection = ConnectionType('BusinessTransfer', BusinessTransferType);

@InputType({ description: 'Which people to export; name at least one of regions, statuses or createdBefore. Only ACTIVE people are exported, and the scope must match at least one.' })
export class BusinessTransferScopeInput {
  @Field(() => [String], { nullable: true, description: 'ISO 3166-2 region codes, e.g. US-CA, at most 500; omit for any region. An empty list is rejected.' })
  @IsOptional()
  @ArrayMaxSize(500)
  @Length(2, 6, { each: true })
  regions?: string[] | null;

  @Field(() => [SubjectStatus], { nullable: true, description: 'Subject statuses; ACTIVE must be listed, since only ACTIVE people are exported (erased ones never).' })
  @IsOptional()
  statuses?: SubjectStatus[] | null;

  @Field(() => Date, { nullable: true, description: 'Only people created before this ISO 8601 UTC date-time; omit for no such limit.' })
  @IsOptional()
  createdBefore?: Date | null;
}

@InputType({ description: 'A new business transfer: the deal, the acquirer, the phase, who is exported and how.' })
export class StartBusinessTransferInput {
  @Field({ description: 'Name of the deal, 1 to 200 characters.' })
  @Length(1, 200)
  dealName!: string;

  @Field(() => ID, { description: 'Id of a recipient of kind ACQUIRER whose allowed purposes include BUSINESS_TRANSFER.' })
  acquirerId!: string;

  @Field(() => TransferPhase, { description: 'DUE_DILIGENCE for class aggregates of at least k people, never a row per person; CLOSING for full records.' })
  phase!: TransferPhase;

  @Field(() => BusinessTransferScopeInput, { description: 'Which people to export.' })
  scope!: BusinessTransferScopeInput;

  @Field(() => TransferFormat, { nullable: true, defaultValue: TransferFormat.NDJSON, description: 'Format of the export files; NDJSON when omitted.' })
  @IsOptional()
  format?: TransferFormat | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The acquirer’s RSA public key (PEM, at least 2048 bits, at most 20,000 characters): the files are then encrypted with AES-256-GCM under a data key wrapped for it with RSA-OAEP-SHA256. Omit for unencrypted files.',
  })
  @IsOptional()
  @MaxLength(20_000)
  encryptFor?: string | null;
}

@ObjectType('ExportFileCheck', { simpleResolvers: true, description: 'One file of a completed transfer checked against the manifest the gateway recorded.' })
export class ExportFileCheckType {
  @Field({ description: 'The file name (manifest.json and manifest.json.sig included).' })
  name!: string;

  @Field({ description: 'True when the file is there with the recorded size and SHA-256 (for manifest.json: the same content as recorded; for manifest.json.sig: it signs manifest.json with the gateway\'s key).' })
  ok!: boolean;

  @Field(() => [String], { description: 'What differs, in words; empty when ok.' })
  problems!: string[];
}

@ObjectType('ExportVerification', { simpleResolvers: true, description: 'A completed transfer\'s files on the gateway\'s disk, checked against the manifest recorded in its database.' })
export class ExportVerificationType {
  @Field({ description: 'True when every file is ok.' })
  valid!: boolean;

  @Field(() => [ExportFileCheckType], { description: 'Each file in the manifest, then manifest.json itself, then its signature manifest.json.sig.' })
  files!: ExportFileCheckType[];
}
