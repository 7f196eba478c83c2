import type { Connection } from './connection.js';
import type { ConnectionEntry } from './connection-entry.js';
import { connectionErrors } from './connection-errors.js';

/**
 * The connection's one deadline timer fired at `now`: fails the requests whose deadline has come with a retryable
 * `ERR_REQUEST_TIMEOUT` (in send order, in a loop — never nested), and returns the next deadline (the timer re-arms
 * for it; infinity when none).
 */
export function expireDue(c: Connection, now: number): number {
  let next = Number.POSITIVE_INFINITY;
  let due: ConnectionEntry[] | undefined;
  c.pending.forEach((entry) => {
    if (entry.deadline <= now) (due ??= []).push(entry);
    else if (entry.deadline < next) next = entry.deadline;
  });
  if (due === undefined) return next;
  if (due.length > 1) due.sort((a, b) => a.sequence - b.sequence);
  for (const entry of due) {
    if (c.pending.get(entry.sequence) === entry) {
      c.abandon(
        entry,
        connectionErrors.timeout(c.nodeId, c.id, entry.sequence, entry.deadline, now, entry.sentAt),
      );
    }
  }
  return next;
}
