import { describe, expect, it } from 'vitest';
import type { ByteStream } from '../../../lib/transport/byte-stream.js';
import { FrameQueue } from '../../../lib/transport/frame-queue.js';

/** A stream whose write returns what the script says, recording every write. */
function stream(results: boolean[]) {
  const written: number[] = [];
  const s = {
    write: (data: Uint8Array) => {
      written.push(data[0]!);
      return results.shift() ?? true;
    },
    cork: () => {},
    uncork: () => {},
  } as unknown as ByteStream;
  return { s, written };
}
const item = (n: number, size = 10) => ({ frame: new Uint8Array(size).fill(n) as Uint8Array | undefined });

describe('FrameQueue', () => {
  it('writes in order, each once, stops when write returns false, skips dropped items', () => {
    const q = new FrameQueue<ReturnType<typeof item>>();
    const items = [1, 2, 3, 4].map((n) => item(n));
    for (const i of items) q.push(i);
    expect(q.bytes).toBe(40);
    expect(q.drop(items[2]!)).toBe(true);
    const { s, written } = stream([true, false]);
    expect(q.writeTo(s)).toBe(true); // blocked after the second (which the stream holds)
    expect(written).toEqual([1, 2]);
    expect(q.bytes).toBe(10);
    expect(q.drop(items[1]!)).toBe(false); // already written
    expect(q.writeTo(s)).toBe(false);
    expect(written).toEqual([1, 2, 4]);
    expect(q.isEmpty).toBe(true);
  });

  it('takeUnwritten() removes the waiting items only', () => {
    const q = new FrameQueue<ReturnType<typeof item>>();
    const items = [1, 2, 3].map((n) => item(n));
    for (const i of items) q.push(i);
    q.writeTo(stream([false]).s);
    expect(q.takeUnwritten()).toEqual([items[1], items[2]].map(() => ({ frame: undefined })));
    expect(q.bytes).toBe(0);
  });
});
