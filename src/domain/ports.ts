/**
 * What the domain needs from the job runtime, defined here so that the domain never imports
 * src/jobs. The app wires in the BullMQ implementation.
 */
export interface EnqueueOptions {
  /** Stable job id (a request id) so that the same work is never queued twice. */
  jobId?: string;
  /** Lower runs first (BullMQ priority); child deletions use 1. */
  priority?: number;
  delayMs?: number;
  /** Replace a finished (completed or failed) job with the same id, to run a request again. */
  replaceFinished?: boolean;
}

export interface JobEnqueuer {
  enqueue(jobName: string, payload: Record<string, unknown>, options?: EnqueueOptions): Promise<void>;
}
