import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from '../domain/errors';

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

/** A Relay connection type for a node type (type-graphql's generic-type pattern). */
export function ConnectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

export const DEFAULT_PAGE_SIZE = 20;

/** Checks a requested page size against the configured maximum. */
export function pageSize(first: number | null | undefined, max: number): number {
  const n = first ?? Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(n) || n < 0) throw badInput('first must be zero or a positive integer', { field: 'first' });
  if (n > max) throw badInput(`first must be at most ${max}`, { field: 'first' });
  return n;
}

/** Builds a page from rows fetched with one extra row (which only tells that there is more). */
export function toConnection<T>(rows: T[], take: number, cursorOf: (row: T) => string): Connection<T> {
  const page = rows.slice(0, take);
  const edges = page.map((node) => new LazyEdge(node, cursorOf));
  return { edges, pageInfo: new LazyPageInfo(rows.length > take, page[page.length - 1], cursorOf) };
}

/** An edge whose cursor is encoded only if a client asks for it (most pages never do). */
class LazyEdge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (row: T) => string,
  ) {}

  get cursor(): string {
    return this.cursorOf(this.node);
  }
}

class LazyPageInfo<T> {
  constructor(
    readonly hasNextPage: boolean,
    private readonly last: T | undefined,
    private readonly cursorOf: (row: T) => string,
  ) {}

  get endCursor(): string | null {
    return this.last === undefined ? null : this.cursorOf(this.last);
  }
}

/**
 * One page of rows in id order after an id cursor, as a connection: the query builder carries
 * the filters, this adds the keyset condition, the order and the one extra row.
 */
export async function idPage<T extends ObjectLiteral & { id: number }>(
  qb: SelectQueryBuilder<T>,
  args: { first?: number | null; after?: string | null },
  maxPageSize: number,
  /** Builds a node from the raw row (columns as `<alias>_<column>`), instead of TypeORM's hydration. */
  fromRaw?: (row: Record<string, unknown>) => T,
): Promise<Connection<T>> {
  const take = pageSize(args.first, maxPageSize);
  const afterId = decodeIdCursor(args.after);
  if (take === 0) return toConnection([], 0, () => '');
  if (afterId !== null) qb.andWhere(`${qb.alias}.id > :afterId`, { afterId });
  qb.orderBy(`${qb.alias}.id`, 'ASC').limit(take + 1);
  const rows = fromRaw ? (await qb.getRawMany<Record<string, unknown>>()).map(fromRaw) : await qb.getMany();
  return toConnection(rows, take, (r) => encodeIdCursor(r.id));
}

// Cursors are opaque to clients: base64url of a small, versioned string.
export const encodeIdCursor = (id: number): string => Buffer.from(`id:${id}`).toString('base64url');

export function decodeIdCursor(cursor: string | null | undefined): number | null {
  if (cursor == null) return null;
  const m = /^id:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw badInput('after is not a cursor this API issued', { field: 'after' });
  return Number(m[1]);
}

export const encodeTimeCursor = (at: Date, id: number): string => Buffer.from(`t:${at.getTime()}:${id}`).toString('base64url');

export function decodeTimeCursor(cursor: string | null | undefined): { occurredAt: Date; id: number } | null {
  if (cursor == null) return null;
  const m = /^t:(\d{1,15}):(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw badInput('after is not a cursor this API issued', { field: 'after' });
  return { occurredAt: new Date(Number(m[1])), id: Number(m[2]) };
}

/** GraphQL IDs are strings; ours are positive integers. */
export function parseId(id: string, what: string): number {
  if (!/^[1-9]\d{0,9}$/.test(id) || Number(id) > 4294967295) throw badInput(`${what} id "${id.slice(0, 40)}" is not valid`, { field: 'id' });
  return Number(id);
}

export { Int };
