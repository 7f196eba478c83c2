import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { MemoryStream } from '../../../lib/testing/memory-stream.js';

function setup(highWaterMark = 10, latencyMs = 5) {
  const scheduler = new VirtualTimeScheduler();
  const [a, b] = MemoryStream.pair({ scheduler, highWaterMark, latencyMs, record: true });
  const log: string[] = [];
  b.on('data', (chunk: Uint8Array) => log.push(`b.data:${chunk.length}@${scheduler.now()}`));
  a.on('drain', () => log.push(`a.drain@${scheduler.now()}`));
  a.on('close', () => log.push(`a.close@${scheduler.now()}`));
  b.on('close', () => log.push(`b.close@${scheduler.now()}`));
  return { scheduler, a, b, log };
}

describe('MemoryStream', () => {
  it('delivers after latencyMs; write returns false from the high-water mark on, drain after delivery', () => {
    const { scheduler, a, log } = setup();
    expect(a.write(new Uint8Array(4))).toBe(true);
    expect(a.write(new Uint8Array(6))).toBe(false);
    expect(a.writableLength).toBe(10);
    advanceTo(scheduler, 4);
    expect(log).toEqual([]);
    advanceTo(scheduler, 5);
    expect(log).toEqual(['b.data:10@5', 'a.drain@5']);
    expect(a.writableLength).toBe(0);
    expect(a.written.map((c) => c.length)).toEqual([4, 6]);
  });

  it('a paused reader takes nothing: the buffer grows and no drain comes until it resumes', () => {
    const { scheduler, a, b, log } = setup();
    b.pause();
    a.write(new Uint8Array(20));
    a.write(new Uint8Array(20));
    advanceTo(scheduler, 100);
    expect(log).toEqual([]);
    expect(a.writableLength).toBe(40);
    b.resume();
    advanceTo(scheduler, 105);
    expect(log).toEqual(['b.data:40@105', 'a.drain@105']);
  });

  it('cork holds writes back until uncork; one chunk per delivery', () => {
    const { scheduler, a, log } = setup(100, 0);
    a.cork();
    a.write(new Uint8Array(1));
    a.write(new Uint8Array(2));
    advanceTo(scheduler, 10);
    expect(log).toEqual([]);
    a.uncork();
    advanceTo(scheduler, 10);
    expect(log).toEqual(['b.data:3@10']);
  });

  it('destroy closes both ends (undelivered bytes lost); end closes after delivering', () => {
    const first = setup();
    first.a.write(new Uint8Array(3));
    first.a.destroy();
    expect(first.a.write(new Uint8Array(1))).toBe(false);
    advanceTo(first.scheduler, 50);
    expect(first.log).toEqual(['a.close@0', 'b.close@0']);
    const second = setup();
    second.a.write(new Uint8Array(3));
    second.a.end();
    advanceTo(second.scheduler, 50);
    expect(second.log).toEqual(['b.data:3@5', 'a.close@5', 'b.close@5']);
  });
});
