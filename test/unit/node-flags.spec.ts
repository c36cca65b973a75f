import fs from 'node:fs';
import path from 'node:path';
import { EXPORT_QUEUES, EXPORT_WORKER_NODE_FLAGS, missingExportWorkerFlags, missingServeFlags, missingWorkerFlags, SERVE_NODE_FLAGS, withoutServeFlags, WORKER_NODE_FLAGS } from '../../src/ops/node-flags';
import { exportQueuesForChild } from '../../src/jobs/export-worker-process';

describe('serve node flags', () => {
  const scripts = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it.each(['start', 'serve'])('npm run %s passes every serve flag to node', (name) => {
    const words = scripts[name]!.split(/\s+/);
    expect(words[0]).toBe('node');
    for (const flag of SERVE_NODE_FLAGS) expect(words).toContain(flag);
    // Flags after the script would be the CLI's arguments, not node's.
    const script = words.findIndex((w) => w.endsWith('cli.js'));
    for (const flag of SERVE_NODE_FLAGS) expect(words.indexOf(flag)).toBeLessThan(script);
  });

  it('the worker script carries the worker flags instead (a small young generation), before the script', () => {
    const words = scripts.work!.split(/\s+/);
    const script = words.findIndex((w) => w.endsWith('cli.js'));
    for (const flag of WORKER_NODE_FLAGS) expect(words.indexOf(flag)).toBeGreaterThan(0);
    for (const flag of WORKER_NODE_FLAGS) expect(words.indexOf(flag)).toBeLessThan(script);
    for (const flag of SERVE_NODE_FLAGS) expect(words).not.toContain(flag);
    expect(missingWorkerFlags([...WORKER_NODE_FLAGS], '')).toEqual([]);
    expect(missingWorkerFlags([], '')).toEqual([...WORKER_NODE_FLAGS]);
    expect(missingWorkerFlags([], '--max-semi-space-size=8 --heap-growing-percent=50')).toEqual([]);
    expect(missingWorkerFlags(['--heap-growing-percent=100'], '')).toEqual(['--max-semi-space-size=4']);
  });

  it('npm run work:export runs the business-transfer and access queues with the export worker flags', () => {
    const words = scripts['work:export']!.split(/\s+/);
    const script = words.findIndex((w) => w.endsWith('cli.js'));
    for (const flag of EXPORT_WORKER_NODE_FLAGS) expect(words.indexOf(flag)).toBeGreaterThan(0);
    for (const flag of EXPORT_WORKER_NODE_FLAGS) expect(words.indexOf(flag)).toBeLessThan(script);
    expect(words.slice(script + 1)).toEqual(['work', '--queues', [...EXPORT_QUEUES].join(',')]);
    // Exports were tuned on the default young generation: work:export keeps it.
    expect(scripts['work:export']).not.toContain('--max-semi-space-size');
    expect(missingExportWorkerFlags([...EXPORT_WORKER_NODE_FLAGS], '')).toEqual([]);
    expect(missingExportWorkerFlags([], '')).toEqual([...EXPORT_WORKER_NODE_FLAGS]);
  });

  it('reports the flags a process lacks', () => {
    expect(missingServeFlags([], '')).toEqual([...SERVE_NODE_FLAGS]);
    expect(missingServeFlags(['--enable-source-maps'], '--max-old-space-size=512')).toEqual([...SERVE_NODE_FLAGS]);
  });

  it('counts the flags from the command line or NODE_OPTIONS, with any value chosen', () => {
    expect(missingServeFlags([...SERVE_NODE_FLAGS], '')).toEqual([]);
    expect(missingServeFlags([], `--inspect ${SERVE_NODE_FLAGS.join(' ')}`)).toEqual([]);
    expect(missingServeFlags(['--max-semi-space-size=64'], '')).toEqual([]);
    // A different flag sharing the prefix does not count.
    expect(missingServeFlags(['--max-semi-space-size-x=64'], '')).toEqual([...SERVE_NODE_FLAGS]);
  });
});

describe('where the export queues run (issue 23)', () => {
  it('start hands exactly the export queues to a child process, unless told to keep them inline', () => {
    expect(EXPORT_QUEUES).toEqual(['business-transfer', 'access']);
    expect(exportQueuesForChild(['erasure', 'access', 'outbox', 'business-transfer'], 'child')).toEqual(['access', 'business-transfer']);
    expect(exportQueuesForChild(['erasure', 'outbox'], 'child')).toEqual([]);
    expect(exportQueuesForChild(['erasure', 'access', 'business-transfer'], 'inline')).toEqual([]);
  });
});

describe('the export child\'s NODE_OPTIONS', () => {
  it('drops the serve flags, with or without a value, and keeps the rest', () => {
    expect(withoutServeFlags('--max-semi-space-size=128 --enable-source-maps')).toBe('--enable-source-maps');
    expect(withoutServeFlags('--enable-source-maps --max-semi-space-size')).toBe('--enable-source-maps');
    expect(withoutServeFlags('--max-semi-space-size-x=1')).toBe('--max-semi-space-size-x=1');
    expect(withoutServeFlags(undefined)).toBe('');
    expect(withoutServeFlags('  ')).toBe('');
  });
});
