// The pick alone: selectNode with the default balancer (p2c) over `nodes` eligible nodes, nothing else — no
// request, no pool. What the router pays per attempt to choose a node, as the cluster grows.
import { balancers, selectNode } from 'qdb-router/internal';

export function pickOnly(nodes, { picks = 2_000_000, rounds = 3 } = {}) {
  const eligible = Array.from({ length: nodes }, (_, i) => i + 1);
  const load = new Float64Array(nodes + 1).map((_, i) => i % 7);
  const rtt = new Float64Array(nodes + 1).map((_, i) => 1 + (i % 5));
  const figures = { load: (id) => load[id], rttMs: (id) => rtt[id], recoveredAt: () => -1 };
  let state = 42;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const ctx = { random, now: 0, slowStartMs: 10_000, cursor: 0 };
  const none = [];
  let sink = 0;
  let bestNs = Number.POSITIVE_INFINITY;
  for (let round = 0; round <= rounds; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < picks; i++) {
      sink += selectNode(eligible, none, none, balancers.p2c, figures, ctx) ?? 0;
      ctx.cursor++;
    }
    const ns = Number(process.hrtime.bigint() - t0) / picks;
    if (round > 0) bestNs = Math.min(bestNs, ns); // round 0 warms the JIT
  }
  return { nodes, nsPerPick: bestNs, checksum: sink };
}
