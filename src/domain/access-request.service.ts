import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ZipFile } from 'yazl';
import { AccessPackage, AccessPackageStatus } from '../entities/access-package.entity';
import { DataRequest } from '../entities/data-request.entity';
import { DataRequestStatus, DataRequestType, Role, SubjectStatus } from '../entities/enums';
import { Subject } from '../entities/subject.entity';
import { renderAccessLetter } from './access-letter';
import { insertAccessLog } from './access-log.service';
import { assembleAccessPackage, type AssembledPackage } from './access-package.assembly';
import type { Actor } from './actor';
import { appendAudit, type AuditEntry } from './audit.service';
import { OPEN_STATUSES, arrivedRequest, parseChannel } from './data-request.service';
import { californiaLongDate } from './deadlines';
import { badInput, conflict, DomainError, notFound } from './errors';
import type { DomainHooks } from './hooks';
import type { JobDeclarer, JobIntent, UseCaseOutcome, UseCaseRunner } from './job-intents';
import { enqueueMessages } from './outbox.service';
import { CONTACT_COLUMNS, deliveryTo, writtenAnswer, type PersonContact } from './postal-letter';
import { newDataKey, openSealed, sealStream, unwrapDataKey, wrapDataKey } from './sealed-file';
import { AccessScope, REQUIRED_LEVEL, VerificationMethod, accessDecision, levelOf, meets, type AccessDecision } from './verification.rules';

/**
 * Access requests (CCPA 1798.100/110/130, GDPR Art. 15 and 20; issue 22): opened with the deadlines
 * of a deletion, answered by a job that assembles a package from the catalogue, seals it, and
 * sends the person a link that works once and expires; the package is purged after its retention
 * and at the person's erasure.
 */

export const ACCESS_JOB = 'access.package';

export function accessJob(requestId: number): JobIntent {
  return { name: ACCESS_JOB, key: `request-${requestId}`, payload: { requestId } };
}

/** The actor the audit and access logs name for packages the workers assemble. */
export const accessWorker: Actor = { id: 'system:access-worker', roles: [Role.PRIVACY_OPS] };

export interface AccessSettings {
  dir: string;
  packageKey: string;
  linkTtlHours: number;
  retentionDays: number;
  pageRows: number;
  company: string;
  publicBaseUrl: string;
}

export interface OpenedAccessRequest {
  request: DataRequest;
  created: boolean;
}

const MAX_BACKDATE_DAYS = 366;

/**
 * Opens an access request. `receivedAt` is when the person asked (a letter opened days later counts
 * from its arrival), so the deadlines run from it; it may not be in the future or more than a year
 * back. A second request while one is open returns the open one.
 */
