import type { Role } from './graphql-types';

/** The signed-in person, as GET /console/session says. */
export interface Session {
  actor: string;
  roles: Role[];
  expiresAt: string;
  csrfToken: string;
}

/** A refusal or failure in the gateway's own words (its error code and message). */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function loadSession(): Promise<Session | null> {
  const res = await fetch('/console/session', { credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) return null;
  if (!res.ok) throw new GatewayError(String(res.status), ((await res.json().catch(() => ({}))) as { message?: string }).message ?? 'the gateway did not answer');
  return (await res.json()) as Session;
}

export async function signInOptions(): Promise<{ provider: boolean }> {
  const res = await fetch('/console/sign-in-options', { credentials: 'same-origin' });
  return res.ok ? ((await res.json()) as { provider: boolean }) : { provider: false };
}

/**
 * Runs one GraphQL operation under the session: the cookie goes along, the CSRF token in its
 * header. Every rule is the gateway's; this only reports its answer.
 */
export async function gql<T>(session: Session, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | null;
  if (!body) throw new GatewayError(String(res.status), 'the gateway did not answer');
  if (body.errors?.length) {
    const code = body.errors[0]!.extensions?.code ?? 'ERROR';
    // The session ended (expired, signed out elsewhere): back to the sign-in page, not an error every poll.
    if (code === 'UNAUTHENTICATED') dispatchEvent(new Event(SIGNED_OUT));
    throw new GatewayError(code, body.errors.map((e) => e.message).join('; '));
  }
  return body.data as T;
}

export const SIGNED_OUT = 'drg:signed-out';

/** Most items a list page fetches (pages of the server's default size, in the API's order). */
export const LIST_LIMIT = 1000;

/**
 * Every item of a connection, page after page (the server's default page size, so a small
 * GRAPHQL_MAX_PAGE_SIZE is respected), up to LIST_LIMIT. `query` takes `$after: String` and
 * `pick` returns the connection from the answer.
 */
export interface Page<N> {
  edges: { node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export async function gqlAll<D, N>(session: Session, query: string, pick: (data: D) => Page<N>): Promise<{ items: N[]; truncated: boolean }> {
  const items: N[] = [];
  let after: string | null = null;
  for (;;) {
    const page = pick(await gql<D>(session, query, { after }));
    items.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { items, truncated: false };
    if (items.length >= LIST_LIMIT) return { items, truncated: true };
    after = page.pageInfo.endCursor;
  }
}

/** Ends the session on the server; throws (the session still stands) when the gateway refuses or does not answer. */
export async function signOut(session: Session): Promise<void> {
  const res = await fetch('/console/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': session.csrfToken } });
  if (!res.ok && res.status !== 401) throw new GatewayError(String(res.status), ((await res.json().catch(() => ({}))) as { message?: string }).message ?? 'sign-out failed');
}

export const hasRole = (session: Session, ...roles: Role[]): boolean => roles.some((r) => session.roles.includes(r));

/** "in 3 days", "2 days overdue": due dates count down on screen. */
export function dueIn(iso: string, now: number = Date.now()): string {
  const days = Math.round((Date.parse(iso) - now) / 86_400_000);
  if (days > 1) return `in ${days} days`;
  if (days === 1) return 'tomorrow';
  if (days === 0) return 'today';
  return `${-days} day${days === -1 ? '' : 's'} overdue`;
}

export const formatDate = (iso: string | null | undefined): string => (iso ? new Date(iso).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '—');
