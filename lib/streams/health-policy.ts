/**
 * The rules of node health, with defaults chosen so that a hung node leaves the eligible set within about
 * 3 s (`intervalMs` + `fall` × `timeoutMs` at worst ≈ 1 + 2 × 1 s), a recovered one returns within
 * `rise` × `intervalMs`, and a single lost ping does not flap a node out (HAProxy uses fall 3 / rise 2 at 2 s).
 * Passive ejection follows Envoy's outlier detection: `passiveFall` failed requests in a row eject a node for
 * `ejectionMs` × times ejected (at most `maxEjectionMs`), never more than `maxEjectionPercent` of the nodes
 * (at least one may always be ejected) and never the last eligible node.
 * The defaults live in `configDefaults.health` (lib/config.ts), the one defaults table.
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
  /** Consecutive failed requests (fair timeouts, lost connections, retryable error replies) that eject a node. @defaultValue 5 */
  readonly passiveFall: number;
  /** While probes fail, the heartbeat backs off: interval × 2^(failures-1), at most this. @defaultValue 4000 */
  readonly maxIntervalMs: number;
  /** First passive ejection lasts this long; the k-th lasts k times as long. @defaultValue 30000 */
  readonly ejectionMs: number;
  /** No passive ejection lasts longer. @defaultValue 300000 */
  readonly maxEjectionMs: number;
  /** Passively ejected nodes at most, in percent of the cluster (at least one). @defaultValue 10 */
  readonly maxEjectionPercent: number;
}
