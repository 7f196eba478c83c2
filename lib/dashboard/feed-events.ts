import type { FeedEvent, FeedHealth, FeedStats } from './feed-types.js';
import { healthWords } from './health-words.js';

/** One line of the dashboard's event log: repeated events fold into one line with a count. Browser-safe. */
export interface LogLine {
  /** What makes two events "the same": type, node, code, reason. */
  readonly key: string;
  readonly text: string;
  /** `status` lines (a node changed status) stand out and never fold. */
  readonly kind: 'status' | 'retry' | 'failure' | 'connection';
  count: number;
  /** Wall-clock ms of the first and the latest event folded here. */
  first: number;
  last: number;
}

/** A feed message's JSON if it has the expected shape, else undefined (bad data is skipped, never thrown). */
export function parseFeed(
  event: string,
  data: string,
): FeedHealth | FeedStats | readonly FeedStats[] | FeedEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (event === 'history') return Array.isArray(value) ? (value as FeedStats[]) : undefined;
  if (event === 'health' || event === 'stats')
    return Array.isArray((value as FeedHealth).nodes) ? (value as FeedHealth | FeedStats) : undefined;
  if (event === 'event')
    return typeof (value as FeedEvent).type === 'string' ? (value as FeedEvent) : undefined;
  return undefined;
}

/** An event in words, with its fold key and kind. */
export function describeEvent(e: FeedEvent): Pick<LogLine, 'key' | 'text' | 'kind'> {
  const node = typeof e.nodeId === 'number' ? `node ${e.nodeId}` : undefined;
  const code = typeof e.code === 'string' ? e.code : '';
  const key = [e.type, e.nodeId ?? '', code, e.reason ?? '', e.status ?? ''].join('|');
  switch (e.type) {
    case 'nodeStatusChanged':
      return {
        key: `${key}|${e.at}`,
        kind: 'status',
        text: `${node}: ${e.previous} → ${e.status} — ${healthWords(String(e.status), String(e.reason), 0, false)}`,
      };
    case 'retryScheduled':
      return {
        key,
        kind: 'retry',
        text: `retry: an attempt${node ? ` on ${node}` : ''} failed with ${code}`,
      };
    case 'requestFailed':
      return { key, kind: 'failure', text: `request failed: ${code}${node ? ` (last tried ${node})` : ''}` };
    case 'connectFailed':
      return { key, kind: 'connection', text: `${node}: could not connect (${code})` };
    case 'connectionClosed':
      return { key, kind: 'connection', text: `${node}: a connection closed (${String(e.reason)})` };
    case 'connectionCreated':
      return { key, kind: 'connection', text: `${node}: connection opened` };
    case 'heartbeatFailed':
      return { key, kind: 'failure', text: `${node}: heartbeat ping failed (${code})` };
    case 'nodeEjected':
      return { key, kind: 'status', text: `${node}: taken out by request failures (ejected)` };
    default:
      return { key, kind: 'connection', text: `${e.type}${node ? ` ${node}` : ''}` };
  }
}

/**
 * Adds an event to the log (newest first): an event like one of the recent lines (same key, within `foldMs`)
 * bumps that line's count and moves it to the top; status changes always get a line of their own. Keeps at
 * most `max` lines.
 */
export function foldEvent(
  lines: LogLine[],
  e: FeedEvent,
  now: number,
  foldMs = 60_000,
  max = 100,
): LogLine[] {
  const d = describeEvent(e);
  const i = d.kind === 'status' ? -1 : lines.findIndex((l) => l.key === d.key && now - l.last <= foldMs);
  if (i >= 0) {
    const line = lines[i]!;
    line.count++;
    line.last = now;
    return [line, ...lines.slice(0, i), ...lines.slice(i + 1)];
  }
  return [{ ...d, count: 1, first: now, last: now }, ...lines].slice(0, max);
}
