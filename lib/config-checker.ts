import type { InvalidConfig } from './config.js';

/** The longest duration a timer can hold (2^31 − 1 ms, about 24.8 days); longer ones fire at once in Node. */
export const maxTimeoutMs = 2 ** 31 - 1;

/**
 * The checks `resolveConfig` and `resolveRequestOptions` share: each throws `invalid(field, value, expected)`
 * for the first bad value, naming the dotted field.
 */
export function configChecker(invalid: InvalidConfig) {
  const knownKeys = (o: Record<string, unknown>, keys: string[], prefix: string): void => {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) throw invalid(`${prefix}${k}`, o[k], `a known option (${keys.join(', ')})`);
    }
  };
  return {
    knownKeys,
    section(c: Record<string, unknown>, key: string, keys: string[]): Record<string, unknown> {
      const value = c[key];
      if (value === undefined) return {};
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalid(key, value, 'an object');
      knownKeys(value as Record<string, unknown>, keys, `${key}.`);
      return value as Record<string, unknown>;
    },
    positive(o: Record<string, unknown>, key: string, prefix: string, zeroOk = false): void {
      const v = o[key];
      if (v === undefined) return;
      const ok = typeof v === 'number' && !Number.isNaN(v) && (zeroOk ? v >= 0 : v > 0);
      if (!ok) throw invalid(`${prefix}${key}`, v, zeroOk ? 'a number >= 0' : 'a number > 0');
    },
    /** A duration in ms: finite, positive (or zero when `zeroOk`), at most 2^31 − 1. */
    duration(o: Record<string, unknown>, key: string, prefix: string, zeroOk = false): void {
      const v = o[key];
      if (v === undefined) return;
      const ok =
        typeof v === 'number' && Number.isFinite(v) && (zeroOk ? v >= 0 : v > 0) && v <= maxTimeoutMs;
      if (!ok)
        throw invalid(
          `${prefix}${key}`,
          v,
          `a finite number of ms ${zeroOk ? '>= 0' : '> 0'} and at most ${maxTimeoutMs} (2^31 − 1)`,
        );
    },
    whole(o: Record<string, unknown>, key: string, prefix: string, min: number): void {
      const v = o[key];
      if (v === undefined) return;
      if (!Number.isSafeInteger(v) || (v as number) < min)
        throw invalid(`${prefix}${key}`, v, `a whole number >= ${min}`);
    },
    /** The hedging options (config `hedge` or a request's `hedge`). */
    hedge(o: Record<string, unknown>, prefix: string): void {
      this.duration(o, 'delayMs', prefix, true);
      this.duration(o, 'minDelayMs', prefix, true);
      this.duration(o, 'windowMs', prefix);
      const attempts = o.maxAttempts;
      if (
        attempts !== undefined &&
        !(Number.isInteger(attempts) && (attempts as number) >= 1 && (attempts as number) <= 5)
      )
        throw invalid(`${prefix}maxAttempts`, attempts, 'a whole number from 1 to 5');
      for (const [key, low, high] of [
        ['percentile', 0, 100],
        ['maxExtraLoad', 0, 1],
      ] as const) {
        const v = o[key];
        if (v !== undefined && !(typeof v === 'number' && v > low && v <= high))
          throw invalid(`${prefix}${key}`, v, `a number in (${low}, ${high}]`);
      }
    },
  };
}
