import type { Config } from '../config';
import { accessPackageJob, accessPurgeJob } from './access-package.job';
import { auditCheckpointJob } from './audit-checkpoint.job';
import { californiaNoticeJob } from './california-notice.job';
import { erasureJob } from './erasure.job';
import type { AnyJobDefinition } from './job-definition';
import { outboxDeliveryJob } from './outbox-delivery.job';
import { policyNoticeJob } from './policy-notice.job';
import { intentReplayJob, requestMonitorJob } from './request-monitor.job';

/** The core's own jobs, each on its own queue. */
export function coreJobs(config: Config): AnyJobDefinition[] {
  return [
    erasureJob, californiaNoticeJob, outboxDeliveryJob(config.outbox.pollMs), requestMonitorJob(config.requests.monitorEveryMs),
    intentReplayJob(config.requests.monitorEveryMs, config.requests.sweepAfterMs),
    policyNoticeJob, auditCheckpointJob(config.integrity.checkpointEveryMs),
    accessPackageJob(config), accessPurgeJob(config.requests.monitorEveryMs, config.access.dir),
  ];
}
