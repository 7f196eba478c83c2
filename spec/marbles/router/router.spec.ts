import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RemoteError, type RouterError } from '../../../lib/errors.js';
import type { NoEligibleNodeError } from '../../../lib/router/no-eligible-node-error.js';
import { drive, setup } from './script-cluster.js';

describe('the request path end to end (virtual time, real Connection)', () => {
  it('one request: requestStarted, attemptStarted, requestSucceeded; the reply after the node latency', async () => {
    const t = setup([{ latencyMs: 5 }, { latencyMs: 5 }, { latencyMs: 5 }]);
    await drive(t.scheduler, 10); // first contact: nodes start unknown
    const o = t.send('hello', { timeoutMs: 1000 });
    await drive(t.scheduler, 100);
    expect(o).toEqual({ at: 15, value: 'hello' });
    const mine = t.events.filter((e) => 'requestId' in e);
    expect(mine.map((e) => e.type)).toEqual(['requestStarted', 'attemptStarted', 'requestSucceeded']);
    expect(mine[0]).toMatchObject({
      requestId: 1,
      messageType: 2,
      idempotent: true,
      timeoutMs: 1000,
      at: 10,
    });
    expect(mine[2]).toMatchObject({ requestId: 1, durationMs: 5, attempts: 1 });
    await t.close();
  });

  it('nodes start unknown: a request sent before first contact waits for it, within its deadline', async () => {
    const t = setup([{ latencyMs: 3 }]);
    expect(await firstValueFrom(t.router.eligible$)).toEqual([]);
    const o = t.send('early', { timeoutMs: 50 });
    await drive(t.scheduler, 100);
    expect(o.value).toBe('early');
    expect(o.at).toBeLessThanOrEqual(50);
    await t.close();
  });

  it('a failing node: retried on another node with the policy backoff; events name the failed node', async () => {
    const t = setup([{ latencyMs: 2, failing: true }, { latencyMs: 2 }], { balancer: 'round-robin' });
    await drive(t.scheduler, 10);
    const o = t.send('x', { timeoutMs: 2000 });
    await drive(t.scheduler, 500);
    expect(o).toEqual({ at: 10 + 2 + 100 + 2, value: 'x' });
    const retry = t.events.find((e) => e.type === 'retryScheduled');
    expect(retry).toMatchObject({
      requestId: 1,
      nodeId: 1,
      attempt: 1,
      delayMs: 100,
      code: ErrorCode.Remote,
    });
    expect(
      t.events.filter((e) => e.type === 'attemptStarted').map((e) => (e as { nodeId: number }).nodeId),
    ).toEqual([1, 2]);
    await t.close();
  });

  it('a silent node costs one attempt timeout: the request succeeds elsewhere within its deadline', async () => {
    const t = setup([{ latencyMs: 2, gray: true }, { latencyMs: 2 }], { balancer: 'round-robin' });
    await drive(t.scheduler, 10);
    const o = t.send('x', { timeoutMs: 1000 }); // derived attempt timeout: min(max(1000, 4 × rtt), 1000 / 2) = 500
    await drive(t.scheduler, 2000);
    expect(o).toEqual({ at: 10 + 500 + 100 + 2, value: 'x' });
    await t.close();
  });

  it('ERR_NO_ELIGIBLE_NODE carries the last error of each node tried (errors, nodeIds, cause)', async () => {
    const t = setup([{ latencyMs: 2, failing: true }, { latencyMs: 2 }], { balancer: 'round-robin' });
    await drive(t.scheduler, 10);
    t.router.markNodeUnhealthy(2);
    const o = t.send('x', { timeoutMs: 300 });
    await drive(t.scheduler, 100); // node 1 failed once; now take it out too
    t.router.markNodeUnhealthy(1);
    await drive(t.scheduler, 1000);
    const err = o.error as NoEligibleNodeError;
    expect(err.code).toBe(ErrorCode.NoEligibleNode);
    expect(err.retryable).toBe(true);
    expect(err.nodeIds).toEqual([1]);
    expect(err.errors).toHaveLength(1);
    expect(err.cause).toBe(err.errors[0]);
    expect((err.errors[0] as RouterError).code).toBe(ErrorCode.Remote);
    expect(o.at).toBe(10 + 300);
    await t.close();
  });

  it('every node refuses: ERR_NO_ELIGIBLE_NODE names each node, its state and refused connect, and what to do', async () => {
    const t = setup([
      { latencyMs: 1, refuse: true },
      { latencyMs: 1, refuse: true },
    ]);
    const o = t.send('x', { timeoutMs: 300 });
    await drive(t.scheduler, 1000);
    const err = o.error as NoEligibleNodeError;
    expect(err.code).toBe(ErrorCode.NoEligibleNode);
    expect(o.at).toBe(300);
    const [first, ...lines] = err.message.split('\n');
    expect(first).toBe(
      'no node reachable within 300 ms: 10.0.0.1:7000 refused (ERR_CONNECT_REFUSED), ' +
        '10.0.0.2:7000 refused (ERR_CONNECT_REFUSED) — is the cluster running? (`npx qdb-router cluster` starts a local one)',
    );
    // the reason is health feedback's word for how the refusal reached it (a connect or a request's attempt)
    expect(lines).toHaveLength(2);
    for (const [i, line] of lines.entries())
      expect(line).toMatch(
        new RegExp(
          `^  node ${i + 1} 10\\.0\\.0\\.${i + 1}:7000: down \\(\\w+\\), last error ERR_CONNECT_REFUSED: node ${i + 1} refused the connection$`,
        ),
      );
    expect(err.nodes).toEqual(
      [1, 2].map((nodeId) => ({
        nodeId,
        address: `10.0.0.${nodeId}:7000`,
        status: 'down',
        reason: expect.any(String),
        manual: false,
        code: 'ERR_CONNECT_REFUSED',
        message: `node ${nodeId} refused the connection`,
      })),
    );
    // the request itself tried no node: errors/nodeIds stay empty, the cause is the latest node error
    expect(err.errors).toEqual([]);
    expect(err.nodeIds).toEqual([]);
    expect(err.cause).toMatchObject({ code: ErrorCode.ConnectRefused });
    await t.close();
  });

  it('retries exhausted: the last error (same class and code) lists each node tried and its last error', async () => {
    const t = setup(
      [
        { latencyMs: 2, failing: true },
        { latencyMs: 2, failing: true },
      ],
      { balancer: 'round-robin', retry: { maxRetries: 2, initialBackoffMs: 10, budget: false } },
    );
    await drive(t.scheduler, 10);
    const o = t.send('x', { timeoutMs: 2000 });
    await drive(t.scheduler, 1000);
    const err = o.error as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.code).toBe(ErrorCode.Remote);
    expect(err.retryable).toBe(true);
    const [first, summary, ...lines] = err.message.split('\n');
    expect(first).toMatch(/^node [12] replied BUSY: try again$/);
    expect(summary).toBe('  gave up after 3 attempts (no retries left); the nodes tried:');
    expect(lines).toHaveLength(2);
    expect(err.nodes?.map((n) => [n.address, n.code, n.message])).toEqual(
      expect.arrayContaining([
        ['10.0.0.1:7000', 'ERR_REMOTE', 'node 1 replied BUSY: try again'],
        ['10.0.0.2:7000', 'ERR_REMOTE', 'node 2 replied BUSY: try again'],
      ]),
    );
    await t.close();
  });

  it('one attempt only (no retry): the error is delivered as is, no node list', async () => {
    const t = setup([{ latencyMs: 2, failing: true }], { retry: { maxRetries: 0 } });
    await drive(t.scheduler, 10);
    const o = t.send('x', { timeoutMs: 500 });
    await drive(t.scheduler, 600);
    expect(o.error?.code).toBe(ErrorCode.Remote);
    expect(o.error?.message).toBe('node 1 replied BUSY: try again');
    expect(o.error?.nodes).toBeUndefined();
    await t.close();
  });

  it('a node held out by markNodeUnhealthy reads as such in ERR_NO_ELIGIBLE_NODE', async () => {
    const t = setup([{ latencyMs: 1 }]);
    await drive(t.scheduler, 10);
    t.router.markNodeUnhealthy(1);
    const o = t.send('x', { timeoutMs: 100 });
    await drive(t.scheduler, 500);
    const err = o.error as NoEligibleNodeError;
    expect(err.message.split('\n')[0]).toBe(
      'every node is held out within 100 ms: 10.0.0.1:7000 marked unhealthy — call markNodeHealthy(id) to let one back in',
    );
    expect(err.nodes[0]).toMatchObject({ nodeId: 1, manual: true, code: null });
    await t.close();
  });

  it('request(payload, { signal }): an abort mid-flight rejects with ERR_ABORTED and frees the slot at once', async () => {
    const t = setup([{ latencyMs: 50 }]);
    await drive(t.scheduler, 60);
    const controller = new AbortController();
    const reply = t.router.request('x', { signal: controller.signal });
    await drive(t.scheduler, 70);
    expect(t.router.poolStats()[0]!.inFlight).toBe(1);
    controller.abort();
    await expect(reply).rejects.toMatchObject({
      code: ErrorCode.Aborted,
      name: 'AbortedError',
      retryable: false,
    });
    expect(t.router.poolStats()[0]!.inFlight).toBe(0);
    await drive(t.scheduler, 200); // the late reply is dropped
    const aborted = t.router.request('y', { signal: AbortSignal.abort() });
    await expect(aborted).rejects.toMatchObject({ code: ErrorCode.Aborted });
    expect(t.cluster.dataCount(1)).toBe(1); // the aborted-before request was never sent
    await t.close();
  });

  it.each([
    ['null options', null],
    ['an array', []],
    ['Infinity', { timeoutMs: Number.POSITIVE_INFINITY }],
    ['1e12', { timeoutMs: 1e12 }],
    ['0', { timeoutMs: 0 }],
    ['-1', { timeoutMs: -1 }],
    ['NaN', { timeoutMs: Number.NaN }],
  ])('options %s: ERR_CONFIG to that subscriber, nothing sent', async (_name, options) => {
    const t = setup([{ latencyMs: 1 }]);
    await drive(t.scheduler, 10);
    const o = t.send('never', options as never);
    expect(o.error).toMatchObject({ code: ErrorCode.Config });
    await drive(t.scheduler, 100);
    expect(t.cluster.dataCount(1)).toBe(0);
    await t.close();
  });

  it('an invalid or oversized payload fails before any node is chosen, counted against none', async () => {
    const t = setup([{ latencyMs: 1 }], { maxMessageBytes: 100 });
    await drive(t.scheduler, 10);
    const bad = t.router.request$(42 as never);
    let code = '';
    bad.subscribe({ error: (e: RouterError) => (code = e.code) });
    expect(code).toBe(ErrorCode.InvalidPayload);
    const big = t.send('y'.repeat(200));
    expect(big.error).toMatchObject({ code: ErrorCode.WireFrameTooLarge, retryable: false });
    await drive(t.scheduler, 100);
    expect(t.events.some((e) => e.type === 'attemptStarted')).toBe(false);
    await t.close();
  });

  it('hostile values (a revoked Proxy, a throwing getter) fail that request typed, never with a raw TypeError', async () => {
    const t = setup([{ latencyMs: 1 }]);
    await drive(t.scheduler, 10);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwing = Object.defineProperty({}, 'timeoutMs', {
      get() {
        throw new Error('getter');
      },
      enumerable: true,
    });
    const codes: string[] = [];
    for (const [payload, options] of [
      [revoked.proxy, undefined],
      ['x', revoked.proxy],
      ['x', throwing],
    ] as const) {
      t.router.request$(payload as never, options as never).subscribe({
        error: (e: RouterError) => codes.push(`${e.name}:${e.code}`),
      });
    }
    expect(codes).toEqual([
      'RouterError:ERR_INVALID_PAYLOAD',
      'RouterError:ERR_CONFIG',
      'RouterError:ERR_CONFIG',
    ]);
    await drive(t.scheduler, 100);
    expect(t.cluster.dataCount(1)).toBe(0);
    await t.close();
  });

  // README's quick start: request$ then close() at once, before any node has answered. Found at integration:
  // with nodes starting `unknown` that request ended with ERR_ROUTER_CLOSED instead of being drained.
  it('close() right after createRouter and request$ drains the request waiting for first contact', async () => {
    const t = setup([{ latencyMs: 3 }, { latencyMs: 3 }]);
    const o = t.send('first');
    await t.close();
    expect(o).toMatchObject({ value: 'first' });
    expect(o.error).toBeUndefined();
  });

  it('close() before first contact: once first contact fails, a request still waiting for a node ends at once', async () => {
    const t = setup([
      { latencyMs: 3, refuse: true },
      { latencyMs: 3, refuse: true },
    ]);
    const o = t.send('nowhere', { timeoutMs: 5000 });
    const closed = t.router.close(); // nodes still joining: the request is drained like one in flight …
    await drive(t.scheduler, 200); // … until every node's first contact has failed (refused at once)
    // what its deadline would have given, naming each node: the quick start's "When nothing answers"
    expect(o.error).toMatchObject({ code: ErrorCode.NoEligibleNode });
    expect(o.error!.message).toContain('10.0.0.1:7000 refused');
    expect(o.error!.message).toContain('10.0.0.2:7000 refused'); // the last node's error too (known before its health changed)
    expect(o.at).toBeLessThan(200); // not at its 5 s deadline
    await drive(t.scheduler, t.scheduler.now() + 10_000);
    await closed;
  });

  it('close() while every node is known down ends a request waiting for a node at once', async () => {
    const t = setup([
      { latencyMs: 3, refuse: true },
      { latencyMs: 3, refuse: true },
    ]);
    await drive(t.scheduler, 50);
    const o = t.send('nowhere', { timeoutMs: 5000 });
    const closed = t.router.close();
    await drive(t.scheduler, t.scheduler.now() + 1);
    expect(o.error).toMatchObject({ code: ErrorCode.RouterClosed });
    await drive(t.scheduler, t.scheduler.now() + 10_000);
    await closed;
  });

  it('health$ and eligible$ after close complete at once and restart nothing', async () => {
    const t = setup([{ latencyMs: 1 }, { latencyMs: 1 }]);
    await drive(t.scheduler, 10);
    await t.close();
    const seen: string[] = [];
    t.router.health$.subscribe({ next: () => seen.push('h'), complete: () => seen.push('|') });
    t.router.eligible$.subscribe({ next: () => seen.push('e'), complete: () => seen.push('|') });
    expect(seen).toEqual(['|', '|']);
    expect(t.scheduler.actions).toHaveLength(0);
  });

  it('markNodeUnhealthy moves requests queued on that node to another node', async () => {
    const t = setup([{ latencyMs: 200 }, { latencyMs: 5 }], {
      balancer: 'round-robin',
      pool: { maxConnections: 1, maxInFlightPerConnection: 1 },
    });
    await drive(t.scheduler, 10);
    const outcomes = [t.send('a'), t.send('b'), t.send('c'), t.send('d')]; // a, c to node 1: c waits for a
    await drive(t.scheduler, 20);
    t.router.markNodeUnhealthy(1);
    await drive(t.scheduler, 1000);
    expect(outcomes.every((o) => o.value !== undefined)).toBe(true);
    expect(t.cluster.executions(1, 'c')).toBe(0);
    expect(t.cluster.executions(2, 'c')).toBe(1);
    await t.close();
  });

  it('a node answering requests behind a full pool stays up: its answers stand in for the pings that would queue', async () => {
    // one connection, two in flight, 60 ms replies, three requests every 60 ms: the pool is always full and its
    // queue grows, so a ping would wait behind requests for longer than health.timeoutMs (100 ms)
    const t = setup([{ latencyMs: 60 }], {
      pool: { maxConnections: 1, maxInFlightPerConnection: 2 },
      health: { intervalMs: 100, timeoutMs: 100 },
      retry: { budget: false },
    });
    await drive(t.scheduler, 10);
    for (let i = 0; i < 30; i++)
      t.scheduler.schedule(() => {
        for (const p of ['a', 'b', 'c']) t.send(`${p}${i}`, { timeoutMs: 20_000 });
      }, i * 60);
    await drive(t.scheduler, 2000);
    const left = t.events.filter((e) => e.type === 'nodeStatusChanged' && e.status !== 'up');
    expect(left).toEqual([]);
    expect(t.events.filter((e) => e.type === 'heartbeatFailed')).toEqual([]);
    expect(t.events.filter((e) => e.type === 'heartbeatSucceeded').length).toBeGreaterThan(10);
    await t.close();
  });
});
