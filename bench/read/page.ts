import { createHash } from 'node:crypto';

/**
 * The read benchmark's one operation, shared by the parent (client) and every variant: a page
 * of users with their consents and their newest disclosures, each with its categories and
 * recipient. All variants get the same request body; the floor reads only its variables.
 */
export const PAGE_QUERY = `query Page($first: Int!, $after: String) {
  users(first: $first, after: $after) {
    edges { node {
      id name email
      consents { purpose status }
      disclosures(first: 10) { edges { node { id purpose occurredAt categories { key } recipient { id name } } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Disclosures per user in PAGE_QUERY. */
export const DISCLOSURES_PER_USER = 10;

export interface PageVariables {
  first: number;
  after: string | null;
}

export interface PageUser {
  id: string;
  name: string | null;
  email: string | null;
  consents: { purpose: string; status: string }[];
  disclosures: {
    edges: { node: { id: string; purpose: string; occurredAt: string; categories: { key: string }[]; recipient: { id: string; name: string } } }[];
  };
}

export interface PageResponse {
  data?: { users: { edges: { node: PageUser }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null;
  errors?: { message: string }[];
}

/** The same cursor format as src/schema/pagination.ts encodeIdCursor (kept local: the floor must not load the schema). */
export const encodeIdCursor = (id: number): string => Buffer.from(`id:${id}`).toString('base64url');

export function decodeIdCursor(cursor: string | null | undefined): number | null {
  if (cursor == null) return null;
  const m = /^id:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new Error('after is not a cursor this API issued');
  return Number(m[1]);
}

/**
 * The i-th page of the sequence: a random `after` over the whole id range, the same for every
 * variant (a pure function of the index, so clients can take indexes in any order).
 */
export function pageAt(i: number, maxId: number, first: number): PageVariables {
  // splitmix32-style hash of the index: uniform and stateless.
  let x = (i + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  const afterId = x % maxId;
  return { first, after: afterId === 0 ? null : encodeIdCursor(afterId) };
}

/** The request body every variant receives for a page. */
export function pageBody(vars: PageVariables): string {
  return JSON.stringify({ query: PAGE_QUERY, variables: vars });
}

/**
 * The compared projection of a response: user id, name, email; consents purpose and status;
 * disclosures id, purpose, occurredAt, category keys, recipient id and name; the page info.
 * List order is part of the contract (users by id, consents by purpose, disclosures newest
 * first, categories by key), so lists are compared in order and only object keys are sorted.
 */
export function normalizePage(body: PageResponse): unknown {
  if (body.errors?.length) throw new Error(`the response has errors: ${body.errors.map((e) => e.message).join('; ')}`);
  const users = body.data?.users;
  if (!users) throw new Error('the response has no data.users');
  return {
    pageInfo: { hasNextPage: users.pageInfo.hasNextPage, endCursor: users.pageInfo.endCursor },
    users: users.edges.map(({ node: u }) => ({
      id: String(u.id),
      name: u.name,
      email: u.email,
      consents: u.consents.map((c) => ({ purpose: c.purpose, status: c.status })),
      disclosures: u.disclosures.edges.map(({ node: d }) => ({
        id: String(d.id),
        purpose: d.purpose,
        occurredAt: new Date(d.occurredAt).toISOString(),
        categories: d.categories.map((c) => c.key),
        recipient: { id: String(d.recipient.id), name: d.recipient.name },
      })),
    })),
  };
}

/** JSON with object keys sorted at every level, so equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function pageHash(body: PageResponse): string {
  return createHash('sha256').update(canonicalJson(normalizePage(body))).digest('hex');
}

/** Where two normalized pages first differ, for the error message. */
export function firstDifference(a: unknown, b: unknown, at = '$'): string | null {
  if (canonicalJson(a) === canonicalJson(b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: ${a.length} items vs ${b.length}`;
    for (let i = 0; i < a.length; i += 1) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: ${canonicalJson(a).slice(0, 200)} vs ${canonicalJson(b).slice(0, 200)}`;
}
