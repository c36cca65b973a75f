import { useState, type FormEvent } from 'react';
import { gql, type Session } from '../api';
import type { UsageDimension, UsageReport } from '../graphql-types';
import { Field, Outcome, useAction } from '../ui';

type Report = Pick<UsageReport, 'dimensions' | 'k' | 'grandTotal' | 'suppressedCells' | 'sha256' | 'from' | 'until'> & {
  cells: { key: string[]; count: number | null }[];
  totals: { key: (string | null)[]; count: number | null }[];
};

const REPORT = `query Report($input: UsageReportInput!) { usageReport(input: $input) {
  dimensions k grandTotal suppressedCells sha256 from until cells { key count } totals { key count }
} }`;
const DIMENSIONS: { value: UsageDimension; label: string }[] = [
  { value: 'PAGE', label: 'Page' },
  { value: 'MONTH', label: 'Month' },
  { value: 'REGION', label: 'Region' },
  { value: 'BROWSER', label: 'Browser' },
  { value: 'DEVICE_TYPE', label: 'Device type' },
];
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Privacy operations: a usage report as a partner would get it, suppressed cells shown as suppressed. */
export function ReportsPage({ session }: { session: Session }) {
  const [dimensions, setDimensions] = useState<UsageDimension[]>(['PAGE']);
  const [from, setFrom] = useState(day(new Date(Date.now() - 365 * 86400_000)));
  const [until, setUntil] = useState(day(new Date(Date.now() + 86400_000)));
  const [k, setK] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const action = useAction();
  const toggle = (d: UsageDimension, on: boolean) => setDimensions((list) => (on ? [...list, d] : list.filter((x) => x !== d)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const input = { dimensions, from: new Date(`${from}T00:00:00Z`).toISOString(), until: new Date(`${until}T00:00:00Z`).toISOString(), ...(k ? { k: Number(k) } : {}) };
      const r = await gql<{ usageReport: Report }>(session, REPORT, { input });
      setReport(r.usageReport);
      return `Report built: ${r.usageReport.cells.length} cells, ${r.usageReport.suppressedCells} suppressed.`;
    });
  };
  const label = (d: UsageDimension) => DIMENSIONS.find((x) => x.value === d)?.label ?? d;
  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">Usage reports</h1>
      <p>Visit counts as a partner would receive them: cells under k, and cells the released totals would reveal, are suppressed. Building a report here shares nothing and records no disclosure.</p>
      <form onSubmit={submit} aria-labelledby="report-form-title">
        <h2 id="report-form-title">Build a report</h2>
        <fieldset>
          <legend>Count by (one to three)</legend>
          {DIMENSIONS.map((d) => (
            <label key={d.value} className="inline">
              <input type="checkbox" checked={dimensions.includes(d.value)} onChange={(e) => toggle(d.value, e.target.checked)} /> {d.label}
            </label>
          ))}
        </fieldset>
        <Field id="report-from" label="From (UTC, inclusive)"><input id="report-from" type="date" required value={from} onChange={(e) => setFrom(e.target.value)} /></Field>
        <Field id="report-until" label="Until (UTC, exclusive)"><input id="report-until" type="date" required value={until} onChange={(e) => setUntil(e.target.value)} /></Field>
        <Field id="report-k" label="Minimum cell size k (empty: the configured one; it may only be raised)"><input id="report-k" type="number" min={2} max={1000} value={k} onChange={(e) => setK(e.target.value)} /></Field>
        <button type="submit" disabled={action.busy || dimensions.length === 0 || dimensions.length > 3}>{action.busy ? 'Building…' : 'Build report'}</button>
        <Outcome ok={action.ok} error={action.error} />
      </form>
      {report ? (
        <>
          <CountTable
            caption={`Visits by ${report.dimensions.map(label).join(' × ')}, k = ${report.k}; grand total ${report.grandTotal ?? 'suppressed'}; ${report.suppressedCells} of ${report.cells.length} cells suppressed`}
            columns={report.dimensions.map(label)}
            rows={report.cells}
            markSuppressed
          />
          {report.totals.length ? <CountTable caption="Totals (“all” where a total runs over a dimension)" columns={report.dimensions.map(label)} rows={report.totals} /> : null}
          <p className="muted">SHA-256 of this report: <code>{report.sha256}</code></p>
        </>
      ) : null}
    </section>
  );
}

/** Cells or totals of a report: one column per dimension ("all" where a total runs over it), then the count or "suppressed". */
function CountTable({ caption, columns, rows, markSuppressed = false }: { caption: string; columns: string[]; rows: { key: (string | null)[]; count: number | null }[]; markSuppressed?: boolean }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => <th key={c} scope="col">{c}</th>)}
          <th scope="col">Visits</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key.map((v) => v ?? '*').join('\u0000')} data-suppressed={markSuppressed ? r.count === null : undefined}>
            {r.key.map((v, i) => <td key={i}>{v ?? 'all'}</td>)}
            <td>{r.count === null ? <span className="badge suppressed">suppressed</span> : r.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
