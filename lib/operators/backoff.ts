/** How the delays between attempts grow. */
export interface BackoffPolicy {
  /** Delay before the first retry. @defaultValue 100 */
  readonly initialBackoffMs: number;
  /** No delay is longer. @defaultValue 5000 */
  readonly maxBackoffMs: number;
  /** Each delay is this many times the one before. @defaultValue 2 */
  readonly backoffMultiplier: number;
  /** Randomisation (AWS's formulas): see {@link JitterMode}. @defaultValue 'none' */
  readonly jitter: JitterMode;
}

/**
 * - `none`: `base(k) = min(initial × multiplier^(k-1), max)` exactly;
 * - `full`: `uniform(0, base(k))`;
 * - `equal`: `base(k)/2 + uniform(0, base(k)/2)`;
 * - `decorrelated`: `min(max, uniform(initial, previous × 3))`, previous starting at `initial`.
 */
export type JitterMode = 'none' | 'full' | 'equal' | 'decorrelated';

/** An immutable point in a backoff sequence: `attempt` retries so far, the delay before the latest. */
export interface Backoff {
  readonly attempt: number;
  readonly delayMs: number;
}

/** Pure functions over {@link Backoff} values; the retry operator folds over them. */
export const backoff = {
  /** Before any retry. */
  initial(): Backoff {
    return { attempt: 0, delayMs: 0 };
  },

  /** The un-jittered delay before retry `attempt` (1-based). */
  base(policy: BackoffPolicy, attempt: number): number {
    const raw = policy.initialBackoffMs * policy.backoffMultiplier ** (attempt - 1);
    return Math.min(raw, policy.maxBackoffMs);
  },

  /** The next point: one more attempt and its delay, drawn with `random` (uniform in [0, 1)). */
  next(previous: Backoff, policy: BackoffPolicy, random: () => number): Backoff {
    const attempt = previous.attempt + 1;
    const base = backoff.base(policy, attempt);
    let delayMs: number;
    switch (policy.jitter) {
      case 'full':
        delayMs = random() * base;
        break;
      case 'equal':
        delayMs = base / 2 + (random() * base) / 2;
        break;
      case 'decorrelated': {
        const low = policy.initialBackoffMs;
        const prev = previous.attempt === 0 ? low : previous.delayMs;
        const high = Math.max(low, prev * 3);
        delayMs = Math.min(policy.maxBackoffMs, low + random() * (high - low));
        break;
      }
      default:
        delayMs = base;
    }
    return { attempt, delayMs: Math.max(0, Math.round(delayMs)) };
  },
};
