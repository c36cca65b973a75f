import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { GatewayError } from './api';

/**
 * Loads data, then again `everyMs` after each answer (0: once), never two requests at a time and
 * never after unmount; an answer that arrives after a newer request started is dropped. A failed
 * poll keeps the last data on screen and reports the failure in the gateway's words.
 */
export function usePolling<T>(load: () => Promise<T>, everyMs: number): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const alive = useRef(true);
  const reload = useCallback(() => {
    clearTimeout(timer.current);
    const mine = ++seq.current;
    loadRef.current().then(
      (d) => {
        if (mine !== seq.current || !alive.current) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => {
        if (mine !== seq.current || !alive.current) return;
        setError(e instanceof Error ? e.message : String(e));
      },
    ).finally(() => {
      if (mine === seq.current && alive.current && everyMs) timer.current = setTimeout(reload, everyMs);
    });
  }, [everyMs]);
  useEffect(() => {
    alive.current = true;
    reload();
    return () => {
      alive.current = false;
      seq.current += 1;
      clearTimeout(timer.current);
    };
  }, [reload]);
  return { data, error, reload };
}

/** A failed refresh, said once and quietly (the data on screen stays). */
export function PollError({ error }: { error: string | null }) {
  return error ? <p role="status" className="error">Could not refresh: {error}</p> : null;
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
