import type { Router } from '../router/router-types.js';

/** Steady traffic for `watch --rate` and `demo`: `rate` requests per second, at most 500 in flight. */
export function startTraffic(router: Router, rate: number): { stop(): Promise<void> } {
  let inFlight = 0;
  let seq = 0;
  let owed = 0;
  const tickMs = 20;
  const timer =
    rate > 0
      ? setInterval(() => {
          owed += (rate * tickMs) / 1000;
          while (owed >= 1 && inFlight < 500) {
            owed--;
            inFlight++;
            router.request$(`demo ${seq++}`).subscribe({
              error: () => inFlight--,
              complete: () => inFlight--,
            });
          }
          if (owed > rate) owed = 0;
        }, tickMs)
      : undefined;
  return {
    async stop() {
      clearInterval(timer);
    },
  };
}
