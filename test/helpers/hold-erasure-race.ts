import type { DataSource } from 'typeorm';
import { systemActor } from '../../src/domain/actor';
import { openErasureRequest } from '../../src/domain/data-request.service';
import { runErasure } from '../../src/domain/erasure.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType, Role } from '../../src/entities/enums';
import type { Gateway } from '../../src/gateway';
import { placeLegalHold } from '../../src/plugins/legal-hold/legal-hold.service';

const legal = { id: 'test-legal', roles: [Role.LEGAL] };

export interface RaceOutcome {
  holdFirst: boolean;
  /** Empty when the trial ended in one of the two allowed states. */
  violation: string | null;
}

/**
 * One trial: a legal hold and an erasure of the same subject, started together on separate
 * connections, both in flight. Either the hold came first (the subject is intact, its processing
 * restricted, and the request blocked) or the erasure did (the placement reports the subject as already erased).
 * Never a held subject erased. `hold first` alternates with the parity of the subject id.
 */
export async function raceHoldAgainstErasure(gateway: Gateway, subjectId: number): Promise<RaceOutcome> {
  const ds: DataSource = gateway.dataSource;
  const { request } = await inTransaction(ds, (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
  const erase = () => gateway.run((uow) => runErasure(uow.em, systemActor, request.id, gateway.hooks, uow)).then((o) => o.result);
  const hold = () => inTransaction(ds, (em) => placeLegalHold(em, legal, { matter: `Race ${subjectId}`, caseReference: 'R', subjectIds: [subjectId] }, { snapshotJobThreshold: 100, purgeGraceDays: 30, integrityKey: gateway.config.integrity.key }));
  // Alternate which one is sent first; both are in flight before either can finish.
  const [erasure, placement] = subjectId % 2 === 0 ? await Promise.all([erase(), hold()]) : await Promise.all([hold(), erase()]).then(([h, e]) => [e, h] as const);
  const [subject] = await ds.query('SELECT status FROM subjects WHERE id = ?', [subjectId]);
  const [req] = await ds.query('SELECT status FROM data_requests WHERE id = ?', [request.id]);
  const held: unknown[] = await ds.query('SELECT 1 FROM legal_hold_subjects WHERE subject_id = ?', [subjectId]);
  const state = JSON.stringify({ erasure: erasure.status, subject, req, held: held.length });
  if (placement.alreadyErasedSubjectIds.includes(subjectId)) {
    const ok = erasure.status === 'COMPLETED' && subject.status === 'ERASED' && req.status === 'COMPLETED' && held.length === 0;
    return { holdFirst: false, violation: ok ? null : `trial ${subjectId}: erasure first but ${state}` };
  }
  const ok = erasure.status === 'BLOCKED_BY_HOLD' && subject.status === 'RESTRICTED' && req.status === 'BLOCKED_BY_HOLD' && held.length === 1;
  return { holdFirst: true, violation: ok ? null : `trial ${subjectId}: hold first but ${state}` };
}
