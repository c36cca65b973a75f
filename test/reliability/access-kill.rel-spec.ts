import { readdir } from 'node:fs/promises';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { accessSettingsOf } from '../../src/config';
import { claimAccessPackage, openAccessArchive, requestAccess } from '../../src/domain/access-request.service';
import { inTransaction } from '../../src/domain/transaction';
import { VerificationMethod } from '../../src/entities/enums';
import { runCli, type CliRun } from '../helpers/cli-process';
import { section, sha256, tokenIn, unzip } from '../helpers/access-package';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';
import { RELIABILITY_SEED, seededRandom, size } from './support/scale';

// Enough events that a package takes a few seconds: the kills fall while it reads, zips and seals.
const EVENTS = size('RELIABILITY_ACCESS_EVENTS', 300_000);
// At most 4: BullMQ fails a job after 5 stalls (maxStalledCount), which the intent replay would
// then queue again; this test is about the run itself, so it stays under that.
const KILLS = Math.min(4, size('RELIABILITY_ACCESS_KILLS', 4));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGKILL of the access worker (the built CLI, as production runs it) at random (seeded) moments
 * while it assembles a large package, a new worker after each kill. Afterwards the request is
 * answered exactly once: one package row, one sealed file and nothing else of it on disk, one
 * message with the link, one audit event, and the archive opens with every row.
 */
describe(`${KILLS} kills of the access worker while it builds a package of ${EVENTS} visits (seed ${RELIABILITY_SEED})`, () => {
  let t: TestGateway;
  const rnd = seededRandom(RELIABILITY_SEED + 22);

  beforeAll(async () => {
    t = await startTestGateway('rel_access_kill', { serve: false });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 5, recipients: 12, collectionEventsPerSubject: 0, seed: 4 });
    await t.gateway.dataSource.query(
      `INSERT INTO collection_events (subject_id, ip_address, user_agent, page, region, occurred_at)
       SELECT 1, CONCAT('10.0.', seq DIV 256 MOD 256, '.', seq MOD 256), 'Mozilla/5.0 (X11; Linux x86_64)', CONCAT('/p/', seq), 'US-CA', TIMESTAMP('2025-01-01') + INTERVAL seq SECOND
         FROM seq_1_to_${EVENTS}`,
    );
  }, 120000);
  afterAll(() => t.close());

  it('answers once, whatever the kills', async () => {
    const ds = t.gateway.dataSource;
    const env = {
      MYSQL_DATABASE: t.config.mysql.database, QUEUE_PREFIX: t.config.redis.prefix, ACCESS_PACKAGE_DIR: t.config.access.dir,
      WORKER_LOCK_MS: '1000', WORKER_STALLED_CHECK_MS: '500', OUTBOX_POLL_MS: '3600000', REQUEST_MONITOR_MS: '3600000', ACCESS_PAGE_ROWS: '500',
    };
    const opened = await requestAccess(t.gateway.run, systemActor, { subjectId: 1, channel: 'WEB_FORM', verification: VerificationMethod.SIGNED_IN_SESSION });
    const requestId = opened.result.request.id;
    const status = async () => (await ds.query('SELECT status FROM data_requests WHERE id = ?', [requestId]))[0].status as string;

    let kills = 0;
    let midJob = 0;
    let worker: CliRun | null = null;
    try {
      while (kills < KILLS && (await status()) !== 'COMPLETED') {
        worker = runCli(['work', '--queues', 'access'], env);
        await worker.waitFor(/workers started/);
        await sleep(200 + Math.floor(rnd() * 1500));
        const now = await status();
        if (now === 'COMPLETED') break;
        if (now === 'IN_PROGRESS') midJob += 1;
        worker.child.kill('SIGKILL');
        await worker.exited;
        worker = null;
        kills += 1;
      }
      // The last worker finishes it.
      worker ??= runCli(['work', '--queues', 'access'], env);
      await waitFor(async () => (await status()) === 'COMPLETED', 'the request answered', 120000, 200);
    } finally {
      if (worker && worker.child.exitCode === null) {
        worker.child.kill('SIGTERM');
        await worker.exited;
      }
    }
    // At least one kill struck while the package was being built (the request is IN_PROGRESS from the job's first change).
    expect(kills).toBeGreaterThan(0);
    expect(midJob).toBeGreaterThan(0);
    process.stdout.write(`access worker kills: ${kills}, ${midJob} while the package was being built\n`);

    const packages: { file_path: string; sha256: string }[] = await ds.query('SELECT file_path, sha256 FROM access_packages WHERE request_id = ?', [requestId]);
    expect(packages).toHaveLength(1);
    const [{ n: links }] = await ds.query(`SELECT COUNT(*) AS n FROM outbox_messages WHERE data_request_id = ? AND kind = 'ACCESS_PACKAGE_READY'`, [requestId]);
    expect(Number(links)).toBe(1);
    const [{ n: answered }] = await ds.query(`SELECT COUNT(*) AS n FROM audit_events WHERE action = 'request.access-answered' AND entity_id = ?`, [String(requestId)]);
    expect(Number(answered)).toBe(1);
    // Of this request, only the one sealed file the row names is on disk: no build folder, no partial file.
    const left = (await readdir(t.config.access.dir)).filter((n) => n.includes(`request-${requestId}`));
    expect(left).toEqual([packages[0]!.file_path.split('/').pop()]);

    const [msg] = await ds.query(`SELECT text_body FROM outbox_messages WHERE data_request_id = ? AND kind = 'ACCESS_PACKAGE_READY'`, [requestId]);
    const claimed = await inTransaction(ds, (em) => claimAccessPackage(em, accessSettingsOf(t.config), tokenIn(msg.text_body)));
    const chunks: Buffer[] = [];
    for await (const c of openAccessArchive(claimed)) chunks.push(c);
    const archive = Buffer.concat(chunks);
    expect(sha256(archive)).toBe(packages[0]!.sha256);
    expect(section(await unzip(archive), 'collection_events').rows).toHaveLength(EVENTS);
  }, 600000);
});
