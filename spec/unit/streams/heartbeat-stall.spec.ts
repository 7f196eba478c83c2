import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { heartbeat, type ProbeSample } from '../../../lib/streams/heartbeat.js';
import { StallClock } from '../../support/stall-clock.js';

// The heartbeat after a stall of the client's event loop (the fair-chance rule, docs/api.md): a ping timeout
// that fires late judges after one more turn, and a ping whose time the stall ate gets its whole time again.
describe('heartbeat after a client stall', () => {
  it('a ping whose timeout a 1500 ms stall ate is given its time again: the pong just after the stall counts', () => {
    const clock = new StallClock();
    const pong = new Subject<true>();
    const samples: ProbeSample[] = [];
    const sub = heartbeat(() => pong, { intervalMs: 10_000, timeoutMs: 500, scheduler: clock }).subscribe(
      (s) => samples.push(s),
    );
    clock.run(100);
    clock.stall(1500); // 100 → 1600: the ping's timeout (due 500) fires 1100 ms late
    clock.virtual.schedule(() => pong.next(true), 50); // the pong, read 50 ms after the stall
    clock.run(1700);
    expect(samples).toEqual([{ ok: true, at: 0, rttMs: 1650 }]);
    sub.unsubscribe();
  });

  it('a node that stays silent still fails the probe: one timeout later than without the stall', () => {
    const clock = new StallClock();
    const samples: ProbeSample[] = [];
    const sub = heartbeat(() => new Subject<true>(), {
      intervalMs: 10_000,
      timeoutMs: 500,
      scheduler: clock,
    }).subscribe((s) => samples.push(s));
    clock.run(100);
    clock.stall(1500);
    clock.run(2099);
    expect(samples).toEqual([]);
    clock.run(2100);
    expect(samples).toMatchObject([{ ok: false, at: 0, reason: 'timeout' }]);
    sub.unsubscribe();
  });

  it('a ping whose silence is excused (the client’s lateness) gets its time again, as long as it is excused; then it fails', () => {
    const clock = new StallClock();
    const pong = new Subject<true>();
    const samples: ProbeSample[] = [];
    let excuse = true; // e.g. the node keeps answering our requests: the pong waits behind them
    const asked: number[] = [];
    const sub = heartbeat(() => pong, {
      intervalMs: 10_000,
      timeoutMs: 500,
      scheduler: clock,
      excused: (sentAt, now) => {
        asked.push(now - sentAt);
        return excuse;
      },
    }).subscribe((s) => samples.push(s));
    clock.run(1400);
    expect(asked).toEqual([500, 1000]); // on time, no stall: the old rule would have failed it at 500
    expect(samples).toEqual([]);
    pong.next(true); // the pong, behind our own requests
    expect(samples).toEqual([{ ok: true, at: 0, rttMs: 1400 }]);
    sub.unsubscribe();

    const silent = new StallClock();
    const failed: ProbeSample[] = [];
    const sub2 = heartbeat(() => new Subject<true>(), {
      intervalMs: 10_000,
      timeoutMs: 500,
      scheduler: silent,
      excused: () => excuse,
    }).subscribe((s) => failed.push(s));
    silent.run(700);
    excuse = false; // our loop runs freely and the node answers nothing
    silent.run(999);
    expect(failed).toEqual([]);
    silent.run(1000);
    expect(failed).toMatchObject([{ ok: false, at: 0, reason: 'timeout' }]);
    sub2.unsubscribe();
  });

  it('without `excused` a ping fails at its timeout, as before', () => {
    const clock = new StallClock();
    const samples: ProbeSample[] = [];
    const sub = heartbeat(() => new Subject<true>(), {
      intervalMs: 10_000,
      timeoutMs: 500,
      scheduler: clock,
    }).subscribe((s) => samples.push(s));
    clock.run(500);
    expect(samples).toMatchObject([{ ok: false, at: 0, reason: 'timeout' }]);
    sub.unsubscribe();
  });
});
