import { useState, type FormEvent } from 'react';
import { formatDate, gql, type Session } from '../api';
import type { AccessLogEntry, AuditChainReport } from '../graphql-types';
import { Field, Outcome, useAction } from '../ui';

type Read = Pick<AccessLogEntry, 'id' | 'accessedAt' | 'actor' | 'role' | 'purpose' | 'categories' | 'requestId'>;

/** Privacy operations and legal: is the audit chain intact, and who read a person's data. */
export function AuditPage({ session }: { session: Session }) {
  const chain = useAction();
  const [report, setReport] = useState<AuditChainReport | null>(null);
  const verify = () =>
    chain.run(async () => {
      const r = await gql<{ verifyAuditChain: AuditChainReport }>(session, 'query Chain { verifyAuditChain { valid eventsChecked checkpointsChecked lastCheckpointSeq brokenAtSeq brokenEventId reason } }');
      setReport(r.verifyAuditChain);
      return r.verifyAuditChain.valid
        ? `The audit chain is intact: ${r.verifyAuditChain.eventsChecked} events and ${r.verifyAuditChain.checkpointsChecked} published checkpoints checked.`
        : `The audit chain is BROKEN at event ${r.verifyAuditChain.brokenAtSeq ?? '?'}.`;
    });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <section aria-labelledby="chain-title" className="panel">
        <h2 id="chain-title">Audit chain</h2>
        <p>Re-hashes every audit event and checks the chain against the checkpoints published outside the database.</p>
        <button type="button" onClick={() => void verify()} disabled={chain.busy}>{chain.busy ? 'Verifying…' : 'Verify the audit chain'}</button>
        <Outcome ok={chain.ok} error={chain.error} />
        {report && !report.valid ? <p className="error">Reason: {report.reason ?? 'unknown'} (event {report.brokenEventId ?? '?'})</p> : null}
      </section>
      <AccessLog session={session} />
    </section>
  );
}

function AccessLog({ session }: { session: Session }) {
  const [person, setPerson] = useState('');
  const [reads, setReads] = useState<{ person: string; rows: Read[] } | null>(null);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await gql<{ accessLog: { edges: { node: Read }[] } }>(
        session,
        'query Reads($id: ID!) { accessLog(subjectId: $id, first: 100) { edges { node { id accessedAt actor role purpose categories requestId } } } }',
        { id: person },
      );
      setReads({ person, rows: r.accessLog.edges.map((e) => e.node) });
      return `${r.accessLog.edges.length} reads of person ${person} (newest first, at most 100).`;
    });
  };
  return (
    <section aria-labelledby="reads-title" className="panel">
      <h2 id="reads-title">Who read a person's data</h2>
      <form onSubmit={submit} aria-label="Search the access log">
        <Field id="reads-person" label="Person (user id)"><input id="reads-person" required value={person} onChange={(e) => setPerson(e.target.value)} /></Field>
        <button type="submit" disabled={action.busy}>Show reads</button>
        <Outcome ok={action.ok} error={action.error} />
      </form>
      {reads && reads.rows.length ? (
        <table>
          <caption>Reads of person {reads.person}</caption>
          <thead>
            <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Role</th><th scope="col">Purpose</th><th scope="col">Categories</th></tr>
          </thead>
          <tbody>
            {reads.rows.map((r) => (
              <tr key={r.id}>
                <td>{formatDate(r.accessedAt)}</td>
                <td>{r.actor}</td>
                <td>{r.role}</td>
                <td>{r.purpose ?? '—'}</td>
                <td>{r.categories.join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
