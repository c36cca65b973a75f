import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { GatewayError } from './api';

/** Loads data, reloads it every `everyMs` (0: never), and reports failures in the gateway's words. */
export function usePolling<T>(load: () => Promise<T>, everyMs: number): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => {
    loadRef.current().then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useEffect(() => {
    reload();
    if (!everyMs) return;
    const timer = setInterval(reload, everyMs);
    return () => clearInterval(timer);
  }, [reload, everyMs]);
  return { data, error, reload };
}

/** An action's outcome, announced to screen readers (role=status / role=alert). */
export function Outcome({ ok, error }: { ok: string | null; error: string | null }) {
  return (
    <>
      <p role="status" className="ok">{ok ?? ''}</p>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** Runs an action, keeping its busy state and its outcome in words. */
export function useAction(): { busy: boolean; ok: string | null; error: string | null; run: (what: () => Promise<string>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [ok, setOk] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (what: () => Promise<string>) => {
    setBusy(true);
    setOk(null);
    setError(null);
    try {
      setOk(await what());
    } catch (e) {
      setError(e instanceof GatewayError ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, ok, error, run };
}

export function Field({ id, label, children, hint }: { id: string; label: string; children: ReactNode; hint?: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
}
