import { useState, type FormEvent } from 'react';
import { dueIn, formatDate, gql, gqlAll, hasRole, type Page, type Session } from '../api';
import type { AuditEvent, DataRequest, RequestMessage, VerificationMethod } from '../graphql-types';
import { Field, Outcome, PollError, useAction, usePolling } from '../ui';

type RequestRow = Pick<DataRequest, 'id' | 'type' | 'status' | 'open' | 'receivedAt' | 'dueAt' | 'overdue' | 'completedAt' | 'channel'> & { user: { id: string } };

const REQUESTS = `query Requests($after: String) { dataRequests(after: $after) { pageInfo { hasNextPage endCursor } edges { node {
  id type status open receivedAt dueAt overdue completedAt channel user { id }
} } } }`;

/** Privacy operations: the request queue, due dates counting down, blocked and overdue ones marked. */
export function RequestsPage({ session }: { session: Session }) {
  const [selected, setSelected] = useState<string | null>(null);
  const { data: list, error, reload } = usePolling(() => gqlAll(session, REQUESTS, (d: { dataRequests: Page<RequestRow> }) => d.dataRequests), 2000);
  const data = list?.items ?? null;
  const canAct = hasRole(session, 'PRIVACY_OPS', 'ADMIN');
  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Requests</h1>
      {canAct ? (
        <div className="forms">
          <RequestErasure session={session} onDone={reload} />
          <FlagChild session={session} onDone={reload} />
        </div>
      ) : null}
      <PollError error={error} />
      {data === null ? <p>Loading requests…</p> : data.length === 0 ? <p>No requests.</p> : (
        <table>
          <caption>Open and answered requests, oldest first{list?.truncated ? ' (the first 1,000)' : ''}</caption>
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
              const open = r.open;
              return (
                <tr key={r.id} data-request={r.id} data-status={r.status} className={r.overdue ? 'overdue' : r.status === 'BLOCKED_BY_HOLD' ? 'blocked' : undefined}>
                  <td>
                    <button type="button" className="link" aria-expanded={selected === r.id} onClick={() => setSelected(selected === r.id ? null : r.id)}>
                      Request {r.id}
                    </button>
                  </td>
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
      {selected ? <RequestDetails key={selected} session={session} id={selected} canAct={canAct} onDone={reload} /> : null}
    </section>
  );
}

type Message = Pick<RequestMessage, 'id' | 'kind' | 'channel' | 'status' | 'recipientId' | 'subject' | 'text' | 'withheld' | 'cleared' | 'createdAt' | 'sentAt'>;
type Details = Pick<DataRequest, 'id' | 'type' | 'status' | 'open' | 'channel' | 'receivedAt' | 'acknowledgeDueAt' | 'acknowledgedAt' | 'dueAt' | 'extendedAt' | 'extensionReason' | 'completedAt' | 'reasonCode' | 'verificationMethod' | 'result'> & { user: { id: string }; messages: Message[]; history: HistoryEvent[] };
type HistoryEvent = Pick<AuditEvent, 'seq' | 'action' | 'actor' | 'occurredAt' | 'details'>;

/** A request's timeline, from the gateway's own record of it, and extending its deadline once. */
function RequestDetails({ session, id, canAct, onDone }: { session: Session; id: string; canAct: boolean; onDone: () => void }) {
  const { data, error, reload } = usePolling(
    () =>
      gql<{ dataRequest: Details | null }>(
        session,
        'query Request($id: ID!) { dataRequest(id: $id) { id type status open channel receivedAt acknowledgeDueAt acknowledgedAt dueAt extendedAt extensionReason completedAt reasonCode verificationMethod result user { id } messages { id kind channel status recipientId subject text withheld cleared createdAt sentAt } history { seq action actor occurredAt details } } }',
        { id },
      ).then((d) => d.dataRequest),
    2000,
  );
  const [reason, setReason] = useState('');
  const action = useAction();
  if (!data) return error ? <p role="alert" className="error">{error}</p> : <p>Loading request {id}…</p>;
  const events: [string, string | null | undefined, string?][] = [
    ['Received', data.receivedAt, `through ${data.channel}${data.verificationMethod ? `, verified by ${data.verificationMethod}` : ''}`],
    ['Acknowledged', data.acknowledgedAt, data.acknowledgedAt ? undefined : `due ${formatDate(data.acknowledgeDueAt)}`],
    ['Deadline extended', data.extendedAt, data.extensionReason ?? undefined],
    ['Blocked by a legal hold', data.status === 'BLOCKED_BY_HOLD' ? 'now' : null, blockedNote(data.result)],
    [data.status === 'REJECTED' ? 'Rejected' : 'Completed', data.completedAt, data.reasonCode ?? undefined],
  ];
  const open = data.open;
  const extend = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await gql<{ extendRequestDeadline: { dueAt: string } }>(session, 'mutation Extend($id: ID!, $reason: String!) { extendRequestDeadline(requestId: $id, reason: $reason) { dueAt } }', { id, reason });
      reload();
      onDone();
      return `Deadline of request ${id} extended to ${formatDate(r.extendRequestDeadline.dueAt)}; the person is told why.`;
    });
  };
  return (
    <section aria-labelledby={`request-${id}-title`} className="panel">
      <h2 id={`request-${id}-title`}>Request {id}: {data.type} for person {data.user.id}</h2>
      <ol className="timeline">
        {events.filter(([, at]) => at).map(([what, at, note]) => (
          <li key={what}>
            <strong>{what}</strong> {at === 'now' ? '' : formatDate(at)} {note ? <span className="muted">({note})</span> : null}
          </li>
        ))}
      </ol>
      <PollError error={error} />
      <p>Due {formatDate(data.dueAt)}{open ? ` (${dueIn(data.dueAt)})` : ''}.</p>
      {data.history.length ? (
        <details open>
          <summary>History, from the audit log</summary>
          <ol className="history">
            {data.history.map((h) => (
              <li key={h.seq} data-action={h.action}>
                <strong>{h.action}</strong> {formatDate(h.occurredAt)} <span className="muted">by {h.actor}</span>
                {historyNote(h.details) ? <span className="muted"> ({historyNote(h.details)})</span> : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {data.messages.length ? (
        <table>
          <caption>Letters and notices this request sent</caption>
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">To</th>
              <th scope="col">Status</th>
              <th scope="col">As the addressee read it</th>
            </tr>
          </thead>
          <tbody>
            {data.messages.map((m) => (
              <tr key={m.id} data-message={m.kind}>
                <td>{m.kind} <span className="muted">({m.channel === 'POST' ? 'letter' : 'email'})</span></td>
                <td>{m.recipientId ? `recipient ${m.recipientId}` : 'the person'}</td>
                <td>{m.status}{m.sentAt ? ` ${formatDate(m.sentAt)}` : ''}</td>
                <td>
                  {m.withheld ? (
                    <span className="muted">{m.subject}: text not shown here (it names the person to a recipient, or carries a one-time link or corrected values)</span>
                  ) : m.cleared ? (
                    <span className="muted">{m.status === 'CANCELLED' ? 'not sent; its text was cleared' : 'its text was cleared after delivery'}</span>
                  ) : (
                    <details>
                      <summary>{m.subject}</summary>
                      <pre className="letter">{m.text}</pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data.result ? (
        <details>
          <summary>What the gateway recorded as the outcome</summary>
          <pre>{JSON.stringify(data.result, null, 2)}</pre>
        </details>
      ) : null}
      {canAct && open && !data.extendedAt ? (
        <form onSubmit={extend} aria-label={`Extend the deadline of request ${id}`}>
          <Field id={`extend-${id}`} label="Reason for the extension (sent to the person)">
            <input id={`extend-${id}`} required value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button type="submit" disabled={action.busy}>Extend the deadline</button>
        </form>
      ) : null}
      <Outcome ok={action.ok} error={action.error} />
    </section>
  );
}

function FlagChild({ session, onDone }: { session: Session; onDone: () => void }) {
  const [userId, setUserId] = useState('');
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await gql<{ flagChild: { created: boolean; request: { id: string } } }>(session, 'mutation Flag($userId: ID!) { flagChild(userId: $userId) { created request { id } } }', { userId });
      onDone();
      return r.flagChild.created ? `Person ${userId} flagged as a child: request ${r.flagChild.request.id} deletes their data ahead of every other job.` : `Person ${userId} already has child deletion request ${r.flagChild.request.id}.`;
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="child-title">
      <h2 id="child-title">Flag a child</h2>
      <Field id="child-user" label="Person (user id) found to be under 13"><input id="child-user" required value={userId} onChange={(e) => setUserId(e.target.value)} /></Field>
      <button type="submit" className="danger" disabled={action.busy}>Flag as a child and delete</button>
      <Outcome ok={action.ok} error={action.error} />
    </form>
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

/** Which holds stop a blocked request, in the words the erasure recorded (`legal-hold: held by legal hold 3`, shown without the plugin's name). */
function blockedNote(result: unknown): string {
  const recorded = result && typeof result === 'object' && Array.isArray((result as { reasons?: unknown }).reasons) ? (result as { reasons: unknown[] }).reasons : [];
  const reasons = recorded.filter((r): r is string => typeof r === 'string').map((r) => r.replace(/^[a-z-]+: /, ''));
  return `${reasons.length ? `${reasons.join('; ')}; ` : ''}resumes when the hold is released`;
}

/** The ids an event names that matter on this page: the holds that blocked it, its reason code. */
function historyNote(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  const d = details as { holdIds?: unknown; reasonCode?: unknown; reason?: unknown };
  const parts: string[] = [];
  if (Array.isArray(d.holdIds) && d.holdIds.length) parts.push(`legal hold ${d.holdIds.join(', ')}`);
  if (typeof d.reasonCode === 'string') parts.push(d.reasonCode);
  return parts.join('; ');
}
