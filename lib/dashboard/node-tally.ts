const maxSamples = 2048;

/**
 * One node's counts for the dashboard: this interval's answered requests, failed attempts and latencies (a
 * uniform sample of at most 2048, so p50/p99 stay cheap at any rate), and totals since the start. Browser-safe.
 */
export class NodeTally {
  requests = 0;
  failures = 0;
  requestsTotal = 0;
  failuresTotal = 0;
  /** Times the node left rotation (up or suspect → another status). */
  flaps = 0;
  lastError: string | null = null;
  lastSeenAt: number | null = null;
  private latencies: number[] = [];
  private seen = 0;
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  answered(durationMs: number): void {
    this.requests++;
    this.requestsTotal++;
    this.seen++;
    if (this.latencies.length < maxSamples) this.latencies.push(durationMs);
    else {
      const j = Math.floor(this.random() * this.seen); // reservoir sampling
      if (j < maxSamples) this.latencies[j] = durationMs;
    }
  }

  failed(code: string): void {
    this.failures++;
    this.failuresTotal++;
    this.lastError = code;
  }

  /** Closes the interval: its latency percentiles (nearest rank), and resets the interval's counts. */
  close(): { requests: number; failures: number; p50Ms: number | null; p99Ms: number | null } {
    const sorted = this.latencies.sort((a, b) => a - b);
    const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
    const out = {
      requests: this.requests,
      failures: this.failures,
      p50Ms: sorted.length ? round(rank(0.5)) : null,
      p99Ms: sorted.length ? round(rank(0.99)) : null,
    };
    this.requests = 0;
    this.failures = 0;
    this.latencies = [];
    this.seen = 0;
    return out;
  }
}

const round = (v: number) => Math.round(v * 100) / 100;