export async function openAccessRequest(
  em: EntityManager,
  actor: Actor,
  input: { subjectId: number; channel: string; receivedAt?: Date; verification: VerificationMethod },
  now = new Date(),
): Promise<OpenedAccessRequest> {
  const channel = parseChannel(input.channel);
  const receivedAt = input.receivedAt ?? now;
  if (Number.isNaN(receivedAt.getTime())) throw badInput('receivedAt is not a date', { field: 'receivedAt' });
  // A clock a few minutes ahead is not a request from the future.
  if (receivedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('receivedAt is in the future', { field: 'receivedAt' });
  if (receivedAt.getTime() < now.getTime() - MAX_BACKDATE_DAYS * 86400_000) throw badInput(`receivedAt is more than ${MAX_BACKDATE_DAYS} days ago`, { field: 'receivedAt' });
  if (input.verification === VerificationMethod.NOT_APPLICABLE) throw badInput('a person asks for access: their verification applies', { field: 'verification' });
  const subject = await em.getRepository(Subject).findOne({ where: { id: input.subjectId }, lock: { mode: 'pessimistic_write' } });
  if (!subject) throw notFound('subject', input.subjectId);
  if (subject.status === SubjectStatus.ERASED) throw conflict(`subject ${subject.id} has been erased: we hold nothing about them`, { reason: 'SUBJECT_ERASED' });
  const repo = em.getRepository(DataRequest);
  const open = await repo.findOne({ where: { subjectId: subject.id, type: DataRequestType.ACCESS, status: In(OPEN_STATUSES) }, order: { id: 'ASC' } });
  if (open) {
    // The person asked again, better verified, before the answer was begun: the open request is answered at the new level.
    const better = open.status === DataRequestStatus.ACKNOWLEDGED && !meets(levelOf(open.verificationMethod ?? VerificationMethod.NONE), levelOf(input.verification));
    if (!better) return { request: open, created: false };
    await repo.update({ id: open.id }, { verificationMethod: input.verification });
    await appendAudit(em, actor, { action: 'request.verification-raised', entityType: 'DataRequest', entityId: open.id, details: { from: open.verificationMethod, to: input.verification } });
    return { request: await repo.findOneByOrFail({ id: open.id }), created: false };
  }

  const request = repo.create(arrivedRequest({
    type: DataRequestType.ACCESS, channel, subjectId: subject.id, receivedAt,
    verificationMethod: input.verification, verificationRequired: REQUIRED_LEVEL.ACCESS, createdBy: actor.id,
  }, now));
  // The JSON result column defeats TypeORM's deep-partial type; the entity is complete.
  await repo.insert(request as QueryDeepPartialEntity<DataRequest>);
  if (subject.email)
    await enqueueMessages(em, [{
      kind: 'REQUEST_ACKNOWLEDGEMENT',
      to: subject.email,
      subject: 'We received your request to know what information we hold about you',
      text: `We received your request (reference ${request.id}) on ${californiaLongDate(receivedAt)} to know what personal information we hold about you and with whom we shared it.\nWe will answer by ${californiaLongDate(request.dueAt)}.`,
      dataRequestId: request.id,
    }], now);
  await appendAudit(em, actor, { action: 'request.received', entityType: 'DataRequest', entityId: request.id, details: { type: DataRequestType.ACCESS, subjectId: subject.id, channel, verification: input.verification } });
  return { request: await repo.findOneByOrFail({ id: request.id }), created: true };
}

/** The use case: opens the request and, when new, declares its package job; both commit together. */
export function requestAccess(
  run: UseCaseRunner,
  actor: Actor,
  input: { subjectId: number; channel: string; receivedAt?: Date; verification: VerificationMethod },
): Promise<UseCaseOutcome<OpenedAccessRequest>> {
  return run(async (uow) => {
    const opened = await openAccessRequest(uow.em, actor, input);
    if (opened.created) await uow.declare(accessJob(opened.request.id));
    return opened;
  });
}

type Start = { done: true; outcome: string } | { done: false; decision: AccessDecision; subjectId: number };

/**
 * The request and its person, locked in the erasure's order (the person first, then the request):
 * an erasure and an access change that touch one person run one after the other, never interleaved.
 */
async function lockRequest(em: EntityManager, requestId: number): Promise<{ request: DataRequest; subject: Subject }> {
  const seen = await em.getRepository(DataRequest).findOneBy({ id: requestId });
  if (!seen) throw notFound('data request', requestId);
  if (seen.type !== DataRequestType.ACCESS) throw badInput(`request ${requestId} is ${seen.type}, not ACCESS`);
  const subject = await em.getRepository(Subject).findOneOrFail({ where: { id: seen.subjectId }, lock: { mode: 'pessimistic_write' } });
  const request = await em.getRepository(DataRequest).findOneOrFail({ where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
  return { request, subject };
}

async function contactOf(em: EntityManager, subjectId: number): Promise<PersonContact | undefined> {
  const [row]: PersonContact[] = await em.query(`SELECT ${CONTACT_COLUMNS} FROM subjects WHERE id = ?`, [subjectId]);
  return row;
}

/** Rejects the request without a package: the person's erasure came first, or they could not be verified at all (then they are told why). */
async function closeWithoutPackage(em: EntityManager, company: string, request: DataRequest, decision: AccessDecision | null, reasonCode: string, now: Date): Promise<void> {
  await em.getRepository(DataRequest).update({ id: request.id }, {
    status: DataRequestStatus.REJECTED, completedAt: now, reasonCode,
    result: decision ? { scope: decision.scope, verification: { method: request.verificationMethod, achieved: decision.achieved, required: decision.required } } : null,
  } as QueryDeepPartialEntity<DataRequest>);
  if (decision) {
    // Not verified: the person is told why, and nothing about them (7024(c)).
    const contact = await contactOf(em, request.subjectId);
    const delivery = deliveryTo(contact);
    const letter = renderAccessLetter({ company, requestId: request.id, name: contact?.name ?? null, receivedAt: request.receivedAt, answeredAt: now, decision, summary: null, sections: [], link: null });
    await enqueueMessages(em, writtenAnswer(delivery, request.id, { kind: 'ACCESS_ANSWER', subject: 'Your request to know what information we hold about you', ...letter }), now);
  }
  await appendAudit(em, accessWorker, { action: 'request.rejected', entityType: 'DataRequest', entityId: request.id, details: { reasonCode } });
}

/**
 * Runs an access request: (1) a short change marks it in progress, or closes it when the person is
 * erased or not verified at all; (2) the package is assembled on one consistent snapshot and sealed
 * to a file of its own; (3) one change records it, completes the request and sends the link. A
 * worker that dies anywhere leaves at most a sealed file whose key was never stored (removed by the
 * next run); a run that finds the request answered does nothing.
 */
export async function runAccessRequest(
  deps: { dataSource: DataSource; run: UseCaseRunner; hooks: DomainHooks },
  settings: AccessSettings,
  requestId: number,
  clock: () => Date = () => new Date(),
): Promise<{ outcome: string; packageId?: number; statements?: number; ms?: { snapshot: number; archive: number; commit: number } }> {
  // This run's lease: a later run (a stalled job handed on while this one still lives) takes it
  // over, and this one then cannot commit.
  const runId = randomBytes(8).toString('hex');
  const start: Start = (
    await deps.run(async ({ em }) => {
      const { request, subject } = await lockRequest(em, requestId);
      if (!OPEN_STATUSES.includes(request.status)) return { done: true, outcome: request.status } as Start;
      if (subject.status === SubjectStatus.ERASED) {
        await closeWithoutPackage(em, settings.company, request, null, 'SUBJECT_ERASED', clock());
        return { done: true, outcome: 'SUBJECT_ERASED' } as Start;
      }
      const decision = accessDecision(request.verificationMethod ?? VerificationMethod.NONE);
      if (decision.scope === AccessScope.NONE) {
        await closeWithoutPackage(em, settings.company, request, decision, decision.limitedBecause!.code, clock());
        return { done: true, outcome: 'NOT_VERIFIED' } as Start;
      }
      await em.getRepository(DataRequest).update({ id: requestId }, { status: DataRequestStatus.IN_PROGRESS, result: { run: runId } } as QueryDeepPartialEntity<DataRequest>);
      return { done: false, decision, subjectId: request.subjectId } as Start;
    })
  ).result;
  // What earlier runs of this request left (a killed worker's build folder, a sealed file never recorded).
  await removeUncommittedFiles(deps.dataSource, settings.dir, requestId);
  if (start.done) return { outcome: start.outcome };

  const buildDir = path.join(settings.dir, `.build-request-${requestId}-${runId}`);
  const sealedPath = path.join(settings.dir, `request-${requestId}-${runId}.sealed`);
  const dataKey = newDataKey();
  // The files are staged sealed too, under a key that lives only in this process: a run killed
  // mid-way leaves nothing anyone can read, whoever finds its folder.
  const stagingKey = newDataKey();
  let assembled: AssembledPackage;
  let archive: { bytes: number; sha256: string };
  const ms = { snapshot: 0, archive: 0, commit: 0 };
  let t0 = performance.now();
  try {
    assembled = await readSnapshot(deps.dataSource, (em) =>
      assembleAccessPackage(em, deps.hooks, { actor: accessWorker, jobs: { declare: async () => { throw new Error('an access package only reads'); } } }, {
        subjectId: start.subjectId, scope: start.decision.scope as AccessScope.SPECIFIC_PIECES | AccessScope.CATEGORIES, dir: buildDir, pageRows: settings.pageRows, company: settings.company, stagingKey,
      }),
    );
    ms.snapshot = Math.round(performance.now() - t0);
    t0 = performance.now();
    const answeredAt = clock();
    const request = await deps.dataSource.getRepository(DataRequest).findOneByOrFail({ id: requestId });
    const contact = await contactOf(deps.dataSource.manager, start.subjectId);
    const letter = renderAccessLetter({ company: settings.company, requestId, name: contact?.name ?? null, receivedAt: request.receivedAt, answeredAt, decision: start.decision, summary: assembled.summary, sections: assembled.sections, link: null });
    archive = await writeSealedArchive(buildDir, assembled, letter.html, { requestId, answeredAt, decision: start.decision, verification: request.verificationMethod }, sealedPath, dataKey, requestId, stagingKey);
  } catch (err) {
    await rm(sealedPath, { force: true });
    throw err;
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }

  ms.archive = Math.round(performance.now() - t0);
  t0 = performance.now();
  const token = randomBytes(32).toString('base64url');
  try {
    const committed = await deps.run(async ({ em }) => {
      const { request, subject } = await lockRequest(em, requestId);
      if (!OPEN_STATUSES.includes(request.status)) return { outcome: request.status, packageId: undefined };
      if ((request.result as { run?: string } | null)?.run !== runId) return { outcome: 'SUPERSEDED', packageId: undefined };
      const now = clock();
      if (subject.status === SubjectStatus.ERASED) {
        await closeWithoutPackage(em, settings.company, request, null, 'SUBJECT_ERASED', now);
        return { outcome: 'SUBJECT_ERASED', packageId: undefined };
      }
      // Never a row for a file that is not there (another run's cleanup, a disk lost meanwhile): the job runs again.
      await stat(sealedPath);
      const contact = await contactOf(em, request.subjectId);
      const delivery = deliveryTo(contact);
      const purgeAfter = new Date(now.getTime() + settings.retentionDays * 86400_000);
      const linkExpiresAt = new Date(Math.min(now.getTime() + settings.linkTtlHours * 3600_000, purgeAfter.getTime()));
      const inserted = await em.getRepository(AccessPackage).insert({
        requestId, subjectId: request.subjectId, status: AccessPackageStatus.READY, scope: start.decision.scope, filePath: sealedPath,
        bytes: String(archive.bytes), sha256: archive.sha256, wrappedKey: wrapDataKey(dataKey, settings.packageKey, keyLabel(requestId)),
        tokenHash: sha256(token), delivery: delivery.by, createdAt: now, linkExpiresAt, downloadedAt: null,
        purgeAfter, purgedAt: null,
      });
      const packageId = Number(inserted.identifiers[0]!.id);
      const result = {
        packageId, scope: start.decision.scope, bytes: archive.bytes, sha256: archive.sha256, delivery: delivery.by,
        verification: { method: request.verificationMethod, achieved: start.decision.achieved, required: start.decision.required },
        sections: Object.fromEntries(assembled.sections.map((s) => [s.name, s.rows])),
        withheld: assembled.withheld,
      };
      await em.getRepository(DataRequest).update({ id: requestId }, {
        status: DataRequestStatus.COMPLETED, completedAt: now, reasonCode: start.decision.limitedBecause?.code ?? null, result,
      } as QueryDeepPartialEntity<DataRequest>);
      if (delivery.by !== 'NONE') {
        const url = linkUrl(settings.publicBaseUrl, token);
        const letter = renderAccessLetter({
          company: settings.company, requestId, name: contact?.name ?? null, receivedAt: request.receivedAt, answeredAt: now, decision: start.decision,
          summary: assembled.summary, sections: delivery.by === 'EMAIL' ? [] : assembled.sections, link: { url, expiresAt: linkExpiresAt, sha256: archive.sha256 },
        });
        await enqueueMessages(em, writtenAnswer(delivery, requestId, { kind: ACCESS_LINK_KIND, subject: 'Your personal information: our answer to your request', ...letter }), now);
      }
      await insertAccessLog(em, [{ requestId: randomUUID(), actor: accessWorker.id, role: Role.PRIVACY_OPS, purpose: null, subjectId: request.subjectId, categories: assembled.categoriesRead.length ? assembled.categoriesRead : ['list:access-package'], accessedAt: now }]);
      await appendAudit(em, accessWorker, { action: 'request.access-answered', entityType: 'DataRequest', entityId: requestId, details: { packageId, scope: start.decision.scope, sha256: archive.sha256, bytes: archive.bytes, delivery: delivery.by } });
      return { outcome: 'COMPLETED', packageId };
    });
    if (committed.result.packageId === undefined) await dropUnrecorded(deps.dataSource, requestId, sealedPath);
    ms.commit = Math.round(performance.now() - t0);
    return { ...committed.result, statements: assembled.statements, ms };
  } catch (err) {
    await dropUnrecorded(deps.dataSource, requestId, sealedPath);
    throw err;
  }
}

/**
 * Removes this run's sealed file unless a package row names it: a commit whose reply was lost
 * (a dropped connection) is retried, finds its own work done, and must not delete what it saved.
 */
async function dropUnrecorded(dataSource: DataSource, requestId: number, sealedPath: string): Promise<void> {
  const [row]: { file_path: string | null }[] = await dataSource.query('SELECT file_path FROM access_packages WHERE request_id = ?', [requestId]);
  if (row?.file_path !== sealedPath) await rm(sealedPath, { force: true });
}

/** The message kind of the answer with its link: its body carries the link, a credential, and is cleared once delivered. */
export const ACCESS_LINK_KIND = 'ACCESS_PACKAGE_READY';

export function linkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/access-package?token=${encodeURIComponent(token)}`;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const keyLabel = (requestId: number): string => `access-package:request-${requestId}`;

/** A read on one consistent snapshot, on a connection of its own, that never writes. */
async function readSnapshot<T>(dataSource: DataSource, read: (em: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await runner.query('START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT');
    try {
      return await read(runner.manager);
    } finally {
      await runner.query('ROLLBACK');
    }
  } finally {
    await runner.release();
  }
}

/**
 * Files of runs that will never come back (their request closed, an erasure came, the job gave up):
 * build folders and sealed files no package row names, of requests no longer being answered, or
 * older than a day. They are sealed under keys that died with their runs; they go all the same.
 */
export async function sweepAbandonedFiles(dataSource: DataSource, dir: string, now = new Date()): Promise<number> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  let removed = 0;
  for (const name of names) {
    const m = /^(?:\.build-)?request-(\d+)-/.exec(name);
    if (!m) continue;
    const requestId = Number(m[1]);
    const [row]: { status: string; file_path: string | null }[] = await dataSource.query(
      'SELECT r.status, p.file_path FROM data_requests r LEFT JOIN access_packages p ON p.request_id = r.id WHERE r.id = ?',
      [requestId],
    );
    const full = path.join(dir, name);
    // By name: the folder's spelling (relative, absolute) may differ between deploys.
    if (row?.file_path && path.basename(row.file_path) === name) continue;
    const info = await stat(full).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null; // a live run renamed or removed it meanwhile
      throw err;
    });
    if (!info) continue;
    const stale = now.getTime() - info.mtimeMs > 86400_000;
    if (row && row.status === DataRequestStatus.IN_PROGRESS && !stale) continue;
    await rm(full, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

/** Sealed files of this request that no package row names: left by a run that died before its commit. */
async function removeUncommittedFiles(dataSource: DataSource, dir: string, requestId: number): Promise<void> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  // A killed run's build folder (its files sealed under a key that died with it), a sealed file it
  // finished or was still writing (`.sealed.partial`). A live run's files go too: a newer run took
  // its lease, so it can no longer commit them.
  const mine = names.filter((n) => n.startsWith(`.build-request-${requestId}-`) || (n.startsWith(`request-${requestId}-`) && (n.endsWith('.sealed') || n.endsWith('.sealed.partial'))));
  if (mine.length === 0) return;
  const [row]: { file_path: string | null }[] = await dataSource.query('SELECT file_path FROM access_packages WHERE request_id = ?', [requestId]);
  for (const n of mine) if (!row?.file_path || path.basename(row.file_path) !== n) await rm(path.join(dir, n), { recursive: true, force: true });
}

/**
 * The archive: letter.html, manifest.json (every other file with its rows, bytes and SHA-256),
 * summary.json and the sections, zipped (ZIP opens anywhere without software) and sealed as it is
 * written. Returns the archive's size and SHA-256 before sealing: what the person can check.
 */
async function writeSealedArchive(
  buildDir: string,
  assembled: AssembledPackage,
  letterHtml: string,
  meta: { requestId: number; answeredAt: Date; decision: AccessDecision; verification: VerificationMethod | null },
  sealedPath: string,
  dataKey: Buffer,
  requestId: number,
  stagingKey: Buffer,
): Promise<{ bytes: number; sha256: string }> {
  await mkdir(path.dirname(sealedPath), { recursive: true });
  const manifest = {
    schemaVersion: 1,
    requestId: meta.requestId,
    generatedAt: meta.answeredAt.toISOString(),
    scope: meta.decision.scope,
    verification: { method: meta.verification, achieved: meta.decision.achieved, required: meta.decision.required, limitedBecause: meta.decision.limitedBecause },
    files: [{ name: 'letter.html', rows: 1, bytes: Buffer.byteLength(letterHtml), sha256: sha256(letterHtml) }, ...assembled.files],
    withheld: assembled.withheld,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;

  // Nothing is written in the clear: the letter and manifest go from memory, the sections are
  // opened from their sealed staging files as the ZIP reads them.
  const zip = new ZipFile();
  const mtime = meta.answeredAt;
  zip.addBuffer(Buffer.from(letterHtml), 'letter.html', { mtime });
  zip.addBuffer(Buffer.from(manifestText), 'manifest.json', { mtime });
  // yazl pipes an entry's stream without listening for its errors: a staging file gone or damaged
  // (a newer run's cleanup) would be an uncaught error, and the archive would never end. Each error
  // ends the archive's stream instead, which fails the pipeline below and this run with it.
  const fail = (err: unknown) => (zip.outputStream as Readable).destroy(err instanceof Error ? err : new Error(String(err)));
  zip.on('error', fail);
  for (const f of assembled.files)
    zip.addReadStreamLazy(f.name, { mtime }, (give) => {
      const entry = Readable.from(openSealed(path.join(buildDir, f.name), stagingKey, f.name));
      entry.on('error', fail);
      give(null, entry);
    });
  zip.end();
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  const partial = `${sealedPath}.partial`;
  const out = createWriteStream(partial);
  await pipeline(zip.outputStream, tap, sealStream(dataKey, keyLabel(requestId)), out);
  await rename(partial, sealedPath);
  return { bytes, sha256: hash.digest('hex') };
}

/** What the download route gets for a token it may stream: the file and its key. */
export interface ClaimedPackage {
  packageId: number;
  requestId: number;
  filePath: string;
  dataKey: Buffer;
  bytes: number;
  sha256: string;
}

/**
 * Uses a link: the package must be READY, its link unexpired, its person not erased. The token is
 * spent in the same change (a second use is refused, even while the first still streams), and the
 * download is audited. Errors say which of these failed, in the person's terms.
 */
export async function claimAccessPackage(em: EntityManager, settings: Pick<AccessSettings, 'packageKey'>, token: string, now = new Date()): Promise<ClaimedPackage> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw badInput('this link is not valid', { reason: 'TOKEN_INVALID' });
  const invalid = () => new DomainError('NOT_FOUND', 'this link is not valid or has already been used', { reason: 'TOKEN_USED_OR_INVALID' });
  const seen = await em.getRepository(AccessPackage).findOneBy({ tokenHash: sha256(token) });
  if (!seen) throw invalid();
  // The person first, then the package: the erasure's order, so an erasure and a download never interleave.
  const subject = await em.getRepository(Subject).findOneOrFail({ where: { id: seen.subjectId }, lock: { mode: 'pessimistic_write' } });
  const pkg = await em.getRepository(AccessPackage).findOne({ where: { id: seen.id }, lock: { mode: 'pessimistic_write' } });
  if (!pkg || pkg.tokenHash !== sha256(token) || pkg.status !== AccessPackageStatus.READY || !pkg.filePath || subject.status === SubjectStatus.ERASED) throw invalid();
  // Past its purge date the file may go at any moment: as good as expired.
  if (pkg.linkExpiresAt.getTime() <= now.getTime() || pkg.purgeAfter.getTime() <= now.getTime()) throw conflict('this link has expired', { reason: 'TOKEN_EXPIRED' });
  await em.getRepository(AccessPackage).update({ id: pkg.id }, { status: AccessPackageStatus.DOWNLOADED, tokenHash: null, downloadedAt: now });
  await appendAudit(em, { id: `subject:${pkg.subjectId}`, roles: [] }, { action: 'access-package.downloaded', entityType: 'AccessPackage', entityId: pkg.id, details: { requestId: pkg.requestId, sha256: pkg.sha256 } });
  return { packageId: pkg.id, requestId: pkg.requestId, filePath: pkg.filePath, dataKey: unwrapDataKey(pkg.wrappedKey, settings.packageKey, keyLabel(pkg.requestId)), bytes: Number(pkg.bytes), sha256: pkg.sha256 };
}

/** The archive's bytes, opened frame by frame (for the download, and for tests and support). */
export function openAccessArchive(claimed: Pick<ClaimedPackage, 'filePath' | 'dataKey' | 'requestId'>): AsyncGenerator<Buffer> {
  return openSealed(claimed.filePath, claimed.dataKey, keyLabel(claimed.requestId));
}

/**
 * A new link for a package whose link expired, was used, or never reached the person (PRIVACY_OPS):
 * the old token stops working, the new one is sent as the first was. Refused once purged.
 */
export async function reissueAccessLink(em: EntityManager, actor: Actor, settings: AccessSettings, requestId: number, now = new Date()): Promise<AccessPackage> {
  const repo = em.getRepository(AccessPackage);
  const seen = await repo.findOneBy({ requestId });
  if (!seen) throw notFound('access package of request', requestId);
  const subject = await em.getRepository(Subject).findOneOrFail({ where: { id: seen.subjectId }, lock: { mode: 'pessimistic_write' } });
  const pkg = await repo.findOneOrFail({ where: { id: seen.id }, lock: { mode: 'pessimistic_write' } });
  if (pkg.status === AccessPackageStatus.PURGED || !pkg.filePath || pkg.purgeAfter.getTime() <= now.getTime()) throw conflict(`the package of request ${requestId} has been purged or is about to be`, { reason: 'PACKAGE_PURGED' });
  if (subject.status === SubjectStatus.ERASED) throw conflict(`subject ${pkg.subjectId} has been erased`, { reason: 'SUBJECT_ERASED' });
  const contact = await contactOf(em, pkg.subjectId);
  const delivery = deliveryTo(contact);
  if (delivery.by === 'NONE') throw conflict(`subject ${pkg.subjectId} has no email or postal address on record`, { reason: 'NO_ADDRESS' });
  const token = randomBytes(32).toString('base64url');
  const linkExpiresAt = new Date(Math.min(now.getTime() + settings.linkTtlHours * 3600_000, pkg.purgeAfter.getTime()));
  await repo.update({ id: pkg.id }, { status: AccessPackageStatus.READY, tokenHash: sha256(token), linkExpiresAt, delivery: delivery.by });
  const request = await em.getRepository(DataRequest).findOneByOrFail({ id: requestId });
  const letter = renderAccessLetter({
    company: settings.company, requestId, name: contact?.name ?? null, receivedAt: request.receivedAt, answeredAt: now,
    decision: accessDecision(request.verificationMethod ?? VerificationMethod.NONE), summary: null, sections: [], link: { url: linkUrl(settings.publicBaseUrl, token), expiresAt: linkExpiresAt, sha256: pkg.sha256 },
  });
  await enqueueMessages(em, writtenAnswer(delivery, requestId, { kind: ACCESS_LINK_KIND, subject: 'A new link to your personal information', ...letter }), now);
  await appendAudit(em, actor, { action: 'access-package.link-reissued', entityType: 'AccessPackage', entityId: pkg.id, details: { requestId, linkExpiresAt: linkExpiresAt.toISOString() } });
  return repo.findOneByOrFail({ id: pkg.id });
}

/**
 * At a person's erasure: their access requests still open can no longer be answered (a package
 * would be a copy of what was just erased); they close, and the audit entries are the erasure's to
 * append. A request whose run is building its package finds it closed at its commit and drops it.
 */
export async function closeAccessRequestsOfErased(em: EntityManager, subjectId: number, now: Date): Promise<AuditEntry[]> {
  const open: { id: number }[] = await em.query(`SELECT id FROM data_requests WHERE subject_id = ? AND type = 'ACCESS' AND status IN (?) FOR UPDATE`, [subjectId, OPEN_STATUSES]);
  if (open.length === 0) return [];
  const ids = open.map((r) => Number(r.id));
  await em.query(`UPDATE data_requests SET status = 'REJECTED', reason_code = 'SUBJECT_ERASED', completed_at = ?, result = NULL WHERE id IN (?)`, [now, ids]);
  return ids.map((id) => ({ action: 'request.rejected', entityType: 'DataRequest', entityId: id, details: { subjectId, reasonCode: 'SUBJECT_ERASED' } }));
}

/**
 * At a partial erasure (a hold keeps part of the person): a package being built holds data just
 * erased. Its run loses its lease (it will find the request no longer its own and drop its file) and
 * the request is asked again, to be answered from what is left.
 */
export async function restartAccessRequestsOf(em: EntityManager, subjectId: number, jobs: JobDeclarer): Promise<number> {
  const running: { id: number }[] = await em.query(`SELECT id FROM data_requests WHERE subject_id = ? AND type = 'ACCESS' AND status = 'IN_PROGRESS' FOR UPDATE`, [subjectId]);
  if (running.length === 0) return 0;
  const ids = running.map((r) => Number(r.id));
  await em.query(`UPDATE data_requests SET status = 'ACKNOWLEDGED', result = NULL WHERE id IN (?)`, [ids]);
  await jobs.declare(...ids.map(accessJob));
  return ids.length;
}

/** At a person's erasure: their packages are due for purge now and their links stop working. */
export async function expireAccessPackagesOf(em: EntityManager, subjectId: number, now: Date): Promise<number> {
  const result: { affectedRows?: number } = await em.query(
    `UPDATE access_packages SET token_hash = NULL, purge_after = LEAST(purge_after, ?) WHERE subject_id = ? AND purged_at IS NULL`,
    [now, subjectId],
  );
  return Number(result.affectedRows ?? 0);
}

/** Purges the next package past its retention, in one change (file first); null when none is due. */
export async function purgeNextAccessPackage(em: EntityManager, now = new Date()): Promise<number | null> {
  const [due]: { id: number; file_path: string | null; request_id: number }[] = await em.query(
    'SELECT id, file_path, request_id FROM access_packages WHERE purged_at IS NULL AND purge_after <= ? ORDER BY purge_after LIMIT 1 FOR UPDATE SKIP LOCKED',
    [now],
  );
  if (!due) return null;
  // The file first: a crash after this leaves the row unpurged, and the next run finds nothing left to delete.
  if (due.file_path) await unlink(due.file_path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await em.query(`UPDATE access_packages SET status = ?, file_path = NULL, token_hash = NULL, purged_at = ? WHERE id = ?`, [AccessPackageStatus.PURGED, now, due.id]);
  await appendAudit(em, accessWorker, { action: 'access-package.purged', entityType: 'AccessPackage', entityId: Number(due.id), details: { requestId: Number(due.request_id) } });
  return Number(due.id);
}
