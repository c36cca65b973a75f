import v8 from 'node:v8';

/**
 * V8 flags a serving process should run with. package.json's `start` and `serve` scripts pass
 * them (a unit test keeps the two in step) and the read benchmark runs every variant with them.
 *
 * Why: a page of 100 users allocates megabytes of short-lived objects (rows, entities,
 * graphql-js' per-field info and paths, the response tree). With V8's default 16 MB
 * semi-spaces, a few requests in flight outgrow the young generation, their objects are
 * promoted and the old generation is collected over and over: at 8 clients the gateway spent
 * about twice the CPU per page. 128 MB semi-spaces let a request's garbage die young, for
 * about 150 MB more resident memory. Workers want the opposite (WORKER_NODE_FLAGS).
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=128'];

/**
 * V8 flags for processes that run business-transfer exports and access packages (`npm run
 * work:export` and `start`'s export child pass them, `npm run work` has them among the worker
 * flags; the export and access benchmarks' workers run with them). An access
 * package for a million-event history has the same shape: a live heap of one page (60 MB peak used
 * with the old generation capped at 96 MB), but 158 MB used and 268 MB resident without a cap.
 *
 * Why: an export streams in bounded pages, so its live heap stays small whatever the number of
 * subjects, but V8 grows the old generation lazily, up to four times the live size after a
 * collection, and a worker's resident memory climbed to about 340 MB. Doubling at most keeps it
 * near 200 MB at 50k and 200k subjects. 15% kept it lower (160-170 MB) but collected the old
 * generation so often that the worker spent a third more CPU per row (export bench, paired runs:
 * 0.45-0.50x the floor against 0.56-0.59x). It is a growth rate, not a cap: a due-diligence
 * assembly, which holds every row for k-anonymity, may still use what it needs (a
 * --max-old-space-size cap would kill the process there instead).
 */
export const EXPORT_WORKER_NODE_FLAGS: readonly string[] = ['--heap-growing-percent=100'];

/**
 * The queues whose jobs stream exports (business-transfer chunks and assembly, access packages):
 * `start` runs them in a child process that has EXPORT_WORKER_NODE_FLAGS
 * (src/jobs/export-worker-process.ts); `npm run work:export` and `work` run them themselves.
 */
export const EXPORT_QUEUES: readonly string[] = ['business-transfer', 'access'];

/**
 * V8 flags of a process that only works (`npm run work` passes them; the notices benchmark's
 * worker runs with them). A serving process has SERVE_NODE_FLAGS instead.
 *
 * Why: a job works in bounded batches (400 notice requests, one erasure, one page of an export),
 * so little of what it allocates outlives it. With V8's defaults a notice worker sat at 137 MB
 * idle and peaked at 235-250 MB compiling 85k notices (B4, issue 23). In single trial runs the
 * export flag alone (the old generation at most doubles) brought the peak to 200 MB, 4 MB
 * semi-spaces alone only the idle size (116 MB; peak 252 MB); both together peak at 171 MB
 * (median of three, bench/results/notices-20261207T101331Z.json).
 * V8 sizes the young generation at start-up, so the semi-space flag must be on the command
 * line; the growth flag a `work` process sets on itself (applyWorkerHeapFlags).
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', ...EXPORT_WORKER_NODE_FLAGS];

/**
 * Sets the flags of WORKER_NODE_FLAGS that V8 takes at runtime (the old generation's growth) in
 * this running process, for a `work` process started without them. V8 reads
 * --heap-growing-percent each time it sizes the old generation after a collection, so setting it
 * after start-up works: a page-by-page workload peaked at 282 MB RSS with it set at runtime,
 * 284 MB with it on the command line and 454 MB without it. Node calls flags changed after start
 * "undefined behaviour" in general; this one is checked by the export benchmark under `npm run
 * work`. Returns the flags set.
 */
export function applyWorkerHeapFlags(missing: readonly string[] = missingExportWorkerFlags()): string[] {
  for (const flag of missing) v8.setFlagsFromString(flag);
  return [...missing];
}

/**
 * The serve flags this process was started without (on the command line or in NODE_OPTIONS).
 * A flag given with any value counts: whoever set one chose it.
 */
export function missingServeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  return missingFlags(SERVE_NODE_FLAGS, execArgv, nodeOptions);
}

/** As missingServeFlags, for a working process's flags. */
export function missingWorkerFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  return missingFlags(WORKER_NODE_FLAGS, execArgv, nodeOptions);
}

/** As missingServeFlags, for the export worker's flags. */
export function missingExportWorkerFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  return missingFlags(EXPORT_WORKER_NODE_FLAGS, execArgv, nodeOptions);
}

/** Whether a command-line word sets the flag (with any value). */
function setsFlag(word: string, flag: string): boolean {
  const name = flag.split('=')[0]!;
  return word === name || word.startsWith(`${name}=`);
}

function missingFlags(wanted: readonly string[], execArgv: readonly string[], nodeOptions: string): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return wanted.filter((flag) => !given.some((a) => setsFlag(a, flag)));
}

/** NODE_OPTIONS without the serve flags (SERVE_NODE_FLAGS), which an export worker must not run with. */
export function withoutServeFlags(nodeOptions: string | undefined): string {
  return (nodeOptions ?? '').split(/\s+/).filter((w) => w && !SERVE_NODE_FLAGS.some((f) => setsFlag(w, f))).join(' ');
}
