import type { FeedHealth, FeedNode, FeedStats } from '../dashboard/feed-types.js';

const colours: Record<string, string> = {
  up: '32',
  suspect: '33',
  down: '31',
  probation: '34',
  joining: '90',
  draining: '35',
  unusable: '35',
};

/**
 * `— (seen 12 s ago)` for a down node's stale RTT, the RTT otherwise, with `slow, typ. 1.50` for a degraded node
 * (its RTT against the other nodes' median).
 */
function rttCell(n: FeedNode, now: number): string {
  if (n.rttMs !== null)
    return `${n.rttMs.toFixed(2)}${n.slow ? ` slow, typ. ${n.slow.typicalMs.toFixed(2)}` : ''}`;
  if (n.lastSeenAt === null) return '—';
  return `— (seen ${Math.round((now - n.lastSeenAt) / 1000)} s ago)`;
}

/** The terminal view of `watch`: one row per node, coloured status, RTT, in-flight, requests/s; recent events. */
export function statusTable(
  health: FeedHealth | undefined,
  stats: FeedStats | undefined,
  events: string[],
  colour: boolean,
  now = Date.now(),
): string {
  const paint = (text: string, code: string | undefined) =>
    colour && code ? `\x1b[${code}m${text}\x1b[0m` : text;
  const rows = [
    `${'node'.padEnd(6)}${'address'.padEnd(24)}${'status'.padEnd(12)}${'rtt ms'.padEnd(24)}${'in flight'.padStart(10)}${'req/s'.padStart(9)}  why`,
  ];
  for (const n of health?.nodes ?? []) {
    const s = stats?.nodes.find((x) => x.nodeId === n.nodeId);
    rows.push(
      `${String(n.nodeId).padEnd(6)}${n.address.padEnd(24)}${paint(n.status.padEnd(12), colours[n.status])}` +
        `${rttCell(n, now).padEnd(24)}${String(s?.inFlight ?? '—').padStart(10)}` +
        `${(s ? s.requestsPerSecond.toFixed(0) : '—').padStart(9)}  ${n.why}`,
    );
  }
  const summary = stats
    ? `total ${stats.requestsPerSecond.toFixed(0)} req/s, ${stats.failuresPerSecond.toFixed(1)} failures/s, ${stats.retriesPerSecond.toFixed(1)} retries/s`
    : '';
  return [...rows, '', summary, '', 'recent events:', ...events.slice(-8)].join('\n');
}
