/** A transfer's progress as its readers show it: done, total, percent, rate and estimated finish. */
import { type BusinessTransfer, TransferStatus } from './business-transfer.entity';
import { TERMINAL } from './transfer-shared';

export interface TransferProgress {
  processed: number;
  total: number;
  percent: number;
  /** Subjects per second since the start. */
  rate: number;
  estimatedFinish: Date | null;
}

export function progressOf(t: BusinessTransfer, now = new Date()): TransferProgress {
  const total = t.subjectsTotal;
  const processed = Math.min(t.subjectsDone, total);
  const elapsed = Math.max(0.001, ((t.finishedAt ?? now).getTime() - t.startedAt.getTime()) / 1000);
  const rate = processed / elapsed;
  const percent = total === 0 ? 100 : Math.round((processed / total) * 1000) / 10;
  let estimatedFinish: Date | null = null;
  if (t.status === TransferStatus.COMPLETED) estimatedFinish = t.finishedAt;
  else if (!TERMINAL.has(t.status) && rate > 0) estimatedFinish = new Date(now.getTime() + ((total - processed) / rate) * 1000);
  return { processed, total, percent: t.status === TransferStatus.COMPLETED ? 100 : percent, rate: Math.round(rate * 10) / 10, estimatedFinish };
}
