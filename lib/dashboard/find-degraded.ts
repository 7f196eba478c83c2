/**
 * A node is degraded when its RTT is at least `factor` times the median RTT of the other nodes that are not
 * down, and at least `minGapMs` more: a 300 ms node among 1 ms ones is, a 2 ms one among 1 ms ones is not.
 * Returns each node's ratio to that median (null when there is nothing to compare with). Browser-safe.
 */
export function findDegraded(
  rtts: ReadonlyMap<number, number | null>,
  factor = 3,
  minGapMs = 20,
): Map<number, { degraded: boolean; slowFactor: number | null }> {
  const out = new Map<number, { degraded: boolean; slowFactor: number | null }>();
  for (const [id, rtt] of rtts) {
    const others = [...rtts]
      .filter(([other, v]) => other !== id && v !== null)
      .map(([, v]) => v!)
      .sort((a, b) => a - b);
    if (rtt === null || others.length === 0) {
      out.set(id, { degraded: false, slowFactor: null });
      continue;
    }
    const mid = others.length >> 1;
    const median = others.length % 2 ? others[mid]! : (others[mid - 1]! + others[mid]!) / 2;
    const slowFactor = rtt / Math.max(median, 0.001);
    out.set(id, { degraded: slowFactor >= factor && rtt - median >= minGapMs, slowFactor });
  }
  return out;
}
