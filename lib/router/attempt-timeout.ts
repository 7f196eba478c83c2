/** What {@link attemptTimeout} needs to know. */
export interface AttemptTimeoutInput {
  /** `retry.attemptTimeoutMs` when configured. */
  readonly configuredMs: number | undefined;
  /** `health.timeoutMs`: a node that cannot answer a ping in this long is failing its probes anyway. */
  readonly healthTimeoutMs: number;
  /** The node's smoothed reply time in ms, or -1 when unknown. */
  readonly latencyMs: number;
  /** The request's whole `timeoutMs`. */
  readonly requestTimeoutMs: number;
  /** Whether a timed-out attempt could be retried (idempotent and retries configured). */
  readonly canRetry: boolean;
  /** Time left before the request's deadline. */
  readonly remainingMs: number;
}

/**
 * The timeout of one attempt (Envoy's `per_try_timeout`), always cut to the request's deadline.
 * Configured: that value. Derived (the default): `max(health.timeoutMs, 4 × latency)` — a node gets at least
 * what a ping gets, and a slow-but-working node four times its usual reply time — capped at half the request's
 * `timeoutMs` when a retry is possible, so a silent node costs a request at most one attempt timeout and leaves
 * at least half the deadline for another node; when no retry is possible the attempt keeps the whole deadline
 * (abandoning it early would only turn a late answer into a certain failure).
 */
export function attemptTimeout(input: AttemptTimeoutInput): number {
  let ms: number;
  if (input.configuredMs !== undefined) ms = input.configuredMs;
  else if (!input.canRetry) ms = input.remainingMs;
  else
    ms = Math.min(
      Math.max(input.healthTimeoutMs, input.latencyMs > 0 ? 4 * input.latencyMs : 0),
      input.requestTimeoutMs / 2,
    );
  return Math.max(0, Math.min(ms, input.remainingMs));
}
