import { deepStrictEqual } from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';

type RunHelpers = Parameters<Parameters<TestScheduler['run']>[0]>[0];

/** Options of {@link marbles}. */
export interface MarblesOptions {
  /** Virtual ms after which the run stops; work still scheduled then fails the test. @defaultValue 60000 */
  readonly maxFrames?: number;
  /** @defaultValue node:assert deepStrictEqual */
  readonly assertDeepEqual?: (actual: unknown, expected: unknown) => void;
}

/**
 * A TestScheduler in run mode (time progression syntax, 1 frame = 1 ms) that cannot hang: it stops at
 * `maxFrames` and then throws if anything is still scheduled, so an endless stream fails instead of hanging.
 *
 * ```ts
 * marbles((scheduler, { cold, expectObservable }) => {
 *   expectObservable(cold('a|').pipe(delay(5, scheduler))).toBe('5ms (a|)');
 * });
 * ```
 */
export function marbles<T>(
  body: (scheduler: TestScheduler, helpers: RunHelpers) => T,
  options: MarblesOptions = {},
): T {
  const assertDeepEqual = options.assertDeepEqual ?? deepStrictEqual;
  const scheduler = new TestScheduler((actual, expected) => assertDeepEqual(actual, expected));
  const maxFrames = options.maxFrames ?? 60_000;
  const result = scheduler.run((helpers) => {
    scheduler.maxFrames = maxFrames;
    return body(scheduler, helpers);
  });
  if (scheduler.actions.length > 0) {
    const due = scheduler.actions.map((a) => a.delay).join(', ');
    throw new Error(`marbles: work still scheduled after maxFrames ${maxFrames} (due at ${due})`);
  }
  return result;
}
