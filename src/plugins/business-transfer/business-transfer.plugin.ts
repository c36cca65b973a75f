import { Role } from '../../entities/enums';
import { artifactDownloadRoutes } from './artifact-download.routes';
import type { GatewayPlugin } from '../plugin';
import { BusinessTransfer } from './business-transfer.entity';
import { artifactPurgeJob, assembleJob, chunkJob, planJob } from './business-transfer.job';
import { exportCopiesOf, transfersOf } from './export-retention.service';
import { ExportArtifactRetention1766000900000 } from './migrations/1766000900000-export-artifact-retention';
import { SealedDataKeys1766001700000 } from './migrations/1766001700000-sealed-data-keys';
import { DueDiligenceTallies1766002000000 } from './migrations/1766002000000-due-diligence-tallies';
import { acquirerLoader, businessTransferResolvers } from './business-transfer.resolver';
import type { BusinessTransferOptions } from './transfer-lifecycle.service';
import { BusinessTransfers1764370300000 } from './migrations/1764370300000-business-transfers';
import { TransferPlanIntents1766000200000 } from './migrations/1766000200000-transfer-plan-intents';
import { TransferChunk } from './transfer-chunk.entity';
import { TRANSFER_USAGE, runTransferCommand } from './transfer-cli';

export type { BusinessTransferOptions };

/**
 * Business transfers (M&A): due-diligence exports (class aggregates of at least k people) and closing
 * exports (full records, one disclosure per subject), split into chunk jobs of a BullMQ flow,
 * resumable byte for byte. Uses the anonymization plugin's Anonymizer through `services`.
 */
export function businessTransferPlugin(options: BusinessTransferOptions): GatewayPlugin {
  return {
    name: 'business-transfer',
    requires: ['anonymization'],
    commands: [{ name: 'transfer', usage: TRANSFER_USAGE, run: runTransferCommand }],
    routes: artifactDownloadRoutes,
    entities: [BusinessTransfer, TransferChunk],
    migrations: [BusinessTransfers1764370300000, TransferPlanIntents1766000200000, ExportArtifactRetention1766000900000, SealedDataKeys1766001700000, DueDiligenceTallies1766002000000],
    resolvers: businessTransferResolvers(options),
    // M&A sees its transfers and their files, never people: the acquirer's disclosure list is
    // guarded by Disclosure, which MNA may not see.
    typeAccess: {
      BusinessTransfer: { roles: [Role.MNA, Role.ADMIN], purposes: [], why: 'a transfer of the business: scope, phase, progress, files' },
      BusinessTransferProgress: { roles: [Role.MNA, Role.ADMIN], purposes: [], why: 'counts of a transfer\'s chunks and rows' },
      BusinessTransferScope: { roles: [Role.MNA, Role.ADMIN], purposes: [], why: 'what a transfer covers' },
      ExportArtifact: { roles: [Role.MNA, Role.ADMIN], purposes: [], why: 'a transfer\'s export file: name, size, SHA-256' },
      ExportVerification: { roles: [Role.MNA, Role.ADMIN], purposes: [], why: 'a check of a transfer\'s files against its recorded manifest' },
      ExportFileCheck: { roles: [Role.MNA, Role.ADMIN], purposes: [], why: 'one file\'s check: name, ok, problems' },
    },
    loaders: [acquirerLoader],
    jobs: [planJob, chunkJob, assembleJob, artifactPurgeJob],
    // Closing exports hold full records: an erasure says which still hold the person, and until when.
    retainedCopies: (em, subjectId) => exportCopiesOf(em, subjectId),
    accessContributions: (em, subjectId) => transfersOf(em, subjectId),
  };
}
