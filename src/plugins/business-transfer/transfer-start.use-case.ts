import type { Actor } from '../../domain/actor';
import type { JobIntent, UseCaseOutcome, UseCaseRunner } from '../../domain/job-intents';
import type { BusinessTransfer } from './business-transfer.entity';
import { cancelBusinessTransfer, startBusinessTransfer, type BusinessTransferOptions, type StartTransferInput } from './transfer-lifecycle.service';
import { useCaseOf } from '../../domain/use-cases';

export const BUSINESS_TRANSFER_QUEUE = 'business-transfer';
export const PLAN_JOB = 'business-transfer.plan';
export const CHUNK_JOB = 'business-transfer.chunk';
export const ASSEMBLE_JOB = 'business-transfer.assemble';

/** The plan job of a transfer, keyed by the transfer: planning twice adds nothing. */
export const planIntent = (transferId: number): JobIntent => ({ name: PLAN_JOB, key: `transfer-${transferId}`, payload: { transferId } });

/**
 * The use case of starting a transfer: the transfer row (PENDING) and its plan job, one change.
 * A Redis outage leaves it PENDING with its intent; the replay queues the plan later. Failing the
 * call instead would invite a retry that starts a second transfer.
 */
export function startTransfer(run: UseCaseRunner, actor: Actor, input: StartTransferInput, options: BusinessTransferOptions): Promise<UseCaseOutcome<BusinessTransfer>> {
  return run(async (uow) => {
    const transfer = await startBusinessTransfer(uow.em, actor, input, options);
    await uow.declare(planIntent(transfer.id));
    return transfer;
  });
}

/** The use case of cancelling: the transfer stops (its chunks see the status); the caller removes its files. */
export const cancelTransfer = useCaseOf(cancelBusinessTransfer);
