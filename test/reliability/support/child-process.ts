import { spawn, type ChildProcess } from 'node:child_process';

/** Whether a child we started is still running. */
export const isRunning = (child: ChildProcess | null): child is ChildProcess => child !== null && child.exitCode === null && child.signalCode === null;

/**
 * Starts a server and resolves once it prints `ready` on stdout; rejects if it exits first or
 * takes longer than `timeoutMs`. Whatever it prints goes to `log` (stdout and stderr).
 */
export async function spawnUntilReady(binary: string, args: string[], ready: RegExp, label: string, log: (text: string) => void = () => undefined, timeoutMs = 20000): Promise<ChildProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const seen = (d: Buffer) => {
    out += d.toString('utf8');
    log(d.toString('utf8'));
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start within ${timeoutMs / 1000} s: ${out}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      seen(d);
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code}: ${out}`));
    });
  });
  return child;
}

/** Kills a child (SIGKILL unless told otherwise) and waits until it is gone. */
export async function killChild(child: ChildProcess | null, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}
