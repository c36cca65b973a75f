import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from '../domain/errors';

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in its list (Relay cursor connections): pass endCursor as `after` to get the next page.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when the page was asked for `after` a cursor, so items may come before it (this API pages forward only and does not count them).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "The first item's cursor; null on an empty page." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "The last item's cursor, the `after` of the next page; null on an empty page." })
  endCursor!: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

/** A Relay connection type for a node type (type-graphql's generic-type pattern). */
export function ConnectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} in a page, with its cursor.` })
  class Edge {
    @Field({ description: 'An opaque position in the list: pass it as `after` to start the next page after this item.' })
    cursor!: string;

    @Field(() => node, { description: `The ${name}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `A page of ${name} items (Relay cursor connection), in the list's fixed order.` })
  class ConnectionClass {
    @Field(() => [Edge], { description: 'The items of this page, at most `first` of them.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Whether more pages follow or precede, and the cursors to reach them.' })
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

/**
 * Builds a page from rows fetched with one extra row (which only tells that there is more).
 * `after`: the cursor the page was asked for after, if any (then items precede it).
 */
export function toConnection<T>(rows: T[], take: number, cursorOf: (row: T) => string, after?: string | null): Connection<T> {
  const page = rows.slice(0, take);
  const edges = page.map((node) => new LazyEdge(node, cursorOf));
  return { edges, pageInfo: new LazyPageInfo(rows.length > take, after != null, page[0], page[page.length - 1], cursorOf) };
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
    readonly hasPreviousPage: boolean,
    private readonly first: T | undefined,
    private readonly last: T | undefined,
    private readonly cursorOf: (row: T) => string,
  ) {}

  get startCursor(): string | null {
    return this.first === undefined ? null : this.cursorOf(this.first);
  }

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
  if (take === 0) return toConnection([], 0, () => '', args.after);
  if (afterId !== null) qb.andWhere(`${qb.alias}.id > :afterId`, { afterId });
  qb.orderBy(`${qb.alias}.id`, 'ASC').limit(take + 1);
  const rows = fromRaw ? (await qb.getRawMany<Record<string, unknown>>()).map(fromRaw) : await qb.getMany();
  return toConnection(rows, take, (r) => encodeIdCursor(r.id), args.after);
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
