/**
 * A y axis top and tick step for values up to `max`: of the steps 1, 2, 2.5 or 5 × 10^k that cover `max` in 3 to
 * 6 steps, the one giving the lowest top (the first step multiple at or above `max`). So the top stays close to the
 * data — 201/s gets a 250/s top, never 500/s; at most a third above it. Browser-safe.
 */
export function niceScale(max: number): { top: number; step: number } {
  const value = Number.isFinite(max) && max > 0 ? max : 1;
  const p = 10 ** Math.floor(Math.log10(value / 6));
  let best = { top: Number.POSITIVE_INFINITY, step: 0 };
  for (const m of [1, 2, 2.5, 5, 10, 20, 25, 50]) {
    const step = Number((m * p).toPrecision(12));
    const n = Math.ceil(value / step - 1e-9);
    if (n > 6 || n < 3) continue;
    const top = Number((n * step).toPrecision(12));
    if (top < best.top) best = { top, step };
  }
  return best;
}
