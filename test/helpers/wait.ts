/** Polls until `check` returns a value other than undefined/false, or fails after the timeout. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30000, everyMs = 50): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
