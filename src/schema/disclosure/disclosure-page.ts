import type { DisclosurePageArgs } from '../loaders/disclosure.loader';
import { decodeTimeCursor, encodeTimeCursor, pageSize, toConnection, type Connection } from '../pagination';
import { badInput } from '../../domain/errors';
import type { DisclosureType, DisclosurePageArgsInput } from './disclosure.type';
import type { Disclosure } from '../../entities/disclosure.entity';

/** Turns page arguments into loader arguments, and a key that groups parents asking alike. */
export function disclosurePageArgs(args: DisclosurePageArgsInput, maxPageSize: number): { loaderArgs: DisclosurePageArgs; key: string; take: number } {
  const take = pageSize(args.first, maxPageSize);
  if (args.since && args.until && args.since >= args.until) throw badInput('since must be before until', { field: 'since' });
  const loaderArgs: DisclosurePageArgs = {
    take: take + 1,
    after: decodeTimeCursor(args.after),
    purpose: args.purpose ?? null,
    since: args.since ?? null,
    until: args.until ?? null,
  };
  const key = [take, args.after ?? '', args.purpose ?? '', args.since?.getTime() ?? '', args.until?.getTime() ?? ''].join('|');
  return { loaderArgs, key, take };
}

export function disclosureConnection(rows: Disclosure[], take: number, after?: string | null): Connection<DisclosureType> {
  return toConnection(rows, take, (d) => encodeTimeCursor(d.occurredAt, d.id), after);
}
