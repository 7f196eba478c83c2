import { describeEvent, type LogKind } from './describe-event.js';
import type { FeedEvent, LogLine } from './feed-types.js';

/** Options of {@link EventLog}. */
export interface EventLogOptions {
  /** Lines kept. @defaultValue 200 */
  readonly max?: number;
  /** An event like a line touched within this window folds into it. @defaultValue 60000 */
  readonly foldMs?: number;
  /** New lines per wall-clock second; events beyond that are counted on one "not itemised" line. @defaultValue 20 */
  readonly maxNewLinesPerSecond?: number;
}

const neverFold = new Set<string>(['status', 'fault', 'heal', 'slow']);

/**
 * The dashboard's event log, kept by the server so a reloaded page gets it back. Events like a recent line (same
 * key, within `foldMs`) fold into it (count, last time, moved to the top); status changes and injected faults
 * always get a line of their own. Folding is exact; only new lines are capped per second: beyond the cap the
 * events are counted on a `sampling` line that says so. `takeChanged()` hands the lines changed since its last
 * call to the feed.
 */
export class EventLog {
  private readonly max: number;
  private readonly foldMs: number;
  private readonly maxNew: number;
  private list: LogLine[] = [];
  private changed = new Map<number, LogLine>();
  private nextId = 1;
  private second = 0;
  private newThisSecond = 0;

  constructor(options: EventLogOptions = {}) {
    this.max = options.max ?? 200;
    this.foldMs = options.foldMs ?? 60_000;
    this.maxNew = options.maxNewLinesPerSecond ?? 20;
  }

  /** Lines, newest first. */
  get lines(): readonly LogLine[] {
    return this.list;
  }

  /** Adds one event seen at wall-clock `now` (ms). */
  add(e: FeedEvent, now: number): void {
    const d = describeEvent(e);
    if (!neverFold.has(d.kind)) {
      const i = this.list.findIndex((l) => l.key === d.key && now - l.last <= this.foldMs);
      if (i >= 0) {
        this.bump(i, now);
        return;
      }
    }
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.newThisSecond = 0;
    }
    if (++this.newThisSecond > this.maxNew && !neverFold.has(d.kind)) {
      const i = this.list.findIndex((l) => l.kind === 'sampling' && now - l.last <= this.foldMs);
      if (i >= 0) this.bump(i, now);
      else
        this.insert({
          key: 'sampling',
          kind: 'sampling',
          text: `events not itemised: more than ${this.maxNew} new kinds of event a second (the count says how many)`,
          now,
        });
      return;
    }
    this.insert({ ...d, now, nodeId: typeof e.nodeId === 'number' ? e.nodeId : undefined });
  }

  /** Lines added or changed since the previous call. */
  takeChanged(): LogLine[] {
    const out = [...this.changed.values()];
    this.changed = new Map();
    return out;
  }

  private bump(i: number, now: number): void {
    const old = this.list[i]!;
    const line: LogLine = { ...old, count: old.count + 1, last: now };
    this.list.splice(i, 1);
    this.list.unshift(line);
    this.changed.set(line.id, line);
  }

  private insert(d: { key: string; kind: LogKind; text: string; now: number; nodeId?: number }): void {
    const line: LogLine = {
      id: this.nextId++,
      key: d.key,
      kind: d.kind,
      text: d.text,
      count: 1,
      first: d.now,
      last: d.now,
      ...(d.nodeId === undefined ? {} : { nodeId: d.nodeId }),
    };
    this.list.unshift(line);
    if (this.list.length > this.max) this.list.length = this.max;
    this.changed.set(line.id, line);
  }
}
