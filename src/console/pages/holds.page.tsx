import { useState, type FormEvent } from 'react';
import { formatDate, gql, gqlAll, hasRole, type Page, type Session } from '../api';
import type { LegalHold, PreservationReport, PreservedRecord } from '../graphql-types';
import { Field, Outcome, PollError, useAction, usePolling } from '../ui';

type HoldRow = Pick<LegalHold, 'id' | 'matter' | 'caseReference' | 'status' | 'placedAt' | 'placedBy' | 'releasedAt' | 'releaseReason'> & {
  subjects: { id: string }[];
  preservation: LegalHold['preservation'];
};

const HOLDS = `query Holds($after: String) { legalHolds(after: $after) { pageInfo { hasNextPage endCursor } edges { node {
  id matter caseReference status placedAt placedBy releasedAt releaseReason subjects { id }
  preservation { status subjectsDone subjectsTotal recordsPreserved }
} } } }`;

/** Legal: the holds, placing one, adding people, releasing with a reason, checking preservation. */
export function HoldsPage({ session }: { session: Session }) {
  const { data: list, error, reload } = usePolling(() => gqlAll(session, HOLDS, (d: { legalHolds: Page<HoldRow> }) => d.legalHolds), 3000);
  const data = list?.items ?? null;
  const canPlace = hasRole(session, 'LEGAL', 'ADMIN');
  return (
    <section aria-labelledby="holds-title">
      <h1 id="holds-title">Legal holds</h1>
      {canPlace ? <PlaceHold session={session} onDone={reload} /> : null}
      <PollError error={error} />
      {data === null ? <p>Loading holds…</p> : data.length === 0 ? <p>No holds.</p> : (
        <table>
          <caption>Every hold, oldest first{list?.truncated ? ' (the first 1,000)' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Matter</th>
              <th scope="col">Case reference</th>
              <th scope="col">Status</th>
              <th scope="col">People</th>
              <th scope="col">Preservation</th>
              <th scope="col">Placed</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.map((h) => (
              <tr key={h.id} data-hold={h.id}>
                <td>{h.matter}</td>
                <td>{h.caseReference}</td>
                <td><span className={`badge ${h.status.toLowerCase()}`}>{h.status}</span></td>
                <td>{h.subjects.map((s) => s.id).join(', ')}</td>
                <td>
                  {h.preservation ? (
                    <>
                      <progress max={h.preservation.subjectsTotal || 1} value={h.preservation.subjectsDone} aria-label={`Preservation of hold ${h.matter}`} />{' '}
                      {h.preservation.status}, {h.preservation.recordsPreserved} records
                    </>
                  ) : '—'}
                </td>
                <td>{formatDate(h.placedAt)} by {h.placedBy}</td>
                <td><HoldActions session={session} hold={h} canChange={canPlace} onDone={reload} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PlaceHold({ session, onDone }: { session: Session; onDone: () => void }) {
  const [matter, setMatter] = useState('');
  const [caseReference, setCaseReference] = useState('');
  const [people, setPeople] = useState('');
  const [categories, setCategories] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const known = usePolling(() => gql<{ dataCategories: { key: string; label: string }[] }>(session, 'query Categories { dataCategories { key label } }').then((d) => d.dataCategories), 0);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const listed = people.split(/[\s,]+/).filter(Boolean);
    void action.run(async () => {
      // Email addresses are looked up (one read each, in the access log like any read); ids are used as given.
      const subjectIds: string[] = [];
      for (const who of listed) {
        if (!who.includes('@')) {
          subjectIds.push(who);
          continue;
        }
        const found = await gql<{ users: { edges: { node: { id: string } }[] } }>(session, 'query Find($email: String!) { users(first: 1, filter: { email: $email }) { edges { node { id } } } }', { email: who });
        const id = found.users.edges[0]?.node.id;
        if (!id) throw new Error(`no person has the email address ${who}`);
        subjectIds.push(id);
      }
      const input = {
        matter,
        caseReference,
        subjectIds,
        ...(categories.length ? { categories } : {}),
        ...(from ? { from: new Date(`${from}T00:00:00Z`).toISOString() } : {}),
        ...(until ? { until: new Date(`${until}T00:00:00Z`).toISOString() } : {}),
      };
      const r = await gql<{ placeLegalHold: { hold: { id: string }; addedSubjectIds: string[] } }>(
        session,
        'mutation Place($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { hold { id } addedSubjectIds } }',
        { input },
      );
      onDone();
      const n = r.placeLegalHold.addedSubjectIds.length;
      return `Hold ${r.placeLegalHold.hold.id} placed on ${n} ${n === 1 ? 'person' : 'people'}.`;
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="place-title">
      <h2 id="place-title">Place a hold</h2>
      <Field id="hold-matter" label="Matter"><input id="hold-matter" required value={matter} onChange={(e) => setMatter(e.target.value)} /></Field>
      <Field id="hold-case" label="Case reference"><input id="hold-case" required value={caseReference} onChange={(e) => setCaseReference(e.target.value)} /></Field>
      <Field id="hold-people" label="People (user ids or email addresses, separated by commas)" hint="Each address is looked up; the hold names people by id.">
        <input id="hold-people" required aria-describedby="hold-people-hint" value={people} onChange={(e) => setPeople(e.target.value)} />
      </Field>
      <details>
        <summary>Limit the hold (categories, dates)</summary>
        <fieldset>
          <legend>Categories of data to preserve (none chosen: every category)</legend>
          {(known.data ?? []).map((c) => (
            <label key={c.key} className="inline">
              <input type="checkbox" checked={categories.includes(c.key)} onChange={(e) => setCategories((list) => (e.target.checked ? [...list, c.key] : list.filter((k) => k !== c.key)))} /> {c.label}
            </label>
          ))}
        </fieldset>
        <Field id="hold-from" label="History from (UTC, inclusive; empty: no lower bound)"><input id="hold-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></Field>
        <Field id="hold-until" label="History until (UTC, exclusive; empty: no upper bound)"><input id="hold-until" type="date" value={until} onChange={(e) => setUntil(e.target.value)} /></Field>
      </details>
      <button type="submit" disabled={action.busy}>{action.busy ? 'Placing…' : 'Place hold'}</button>
      <Outcome ok={action.ok} error={action.error} />
    </form>
  );
}

function HoldActions({ session, hold, canChange, onDone }: { session: Session; hold: HoldRow; canChange: boolean; onDone: () => void }) {
  const [releasing, setReleasing] = useState(false);
  const [reason, setReason] = useState('');
  const [report, setReport] = useState<PreservationReport | null>(null);
  const [adding, setAdding] = useState(false);
  const [more, setMore] = useState('');
  const [records, setRecords] = useState<Pick<PreservedRecord, 'id' | 'recordType' | 'recordId' | 'subjectId' | 'preservedAt' | 'sha256'>[] | null>(null);
  const browse = () =>
    action.run(async () => {
      const r = await gql<{ legalHold: { preservedRecords: { edges: { node: NonNullable<typeof records>[number] }[]; pageInfo: { hasNextPage: boolean } } } | null }>(
        session,
        'query Preserved($id: ID!) { legalHold(id: $id) { preservedRecords(first: 100) { edges { node { id recordType recordId subjectId preservedAt sha256 } } pageInfo { hasNextPage } } } }',
        { id: hold.id },
      );
      const page = r.legalHold?.preservedRecords;
      setRecords(page?.edges.map((e) => e.node) ?? []);
      return `${page?.edges.length ?? 0} preserved records shown${page?.pageInfo.hasNextPage ? ' (the first 100)' : ''}.`;
    });
  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await gql<{ addSubjectsToLegalHold: { addedSubjectIds: string[]; alreadyErasedSubjectIds: string[] } }>(
        session,
        'mutation Add($id: ID!, $people: [ID!]!) { addSubjectsToLegalHold(holdId: $id, subjectIds: $people) { addedSubjectIds alreadyErasedSubjectIds } }',
        { id: hold.id, people: more.split(/[\s,]+/).filter(Boolean) },
      );
      setAdding(false);
      onDone();
      const erased = r.addSubjectsToLegalHold.alreadyErasedSubjectIds;
      return `${r.addSubjectsToLegalHold.addedSubjectIds.length} people added to hold ${hold.id}${erased.length ? `; already erased, nothing to preserve: ${erased.join(', ')}` : ''}.`;
    });
  };
  const action = useAction();
  const verify = () =>
    action.run(async () => {
      const r = await gql<{ verifyPreservation: PreservationReport }>(session, 'query Verify($id: ID!) { verifyPreservation(holdId: $id) { holdId valid sealValid setMatchesSeal recordsChecked recordsSealed mismatchedRecordIds } }', { id: hold.id });
      setReport(r.verifyPreservation);
      return r.verifyPreservation.valid ? `Preservation of hold ${hold.id} verified: ${r.verifyPreservation.recordsChecked} records intact.` : `Preservation of hold ${hold.id} FAILED verification.`;
    });
  const release = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await gql<{ releaseLegalHold: { freedSubjectIds: string[] } }>(session, 'mutation Release($id: ID!, $reason: String!) { releaseLegalHold(holdId: $id, reason: $reason) { freedSubjectIds } }', { id: hold.id, reason });
      setReleasing(false);
      onDone();
      return `Hold ${hold.id} released; ${r.releaseLegalHold.freedSubjectIds.length} people no longer held.`;
    });
  };
  return (
    <div className="actions">
      <button type="button" aria-label={`Verify preservation of hold ${hold.matter}`} onClick={() => void verify()} disabled={action.busy}>Verify preservation</button>
      <button type="button" aria-label={`Preserved records of hold ${hold.matter}`} onClick={() => void browse()} disabled={action.busy}>Preserved records</button>
      {canChange && hold.status === 'ACTIVE' && !adding ? <button type="button" aria-label={`Add people to hold ${hold.matter}`} onClick={() => setAdding(true)}>Add people…</button> : null}
      {adding ? (
        <form onSubmit={add} aria-label={`Add people to hold ${hold.matter}`}>
          <Field id={`add-${hold.id}`} label="People to add (user ids)">
            <input id={`add-${hold.id}`} required autoFocus value={more} onChange={(e) => setMore(e.target.value)} />
          </Field>
          <button type="submit" disabled={action.busy}>Add to the hold</button>
          <button type="button" onClick={() => setAdding(false)}>Cancel</button>
        </form>
      ) : null}
      {canChange && hold.status === 'ACTIVE' && !releasing ? (
        <button type="button" aria-label={`Release hold ${hold.matter}`} onClick={() => setReleasing(true)}>Release…</button>
      ) : null}
      {releasing ? (
        <form onSubmit={release} aria-label={`Release hold ${hold.matter}`}>
          <Field id={`reason-${hold.id}`} label="Reason for release">
            <input id={`reason-${hold.id}`} required autoFocus value={reason} onChange={(e) => setReason(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setReleasing(false)} />
          </Field>
          <button type="submit" className="danger" disabled={action.busy}>Confirm release</button>
          <button type="button" onClick={() => setReleasing(false)}>Keep the hold</button>
        </form>
      ) : null}
      {records && records.length ? (
        <table className="nested">
          <caption>What hold {hold.matter} preserved</caption>
          <thead>
            <tr><th scope="col">Record</th><th scope="col">Person</th><th scope="col">Preserved</th><th scope="col">SHA-256</th></tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.id}><td>{r.recordType} {r.recordId}</td><td>{r.subjectId}</td><td>{formatDate(r.preservedAt)}</td><td><code>{r.sha256.slice(0, 12)}…</code></td></tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {report && !report.valid ? <p className="error">Mismatched records: {report.mismatchedRecordIds.join(', ') || 'the seal'}</p> : null}
      <Outcome ok={action.ok} error={action.error} />
    </div>
  );
}
