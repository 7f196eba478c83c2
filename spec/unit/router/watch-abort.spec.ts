import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { watchAbort } from '../../../lib/router/watch-abort.js';

describe('watchAbort', () => {
  it('one listener per signal whatever the number of watchers; the last unwatch removes it', () => {
    const controller = new AbortController();
    const stops = Array.from({ length: 5000 }, () => watchAbort(controller.signal, () => {}));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const stop of stops) stop();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // watching again after everyone left works the same
    let ran = 0;
    watchAbort(controller.signal, () => ran++);
    controller.abort();
    expect(ran).toBe(1);
  });

  it('model: any interleaving of watch / unwatch / abort — exactly the watchers still watching run, once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant('watch' as const), fc.nat(50), fc.constant('abort' as const)), {
          maxLength: 80,
        }),
        (ops) => {
          const controller = new AbortController();
          const runs: number[] = [];
          const stops: (() => void)[] = [];
          const active = new Set<number>();
          let expected: number[] | undefined;
          for (const op of ops) {
            if (op === 'abort') {
              if (!controller.signal.aborted) expected = [...active].sort((a, b) => a - b);
              controller.abort();
            } else if (op === 'watch') {
              if (controller.signal.aborted) continue; // callers never watch an aborted signal
              const id = stops.length;
              stops.push(watchAbort(controller.signal, () => runs.push(id)));
              active.add(id);
            } else if (op < stops.length) {
              stops[op]!();
              active.delete(op);
            }
          }
          expect(runs.sort((a, b) => a - b)).toEqual(expected ?? []);
          if (!controller.signal.aborted)
            expect(getEventListeners(controller.signal, 'abort')).toHaveLength(active.size > 0 ? 1 : 0);
        },
      ),
    );
  });

  it('a watcher that throws does not keep the others from running, and nothing escapes into the dispatch', async () => {
    const controller = new AbortController();
    const ran: string[] = [];
    watchAbort(controller.signal, () => {
      ran.push('a');
      throw new Error('a failed');
    });
    watchAbort(controller.signal, () => ran.push('b'));
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.prependListener('uncaughtException', onUncaught);
    try {
      controller.abort();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(ran).toEqual(['a', 'b']);
    expect(uncaught).toEqual([]);
  });
});
