import { useState, type FormEvent } from 'react';
import { dueIn, formatDate, gql, hasRole, type Session } from '../api';
import type { DataRequest, VerificationMethod } from '../graphql-types';
import { Field, Outcome, useAction, usePolling } from '../ui';

type RequestRow = Pick<DataRequest, 'id' | 'type' | 'status' | 'receivedAt' | 'dueAt' | 'overdue' | 'completedAt' | 'channel'> & { user: { id: string } };

const REQUESTS = `query Requests { dataRequests(first: 100) { edges { node {
  id type status receivedAt dueAt overdue completedAt channel user { id }
} } } }`;

/** Privacy operations: the request queue, due dates counting down, blocked and overdue ones marked. */
export function RequestsPage({ session }: { session: Session }) {
  const { data, error, reload } = usePolling(() => gql<{ dataRequests: { edges: { node: RequestRow }[] } }>(session, REQUESTS).then((d) => d.dataRequests.edges.map((e) => e.node)), 2000);
  const canAct = hasRole(session, 'PRIVACY_OPS', 'ADMIN');
  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Requests</h1>
      {canAct ? <RequestErasure session={session} onDone={reload} /> : null}
      {error ? <p role="alert" className="error">{error}</p> : null}
      {data === null ? <p>Loading requests…</p> : data.length === 0 ? <p>No requests.</p> : (
        <table>
          <caption>Open and answered requests</caption>
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Person</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Received</th>
              <th scope="col">Due</th>
            </tr>
          </thead>
          <tbody>
            {data.map((r) => {
              const open = !['COMPLETED', 'PARTIALLY_COMPLETED', 'REJECTED'].includes(r.status);
              return (
                <tr key={r.id} data-request={r.id} data-status={r.status} className={r.overdue ? 'overdue' : r.status === 'BLOCKED_BY_HOLD' ? 'blocked' : undefined}>
                  <td>{r.id}</td>
                  <td>{r.user.id}</td>
                  <td>{r.type}</td>
                  <td><span className={`badge ${r.status.toLowerCase()}`}>{r.status === 'BLOCKED_BY_HOLD' ? 'Blocked by a legal hold' : r.status}</span></td>
                  <td>{formatDate(r.receivedAt)}</td>
                  <td>{open ? <>{formatDate(r.dueAt)} ({r.overdue ? <strong>overdue</strong> : dueIn(r.dueAt)})</> : `done ${formatDate(r.completedAt)}`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RequestErasure({ session, onDone }: { session: Session; onDone: () => void }) {
  const [userId, setUserId] = useState('');
  const [verification, setVerification] = useState<VerificationMethod>('EMAIL_ROUND_TRIP');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await gql<{ requestErasure: { created: boolean; request: { id: string; status: string } } }>(
        session,
        'mutation Erase($userId: ID!, $verification: VerificationMethod) { requestErasure(userId: $userId, channel: "console", verification: $verification) { created request { id status } } }',
        { userId, verification },
      );
      onDone();
      return r.requestErasure.created ? `Deletion request ${r.requestErasure.request.id} opened.` : `Person ${userId} already has open deletion request ${r.requestErasure.request.id}.`;
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="erase-title">
      <h2 id="erase-title">Record a deletion request</h2>
      <Field id="erase-user" label="Person (user id)"><input id="erase-user" required value={userId} onChange={(e) => setUserId(e.target.value)} /></Field>
      <Field id="erase-verification" label="How the person was verified">
        <select id="erase-verification" value={verification} onChange={(e) => setVerification(e.target.value as VerificationMethod)}>
          <option value="EMAIL_ROUND_TRIP">Email round trip</option>
          <option value="SIGNED_IN_SESSION">Signed-in session</option>
          <option value="TWO_DATA_POINTS">Two data points</option>
        </select>
      </Field>
      <button type="submit" disabled={action.busy}>{action.busy ? 'Recording…' : 'Record deletion request'}</button>
      <Outcome ok={action.ok} error={action.error} />
    </form>
  );
}
