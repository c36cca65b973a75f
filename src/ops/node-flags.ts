/**
 * V8 flags a serving process should run with. package.json's `start` and `serve` scripts pass
 * them (a unit test keeps the two in step) and the read benchmark runs every variant with them.
 *
 * Why: a page of 100 users allocates megabytes of short-lived objects (rows, entities,
 * graphql-js' per-field info and paths, the response tree). With V8's default 16 MB
 * semi-spaces, a few requests in flight outgrow the young generation, their objects are
 * promoted and the old generation is collected over and over: at 8 clients the gateway spent
 * about twice the CPU per page. 128 MB semi-spaces let a request's garbage die young, for
 * about 150 MB more resident memory. Workers do not need it: their jobs work in small batches.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=128'];

/**
 * The flags above that this process was started without (on the command line or in
 * NODE_OPTIONS). Any explicit semi-space size counts: whoever set one chose it.
 */
export function missingServeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return SERVE_NODE_FLAGS.filter((flag) => {
    const name = flag.split('=')[0]!;
    return !given.some((a) => a === name || a.startsWith(`${name}=`));
  });
}
