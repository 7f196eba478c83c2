import { describe, expect, it } from 'vitest';
import { FanOut } from '../../../lib/router/fan-out.js';

describe('FanOut', () => {
  it('tells every subscriber present at notify(), not those who left', () => {
    const fan = new FanOut();
    const seen: string[] = [];
    const a = fan.changes$.subscribe(() => seen.push('a'));
    fan.changes$.subscribe(() => seen.push('b'));
    fan.notify();
    a.unsubscribe();
    fan.notify();
    expect(seen).toEqual(['a', 'b', 'b']);
    expect(fan.size).toBe(1);
  });

  it('a subscriber that joins during notify() waits for the next one; one that leaves during it is not told', () => {
    const fan = new FanOut();
    const seen: string[] = [];
    let late: { unsubscribe(): void } | undefined;
    const first = fan.changes$.subscribe(() => {
      seen.push('first');
      late ??= fan.changes$.subscribe(() => seen.push('late'));
      second.unsubscribe();
    });
    const second = fan.changes$.subscribe(() => seen.push('second'));
    fan.notify();
    expect(seen).toEqual(['first']);
    fan.notify();
    expect(seen).toEqual(['first', 'first', 'late']);
    first.unsubscribe();
    late?.unsubscribe();
    expect(fan.size).toBe(0);
  });

  it('200,000 subscribers leave one by one, oldest first, with nothing left (a Subject would splice 2e10 times)', () => {
    const fan = new FanOut();
    const subs = Array.from({ length: 200_000 }, () => fan.changes$.subscribe(() => {}));
    let told = 0;
    const counter = fan.changes$.subscribe(() => told++);
    fan.notify();
    for (const s of subs) s.unsubscribe();
    fan.notify();
    counter.unsubscribe();
    expect(told).toBe(2);
    expect(fan.size).toBe(0);
  });
});
