import { useState, type FormEvent } from 'react';
import { formatDate, gql, gqlAll, type Page, type Session } from '../api';
import type { BusinessTransfer, BusinessTransferPhase, ExportFormat, Recipient } from '../graphql-types';
import { Field, Outcome, PollError, useAction, usePolling } from '../ui';

type TransferRow = Pick<BusinessTransfer, 'id' | 'dealName' | 'phase' | 'status' | 'format' | 'startedAt' | 'finishedAt' | 'error'> & {
  progress: Pick<BusinessTransfer['progress'], 'percent' | 'processed' | 'total'>;
  artifacts: { name: string; bytes: number }[];
};

const TRANSFERS = `query Transfers($after: String) { businessTransfers(after: $after) { pageInfo { hasNextPage endCursor } edges { node {
  id dealName phase status format startedAt finishedAt error progress { percent processed total } artifacts { name bytes }
} } } }`;
const ACQUIRERS = 'query Acquirers { recipients(first: 100, kind: ACQUIRER) { edges { node { id name } } } }';
const RUNNING = ['PENDING', 'RUNNING'];

/** M&A: the transfers, starting one, live progress, the manifest, cancelling. */
export function TransfersPage({ session }: { session: Session }) {
  const { data: list, error, reload } = usePolling(() => gqlAll(session, TRANSFERS, (d: { businessTransfers: Page<TransferRow> }) => d.businessTransfers), 1500);
  const data = list?.items ?? null;
  return (
    <section aria-labelledby="transfers-title">
      <h1 id="transfers-title">Business transfers</h1>
      <StartTransfer session={session} onDone={reload} />
      <PollError error={error} />
      {data === null ? <p>Loading transfers…</p> : data.length === 0 ? <p>No transfers.</p> : (
        <table>
          <caption>Exports for deals, oldest first{list?.truncated ? ' (the first 1,000)' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Deal</th>
              <th scope="col">Phase</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Started</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.map((t) => (
              <tr key={t.id} data-transfer={t.id} data-status={t.status}>
                <td>{t.dealName}</td>
                <td>{t.phase}</td>
                <td><span className={`badge ${t.status.toLowerCase()}`}>{t.status}</span>{t.error ? <p className="error">{t.error}</p> : null}</td>
                <td>
                  <progress max={100} value={t.progress.percent} aria-label={`Export progress of ${t.dealName}`} /> {Math.round(t.progress.percent)}% ({t.progress.processed} of {t.progress.total} people)
                </td>
                <td>{formatDate(t.startedAt)}</td>
                <td><TransferActions session={session} transfer={t} onDone={reload} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function StartTransfer({ session, onDone }: { session: Session; onDone: () => void }) {
  const acquirers = usePolling(() => gql<{ recipients: { edges: { node: Pick<Recipient, 'id' | 'name'> }[] } }>(session, ACQUIRERS).then((d) => d.recipients.edges.map((e) => e.node)), 0);
  const [dealName, setDealName] = useState('');
  const [acquirerId, setAcquirerId] = useState('');
  const [phase, setPhase] = useState<BusinessTransferPhase>('DUE_DILIGENCE');
  const [regions, setRegions] = useState('');
  const [format, setFormat] = useState<ExportFormat>('NDJSON');
  const [publicKey, setPublicKey] = useState('');
  const action = useAction();
  const counting = useAction();
  // Active people only (erased ones are never exported), in the regions named, if any.
  const scopeOf = () => {
    const listed = regions.split(/[\s,]+/).filter(Boolean);
    return { statuses: ['ACTIVE'], ...(listed.length ? { regions: listed } : {}) };
  };
  const count = () =>
    counting.run(async () => {
      const r = await gql<{ businessTransferScopeSize: number }>(session, 'query ScopeSize($scope: BusinessTransferScopeInput!) { businessTransferScopeSize(scope: $scope) }', { scope: scopeOf() });
      const n = r.businessTransferScopeSize;
      return n === 0 ? 'No active person is in this scope: a transfer would be refused.' : `${n} ${n === 1 ? 'person' : 'people'} would be exported.`;
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const scope = scopeOf();
    void action.run(async () => {
      const r = await gql<{ startBusinessTransfer: { id: string; progress: { total: number } } }>(
        session,
        'mutation Start($input: StartBusinessTransferInput!) { startBusinessTransfer(input: $input) { id progress { total } } }',
        { input: { dealName, acquirerId: acquirerId || acquirers.data?.[0]?.id, phase, format, scope, ...(publicKey.trim() ? { encryptFor: publicKey.trim() } : {}) } },
      );
      onDone();
      return `Transfer ${r.startBusinessTransfer.id} started for ${r.startBusinessTransfer.progress.total} people.`;
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="start-title">
      <h2 id="start-title">Start a transfer</h2>
      <Field id="deal-name" label="Deal name"><input id="deal-name" required value={dealName} onChange={(e) => setDealName(e.target.value)} /></Field>
      <Field id="acquirer" label="Acquirer">
        <select id="acquirer" required value={acquirerId || acquirers.data?.[0]?.id || ''} onChange={(e) => setAcquirerId(e.target.value)}>
          {(acquirers.data ?? []).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </Field>
      <Field id="phase" label="Phase">
        <select id="phase" value={phase} onChange={(e) => setPhase(e.target.value as BusinessTransferPhase)}>
          <option value="DUE_DILIGENCE">Due diligence (de-identified)</option>
          <option value="CLOSING">Closing (full records)</option>
        </select>
      </Field>
      <Field id="regions" label="Regions (ISO 3166-2, separated by commas; empty: every active person)"><input id="regions" value={regions} onChange={(e) => setRegions(e.target.value)} /></Field>
      <div className="actions">
        <button type="button" onClick={() => void count()} disabled={counting.busy}>{counting.busy ? 'Counting…' : 'Count people in scope'}</button>
        <Outcome ok={counting.ok} error={counting.error} />
      </div>
      <Field id="format" label="Format">
        <select id="format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
          <option value="NDJSON">NDJSON</option>
          <option value="CSV">CSV</option>
        </select>
      </Field>
      <Field id="public-key" label="Encrypt for (the acquirer's RSA public key, PEM; empty: not encrypted)" hint="Files are then AES-256-GCM encrypted under a key only this public key's owner can unwrap.">
        <textarea id="public-key" rows={3} aria-describedby="public-key-hint" value={publicKey} onChange={(e) => setPublicKey(e.target.value)} />
      </Field>
      <button type="submit" disabled={action.busy || !acquirers.data?.length}>{action.busy ? 'Starting…' : 'Start transfer'}</button>
      {acquirers.data && acquirers.data.length === 0 ? <p>No acquirer is registered yet.</p> : null}
      <Outcome ok={action.ok} error={action.error} />
    </form>
  );
}

function TransferActions({ session, transfer, onDone }: { session: Session; transfer: TransferRow; onDone: () => void }) {
  const action = useAction();
  const cancel = () =>
    action.run(async () => {
      await gql(session, 'mutation Cancel($id: ID!) { cancelBusinessTransfer(id: $id) { id status } }', { id: transfer.id });
      onDone();
      return `Transfer ${transfer.id} cancelled.`;
    });
  const verify = () =>
    action.run(async () => {
      const r = await gql<{ verifyBusinessTransfer: { valid: boolean; files: { name: string; ok: boolean; problems: string[] }[] } }>(
        session,
        'query Verify($id: ID!) { verifyBusinessTransfer(id: $id) { valid files { name ok problems } } }',
        { id: transfer.id },
      );
      const bad = r.verifyBusinessTransfer.files.filter((f) => !f.ok);
      if (bad.length) throw new Error(`files of ${transfer.dealName} differ from the recorded manifest: ${bad.map((f) => `${f.name}: ${f.problems.join(', ')}`).join('; ')}`);
      return `All ${r.verifyBusinessTransfer.files.length} files of ${transfer.dealName} match the recorded manifest.`;
    });
  // Files come from the gateway's download route: each download is audited there, under this session.
  const href = (file: string) => `/exports/transfers/${encodeURIComponent(transfer.id)}/${encodeURIComponent(file)}`;
  return (
    <div className="actions">
      {transfer.status === 'COMPLETED' ? (
        <ul className="files">
          <li><a href={href('manifest.json')} download aria-label={`Download the manifest of ${transfer.dealName}`}>Manifest</a></li>
          {transfer.artifacts.map((a) => (
            <li key={a.name}>
              <a href={href(a.name)} download aria-label={`Download ${a.name} of ${transfer.dealName}`}>{a.name}</a> <span className="muted">({Math.ceil(a.bytes / 1024)} KB)</span>
            </li>
          ))}
        </ul>
      ) : null}
      {transfer.status === 'COMPLETED' ? <button type="button" aria-label={`Verify the files of ${transfer.dealName}`} onClick={() => void verify()} disabled={action.busy}>Verify files</button> : null}
      {RUNNING.includes(transfer.status) ? <button type="button" className="danger" aria-label={`Cancel the transfer ${transfer.dealName}`} onClick={() => void cancel()} disabled={action.busy}>Cancel</button> : null}
      <span className="muted">{transfer.finishedAt ? `finished ${formatDate(transfer.finishedAt)}` : ''}</span>
      <Outcome ok={action.ok} error={action.error} />
    </div>
  );
}
