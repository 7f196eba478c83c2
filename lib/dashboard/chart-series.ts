import type { ChartSeries } from './draw-chart.js';
import type { FeedStats } from './feed-types.js';

/**
 * The dashboard's three charts as series: the cluster's requests and failures per second; each node's requests
 * per second; each node's latency p50 (solid) and p99 (dashed). A node's line has class `c<(id − 1) mod 8>` (its colour) and
 * gaps where it had no data. Browser-safe.
 */
export function chartSeries(history: readonly FeedStats[]): {
  cluster: ChartSeries[];
  perNode: ChartSeries[];
  latency: ChartSeries[];
  nodeIds: number[];
} {
  const ids = [...new Set(history.flatMap((s) => s.nodes.map((n) => n.nodeId)))].sort((a, b) => a - b);
  const per = (id: number, pick: (n: FeedStats['nodes'][number]) => number | null) =>
    history.map((s): [number, number | null] => {
      const n = s.nodes.find((x) => x.nodeId === id);
      return [s.at, n ? pick(n) : null];
    });
  return {
    nodeIds: ids,
    cluster: [
      { cls: 'req', points: history.map((s) => [s.at, s.requestsPerSecond]) },
      { cls: 'fail', points: history.map((s) => [s.at, s.failuresPerSecond]) },
    ],
    perNode: ids.map((id) => ({
      cls: `node-line c${(id - 1) % 8}`,
      points: per(id, (n) => n.requestsPerSecond),
    })),
    latency: ids.flatMap((id) => [
      { cls: `node-line c${(id - 1) % 8}`, points: per(id, (n) => n.p50Ms ?? null) },
      { cls: `node-line c${(id - 1) % 8}`, dashed: true, points: per(id, (n) => n.p99Ms ?? null) },
    ]),
  };
}
