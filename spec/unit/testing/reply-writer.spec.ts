import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ReplySocket, ReplyWriter } from '../../../lib/testing/reply-writer.js';

class FakeSocket implements ReplySocket {
  destroyed = false;
  writes: string[] = [];
  resets = 0;
  write(bytes: Uint8Array, written?: () => void): boolean {
    this.writes.push(Buffer.from(bytes).toString());
    if (written) queueMicrotask(written);
    return true;
  }
  resetAndDestroy(): void {
    this.resets++;
    this.destroyed = true;
  }
}
const b = (s: string) => new TextEncoder().encode(s);

describe('ReplyWriter', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('writes plain replies at once, in order', () => {
    const s = new FakeSocket();
    const w = new ReplyWriter(s);
    w.write({ chunks: [b('A')] });
    w.write({ chunks: [b('B'), b('C')] });
    expect(s.writes).toEqual(['A', 'B', 'C']);
  });

  it('dribbles a slowloris reply and holds later replies behind it', () => {
    const s = new FakeSocket();
    const w = new ReplyWriter(s);
    w.write({ chunks: [b('12345')], dribble: { bytesPerWrite: 2, intervalMs: 10 } });
    w.write({ chunks: [b('next')] });
    expect(s.writes).toEqual(['12']);
    vi.advanceTimersByTime(10);
    expect(s.writes).toEqual(['12', '34']);
    vi.advanceTimersByTime(10);
    expect(s.writes).toEqual(['12', '34', '5']);
    vi.advanceTimersByTime(10);
    expect(s.writes).toEqual(['12', '34', '5', 'next']);
  });

  it('resets once the partial reply is written, and writes nothing after', async () => {
    const s = new FakeSocket();
    const w = new ReplyWriter(s);
    w.write({ chunks: [b('half')], resetAfter: true });
    w.write({ chunks: [b('later')] });
    await Promise.resolve();
    vi.advanceTimersByTime(50);
    expect(s.writes).toEqual(['half']);
    expect(s.resets).toBe(1);
  });

  it('close() stops the dribble: no timer left behind', () => {
    const s = new FakeSocket();
    const w = new ReplyWriter(s);
    w.write({ chunks: [b('123456')], dribble: { bytesPerWrite: 1, intervalMs: 10 } });
    w.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(100);
    expect(s.writes).toEqual(['1']);
  });
});
