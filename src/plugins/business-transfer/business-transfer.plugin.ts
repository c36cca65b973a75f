import type { GatewayPlugin } from '../plugin';
import { BusinessTransfer } from './business-transfer.entity';
import { assembleJob, chunkJob, planJob } from './business-transfer.job';
import { acquirerLoader, businessTransferResolvers } from './business-transfer.resolver';
import type { BusinessTransferOptions } from './transfer-lifecycle.service';
import { BusinessTransfers1764370300000 } from './migrations/1764370300000-business-transfers';
import { TransferPlanIntents1766000200000 } from './migrations/1766000200000-transfer-plan-intents';
import { TransferChunk } from './transfer-chunk.entity';
import { TRANSFER_USAGE, runTransferCommand } from './transfer-cli';

export type { BusinessTransferOptions };

/**
 * Business transfers (M&A): due-diligence exports (pseudonymized, k-anonymous) and closing
 * exports (full records, one disclosure per subject), split into chunk jobs of a BullMQ flow,
 * resumable byte for byte. Uses the anonymization plugin's Anonymizer through `services`.
 */
export function businessTransferPlugin(options: BusinessTransferOptions): GatewayPlugin {
  return {
    name: 'business-transfer',
    requires: ['anonymization'],
    commands: [{ name: 'transfer', usage: TRANSFER_USAGE, run: runTransferCommand }],
    entities: [BusinessTransfer, TransferChunk],
    migrations: [BusinessTransfers1764370300000, TransferPlanIntents1766000200000],
    resolvers: businessTransferResolvers(options),
    loaders: [acquirerLoader],
    jobs: [planJob, chunkJob, assembleJob],
  };
}
