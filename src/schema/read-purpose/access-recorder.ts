import { randomUUID } from 'node:crypto';
import type { AccessLogRow } from '../../domain/access-log.service';

/**
 * Collects, during one request, which people's data it returned and in which categories. The
 * HTTP layer turns it into access-log rows and waits for them to be committed before answering.
 */
export class AccessRecorder {
  private readonly bySubject = new Map<number, Set<string>>();

  note(subjectId: number, category: string): void {
    let set = this.bySubject.get(subjectId);
    if (!set) {
      set = new Set();
      this.bySubject.set(subjectId, set);
    }
    set.add(category);
  }

  get size(): number {
    return this.bySubject.size;
  }

  rows(actor: string, purpose: string, at = new Date()): AccessLogRow[] {
    const requestId = randomUUID();
    return [...this.bySubject].map(([subjectId, categories]) => ({ requestId, actor, purpose, subjectId, categories: [...categories], accessedAt: at }));
  }
}
