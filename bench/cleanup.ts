/**
 * Cleanup that also runs on Ctrl-C, SIGTERM and crashes, so that no bench database or child
 * server is left behind. Kept apart from harness.ts so that child servers can import it
 * without loading the gateway (which would count in their memory).
 */

type CleanupFn = () => Promise<void> | void;
const cleanups: CleanupFn[] = [];
let signalsInstalled = false;

/** Registers `fn` to run at the end (last registered runs first); returns an unregister function. */
export function onCleanup(fn: CleanupFn): () => void {
  installSignalHandlers();
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
    }
  }
}

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n${sig}: cleaning up\n`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
}
