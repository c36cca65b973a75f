import { StrictMode, useEffect, useState, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { hasRole, loadSession, signInOptions, signOut, SIGNED_OUT, type Session } from './api';
import type { Role } from './graphql-types';
import { AuditPage } from './pages/audit.page';
import { HoldsPage } from './pages/holds.page';
import { ReportsPage } from './pages/reports.page';
import { RequestsPage } from './pages/requests.page';
import { TransfersPage } from './pages/transfers.page';
import './console.css';

/**
 * The console: no rules of its own. Each page runs GraphQL operations under the signed-in
 * person's roles; the gateway's type policy, audit and errors apply as to any caller, and a page
 * or action the roles cannot use is not offered.
 */
interface Page {
  path: string;
  title: string;
  roles: Role[];
  render: (session: Session) => ReactElement;
}

const PAGES: Page[] = [
  { path: '/console/holds', title: 'Legal holds', roles: ['LEGAL', 'PRIVACY_OPS', 'ADMIN'], render: (s) => <HoldsPage session={s} /> },
  { path: '/console/requests', title: 'Requests', roles: ['PRIVACY_OPS', 'LEGAL', 'ADMIN'], render: (s) => <RequestsPage session={s} /> },
  { path: '/console/transfers', title: 'Business transfers', roles: ['MNA', 'ADMIN'], render: (s) => <TransfersPage session={s} /> },
  { path: '/console/reports', title: 'Usage reports', roles: ['PRIVACY_OPS', 'ADMIN'], render: (s) => <ReportsPage session={s} /> },
  { path: '/console/audit', title: 'Audit', roles: ['LEGAL', 'PRIVACY_OPS', 'ADMIN'], render: (s) => <AuditPage session={s} /> },
];

function navigate(path: string) {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [provider, setProvider] = useState(false);
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    loadSession().then(setSession, () => setSession(null));
    signInOptions().then((o) => setProvider(o.provider), () => undefined);
    const onPop = () => setPath(location.pathname);
    const onSignedOut = () => setSession(null);
    addEventListener('popstate', onPop);
    addEventListener(SIGNED_OUT, onSignedOut);
    return () => {
      removeEventListener('popstate', onPop);
      removeEventListener(SIGNED_OUT, onSignedOut);
    };
  }, []);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const title = session ? PAGES.find((p) => p.path === path.replace(/\/$/, '') && hasRole(session, ...p.roles))?.title : undefined;
  // A new page: its name in the tab, and focus at its start, as a page load would give.
  useEffect(() => {
    document.title = `${title ? `${title} – ` : ''}data-rights-gateway console`;
    if (session) document.getElementById('main')?.focus();
  }, [path, title, session]);
  if (session === undefined) return <main><p>Loading…</p></main>;
  if (session === null)
    return (
      <main aria-labelledby="signin-title">
        <h1 id="signin-title">data-rights-gateway console</h1>
        <p>You are not signed in.</p>
        {provider ? <p><a href="/console/login">Sign in with your company account</a></p> : <p>Open the one-time sign-in link that <code>npm start</code> printed.</p>}
      </main>
    );
  const pages = PAGES.filter((p) => hasRole(session, ...p.roles));
  const page = pages.find((p) => p.path === path.replace(/\/$/, ''));
  return (
    <>
      <header>
        <a className="skip" href="#main">Skip to the page</a>
        <nav aria-label="Console">
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <a href={p.path} aria-current={p === page ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(p.path); }}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p className="who">
          Signed in as <strong>{session.actor}</strong> ({session.roles.join(', ')}){' '}
          <button type="button" onClick={() => void signOut(session).then(() => setSession(null), (e: Error) => setSignOutError(`Sign-out failed, you are still signed in: ${e.message}`))}>Sign out</button>
        </p>
        {signOutError ? <p role="alert" className="error">{signOutError}</p> : null}
      </header>
      <main id="main" tabIndex={-1}>
        {page ? page.render(session) : (
          <section aria-labelledby="home-title">
            <h1 id="home-title">data-rights-gateway console</h1>
            <p>Signed in as <strong>{session.actor}</strong> with the roles {session.roles.join(', ')}.</p>
            {pages.length ? <p>Choose a page above.</p> : <p>Your roles open no page of this console.</p>}
          </section>
        )}
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
