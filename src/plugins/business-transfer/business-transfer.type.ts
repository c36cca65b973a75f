import { ArrayMaxSize, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SubjectStatus } from '../../entities/enums';
import { ConnectionType } from '../../schema/pagination';
import '../../schema/enums';
import { TransferFormat, TransferPhase, TransferStatus } from './business-transfer.entity';

registerEnumType(TransferPhase, { name: 'BusinessTransferPhase', description: 'DUE_DILIGENCE: pseudonymized, k-anonymous; CLOSING: full records.' });
registerEnumType(TransferFormat, { name: 'ExportFormat' });
registerEnumType(TransferStatus, { name: 'BusinessTransferStatus' });

@ObjectType('BusinessTransferScope', { simpleResolvers: true })
export class BusinessTransferScopeType {
  @Field(() => [String], { nullable: true })
  regions!: string[] | null;

  @Field(() => [SubjectStatus], { nullable: true })
  statuses!: SubjectStatus[] | null;

  @Field(() => Date, { nullable: true })
  createdBefore!: Date | null;
}

@ObjectType('BusinessTransferProgress', { simpleResolvers: true })
export class BusinessTransferProgressType {
  @Field(() => Int, { description: 'Subjects written so far.' })
  processed!: number;

  @Field(() => Int)
  total!: number;

  @Field(() => Float)
  percent!: number;

  @Field(() => Float, { description: 'Subjects per second since the start.' })
  rate!: number;

  @Field(() => Date, { nullable: true })
  estimatedFinish!: Date | null;
}

@ObjectType('ExportArtifact', { simpleResolvers: true, description: 'One file of an export, as its manifest records it.' })
export class ExportArtifactType {
  @Field()
  name!: string;

  @Field(() => Int)
  rows!: number;

  @Field(() => Float)
  bytes!: number;

  @Field()
  sha256!: string;
}

@ObjectType('BusinessTransfer', { simpleResolvers: true, description: 'An export of customer data for an acquirer.' })
export class BusinessTransferType {
  @Field(() => ID)
  id!: number;

  @Field()
  dealName!: string;

  @Field(() => ID)
  acquirerId!: number;

  @Field(() => TransferPhase)
  phase!: TransferPhase;

  @Field(() => TransferFormat)
  format!: TransferFormat;

  @Field(() => TransferStatus)
  status!: TransferStatus;

  @Field({ description: 'Fixed at start; the manifest carries it.' })
  generatedAt!: Date;

  @Field()
  startedBy!: string;

  @Field()
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true })
  cancelledBy!: string | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field({ description: 'Folder of the export on the workers’ file system.' })
  exportPath!: string;

  @Field(() => Int, { nullable: true })
  chunksTotal!: number | null;

  @Field(() => Int)
  chunksDone!: number;

  @Field(() => Date, { nullable: true, description: 'When the export files are deleted from the gateway’s disk: the end plus the retention fixed at start.' })
  artifactsExpireAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the sweep deleted the export files.' })
  artifactsPurgedAt!: Date | null;
}

export const BusinessTransferConnection = ConnectionType('BusinessTransfer', BusinessTransferType);

@InputType()
export class BusinessTransferScopeInput {
  @Field(() => [String], { nullable: true, description: 'ISO 3166-2 regions, e.g. US-CA.' })
  @IsOptional()
  @ArrayMaxSize(500)
  @Length(2, 6, { each: true })
  regions?: string[] | null;

  @Field(() => [SubjectStatus], { nullable: true, description: 'Erased subjects are never exported; ACTIVE must be listed.' })
  @IsOptional()
  statuses?: SubjectStatus[] | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  createdBefore?: Date | null;
}

@InputType()
export class StartBusinessTransferInput {
  @Field()
  @Length(1, 200)
  dealName!: string;

  @Field(() => ID, { description: 'A recipient of kind ACQUIRER allowed BUSINESS_TRANSFER.' })
  acquirerId!: string;

  @Field(() => TransferPhase)
  phase!: TransferPhase;

  @Field(() => BusinessTransferScopeInput)
  scope!: BusinessTransferScopeInput;

  @Field(() => TransferFormat, { nullable: true, defaultValue: TransferFormat.NDJSON })
  @IsOptional()
  format?: TransferFormat | null;

  @Field(() => String, { nullable: true, description: 'The acquirer’s RSA public key (PEM): files are encrypted with a data key wrapped for it.' })
  @IsOptional()
  @MaxLength(20_000)
  encryptFor?: string | null;
}
