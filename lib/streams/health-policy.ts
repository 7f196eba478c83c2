/**
 * The rules of node health, with defaults chosen so that a hung node leaves the eligible set within about
 * 3 s (`intervalMs` + `fall` × `timeoutMs` at worst ≈ 1 + 2 × 1 s), a recovered one returns within
 * `rise` × `intervalMs`, and a single lost ping does not flap a node out (HAProxy uses fall 3 / rise 2 at 2 s).
 */
export interface HealthPolicy {
  /** Heartbeat period (fixed rate; a ping never overlaps the previous one). @defaultValue 1000 */
  readonly intervalMs: number;
  /** A ping unanswered this long is a failed probe. @defaultValue 1000 */
  readonly timeoutMs: number;
  /** Consecutive failed probes that take an `up` node `down` (the first makes it `suspect`). @defaultValue 2 */
  readonly fall: number;
  /** Consecutive successes that bring a `down` node back `up` (through `probation`). @defaultValue 2 */
  readonly rise: number;
  /** Consecutive failed requests (timeouts, lost replies) that take a node `down`. @defaultValue 5 */
  readonly passiveFall: number;
  /** While probes fail, the heartbeat backs off: interval × 2^(failures-1), at most this. @defaultValue 4000 */
  readonly maxIntervalMs: number;
}

export const defaultHealthPolicy: HealthPolicy = {
  intervalMs: 1000,
  timeoutMs: 1000,
  fall: 2,
  rise: 2,
  passiveFall: 5,
  maxIntervalMs: 4000,
};
