import { randomUUID } from 'node:crypto';
import type { AccessLogRow, AccessLogWriter } from '../../domain/access-log.service';

/**
 * Collects, during one request, whoever makes it, which people's data it returned and in which
 * categories, and hands them to the access log's group commit as soon as the field resolvers
 * of a turn of the event loop have noted them: the INSERT then runs while the request's other
 * statements (consents, disclosures) do, instead of after them. `settle()` writes what is left
 * and resolves only when every row of the request is committed; the response waits for it.
 * A person whose fields are noted in two turns (a user reached again deeper in the query) keeps
 * one row: the later write carries every category so far and replaces the earlier one's.
 */
export class AccessRecorder {
  private readonly requestId = randomUUID();
  private pending = new Map<number, Set<string>>();
  private readonly written = new Map<number, Set<string>>();
  private readonly writes: Promise<void>[] = [];
  private scheduled = false;
  private sink: { writer: AccessLogWriter; actor: string; role: string; purpose: string | null } | null = null;

  /** Starts writing for this request (every request with a token). */
  start(writer: AccessLogWriter, actor: string, role: string, purpose: string | null): void {
    this.sink = { writer, actor, role, purpose };
  }

  note(subjectId: number, category: string): void {
    if (this.written.get(subjectId)?.has(category)) return;
    let set = this.pending.get(subjectId);
    if (!set) {
      set = new Set();
      this.pending.set(subjectId, set);
    }
    set.add(category);
    if (this.sink && !this.scheduled) {
      this.scheduled = true;
      // After the resolvers of this turn (a whole page of users) have noted their fields.
      setImmediate(() => this.flush());
    }
  }

  /** People noted so far (written or not). */
  get size(): number {
    return new Set([...this.pending.keys(), ...this.written.keys()]).size;
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.sink || this.pending.size === 0) return;
    const at = new Date();
    const rows: AccessLogRow[] = [];
    for (const [subjectId, categories] of this.pending) {
      const done = this.written.get(subjectId) ?? new Set<string>();
      for (const c of categories) done.add(c);
      this.written.set(subjectId, done);
      rows.push({ requestId: this.requestId, actor: this.sink.actor, role: this.sink.role, purpose: this.sink.purpose, subjectId, categories: [...done], accessedAt: at });
    }
    this.pending = new Map();
    const write = this.sink.writer.write(rows);
    // Observed here so that a failure is never unhandled; settle() reports it.
    write.catch(() => undefined);
    this.writes.push(write);
  }

  /** Writes what is left; resolves once every row of the request is committed, rejects if one failed. */
  async settle(): Promise<void> {
    this.flush();
    await Promise.all(this.writes);
  }
}
