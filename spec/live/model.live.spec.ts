import fc from 'fast-check';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RouterError } from '../../lib/errors.js';
import { createRouter } from '../../lib/router/router.js';
import type { Router } from '../../lib/router/router-types.js';
import { TestCluster } from '../../lib/testing/test-cluster.js';

const nodes = 3;
interface Model {
  marked: Set<number>;
  killed: Set<number>;
  paused: Set<number>;
}
interface Real {
  cluster: TestCluster;
  router: Router;
}
type Cmd = fc.AsyncCommand<Model, Real>;
const deadlineMs = 1500;

const node = fc.integer({ min: 1, max: nodes });
const cmd = (
  name: string,
  check: (m: Model) => boolean,
  apply: (m: Model, r: Real) => Promise<void>,
): Cmd => ({
  check,
  run: apply,
  toString: () => name,
});

const commands = [
  node.map((i) =>
    cmd(
      `kill(${i})`,
      (m) => !m.killed.has(i),
      async (m, r) => {
        r.cluster.node(i).kill();
        m.killed.add(i);
      },
    ),
  ),
  node.map((i) =>
    cmd(
      `restart(${i})`,
      (m) => m.killed.has(i),
      async (m, r) => {
        await r.cluster.node(i).restart();
        m.killed.delete(i);
        m.paused.delete(i);
      },
    ),
  ),
  node.map((i) =>
    cmd(
      `pause(${i})`,
      (m) => !m.paused.has(i) && !m.killed.has(i),
      async (m, r) => {
        r.cluster.node(i).pause();
        m.paused.add(i);
      },
    ),
  ),
  node.map((i) =>
    cmd(
      `resume(${i})`,
      (m) => m.paused.has(i),
      async (m, r) => {
        r.cluster.node(i).resume();
        m.paused.delete(i);
      },
    ),
  ),
  node.map((i) =>
    cmd(
      `mark(${i})`,
      () => true,
      async (m, r) => {
        r.router.markNodeUnhealthy(i);
        m.marked.add(i);
      },
    ),
  ),
  node.map((i) =>
    cmd(
      `unmark(${i})`,
      (m) => m.marked.has(i),
      async (m, r) => {
        r.router.markNodeHealthy(i);
        m.marked.delete(i);
      },
    ),
  ),
  fc.tuple(node, fc.integer({ min: 0, max: 80 })).map(([i, ms]) =>
    cmd(
      `latency(${i}, ${ms})`,
      () => true,
      async (_m, r) => r.cluster.node(i).setLatency(ms),
    ),
  ),
  fc.integer({ min: 1, max: 15 }).map((n) =>
    cmd(
      `burst(${n})`,
      () => true,
      async (m, r) => {
        const before = r.cluster.requestCounts;
        const started = performance.now();
        const outcomes = await Promise.all(
          Array.from({ length: n }, (_, k) =>
            r.router.request(`b${k}`, { timeoutMs: deadlineMs }).then(
              () => 'ok',
              (e: unknown) => e,
            ),
          ),
        );
        // every request ends within its deadline (a wide margin for timers on a busy machine) …
        expect(performance.now() - started).toBeLessThan(deadlineMs + 2000);
        // … with success or a typed error
        for (const o of outcomes) if (o !== 'ok') expect(o).toBeInstanceOf(RouterError);
        // nothing is routed to a marked node
        const after = r.cluster.requestCounts;
        for (const i of m.marked) expect(after[i - 1]).toBe(before[i - 1]);
      },
    ),
  ),
];

describe('model-based: random faults, overrides and bursts against a live cluster', () => {
  it('every request ends in time, marked nodes get nothing, eligible$ settles to the model, close() leaves nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
        const cluster = await TestCluster.start(nodes);
        const router = createRouter({
          hosts: cluster.addresses,
          timeoutMs: deadlineMs,
          health: { intervalMs: 100, timeoutMs: 100, maxIntervalMs: 200 },
        });
        const model: Model = { marked: new Set(), killed: new Set(), paused: new Set() };
        try {
          await fc.asyncModelRun(() => ({ model, real: { cluster, router } }), cmds);
          const expected = [1, 2, 3].filter(
            (i) => !model.marked.has(i) && !model.killed.has(i) && !model.paused.has(i),
          );
          const settled = await firstValueFrom(
            router.eligible$.pipe(
              filter((e) => e.length === expected.length && e.every((id, k) => id === expected[k])),
              timeout(5000),
            ),
          );
          expect(settled).toEqual(expected);
        } finally {
          for (const n of cluster.nodes) n.resume();
          await router.close();
          await expect
            .poll(() => cluster.nodes.map((n) => n.openConnectionCount), { timeout: 5000 })
            .toEqual([0, 0, 0]);
          await cluster.stop();
        }
      }),
      { numRuns: 8 },
    );
  });
});
