// Benchmark scenarios beyond raw throughput: picking cost, failover, memory.

import { createRouter, MessageType, validateConfig } from 'qdb-router';
import { Connection, connectSocket } from 'qdb-router/internal';
import { memoryConnector } from 'qdb-router/testing';
import { asapScheduler, filter, firstValueFrom } from 'rxjs';
import { measure } from './measure.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const gc = () => globalThis.gc?.();

/** Router throughput over an in-memory connector with `nodes` nodes: what picking costs as the cluster grows. */
export async function pickCost(nodes, durationMs) {
  const memory = memoryConnector({ scheduler: asapScheduler });
  const hosts = Array.from({ length: nodes }, (_, i) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}:7000`);
  const router = createRouter({
    hosts,
    connect: (address) => memory.connect(address.id),
    health: { intervalMs: 600_000 },
    pool: { minConnections: 0 },
  });
  const client = { send: (p, cb) => router.request$(p).subscribe({ next: (m) => cb(null, m), error: cb }) };
  const payload = new Uint8Array(32);
  await measure(client, { payload, concurrency: 64, durationMs: Math.min(500, durationMs) }); // warm every pool
  // the best of three rounds: this is a CPU-bound loop on a shared machine, and noise only ever slows it
  let best = 0;
  for (let round = 0; round < 3; round++) {
    best = Math.max(
      best,
      (await measure(client, { payload, concurrency: 64, durationMs: durationMs / 2 })).rps,
    );
  }
  await router.close();
  return { nodes, rps: best, usPerRequest: 1e6 / best };
}

/** Steady load through the router while one node is SIGKILLed and another SIGSTOPped. */
export async function failover(cluster, { phaseMs }) {
  const router = createRouter({ hosts: cluster.addresses, health: { intervalMs: 500, timeoutMs: 500 } });
  await router.request('warm-up');
  const client = { send: (p, cb) => router.request$(p).subscribe({ next: (m) => cb(null, m), error: cb }) };
  const gone = (id) => firstValueFrom(router.eligible$.pipe(filter((e) => !e.includes(id))));
  const load = measure(client, { payload: new Uint8Array(32), concurrency: 32, durationMs: phaseMs * 4 });
  await sleep(phaseMs);
  let t = performance.now();
  cluster.signal(2, 'SIGKILL');
  await gone(2);
  const killDetectMs = performance.now() - t;
  await sleep(phaseMs);
  t = performance.now();
  cluster.signal(3, 'SIGSTOP');
  await gone(3);
  const stopDetectMs = performance.now() - t;
  const result = await load;
  cluster.signal(3, 'SIGCONT');
  await router.close();
  await cluster.restart(2);
  return {
    requests: result.requests,
    failed: result.failed,
    worstLatencyMs: result.maxUs / 1000,
    p99Ms: result.p99Us / 1000,
    killDetectMs,
    stopDetectMs,
  };
}

/**
 * Tail latency with and without hedging, at steady load (16 in flight), in four phases: no fault (baseline),
 * one node SIGSTOPped (hung), one node slowed to 300 ms, one node gray (answers pings, never data). Extra load: hedges sent over requests made.
 */
export async function tail(cluster, { phaseMs }) {
  const addresses = validateConfig({ hosts: cluster.addresses }).addresses;
  const out = {};
  for (const hedging of [false, true]) {
    const router = createRouter({
      hosts: cluster.addresses,
      health: { intervalMs: 500, timeoutMs: 500 },
      hedge: hedging,
    });
    let hedges = 0;
    const sub = router.events$.subscribe((e) => e.type === 'hedgeSent' && hedges++);
    const client = { send: (p, cb) => router.request$(p).subscribe({ next: (m) => cb(null, m), error: cb }) };
    const payload = new Uint8Array(32);
    const all = (id) =>
      firstValueFrom(router.eligible$.pipe(filter((e) => e.includes(id) && e.length === 3)));
    await all(1);
    await measure(client, { payload, concurrency: 16, durationMs: phaseMs }); // warm-up: fills the latency windows
    const phase = async (fault, clear) => {
      hedges = 0;
      await fault?.();
      const r = await measure(client, { payload, concurrency: 16, durationMs: phaseMs });
      await clear?.();
      return {
        p50Ms: r.p50Us / 1000,
        p99Ms: r.p99Us / 1000,
        p999Ms: r.p999Us / 1000,
        requests: r.requests,
        failed: r.failed,
        extraLoad: hedges / Math.max(1, r.requests),
      };
    };
    const baseline = await phase();
    const stopped = await phase(
      () => cluster.signal(3, 'SIGSTOP'),
      async () => {
        cluster.signal(3, 'SIGCONT');
        await all(3);
      },
    );
    const slow = await phase(
      () => admin(addresses[1], { command: 'setLatency', ms: 300 }),
      () => admin(addresses[1], { command: 'setLatency', ms: 0 }),
    );
    // last: a gray node is ejected by passive health and would sit out its ejection time before rejoining
    const gray = await phase(
      () => cluster.setFault(1, { kind: 'gray' }),
      () => cluster.clearFault(1),
    );
    sub.unsubscribe();
    await router.close();
    out[hedging ? 'hedged' : 'plain'] = { baseline, stopped, slow, gray };
  }
  const h = out.hedged;
  const phases = [h.baseline, h.stopped, h.slow, h.gray];
  out.hedgeP999OverBaseline = Math.max(h.stopped.p999Ms, h.slow.p999Ms, h.gray.p999Ms) / h.baseline.p999Ms;
  out.hedgeExtraLoad =
    phases.reduce((sum, p) => sum + p.extraLoad * p.requests, 0) /
    phases.reduce((sum, p) => sum + p.requests, 0);
  return out;
}

/** Heap per idle connection, and per request in flight with 10 000 in flight. */
export async function memory(cluster, { connections = 300, inFlight = 10_000 } = {}) {
  const addresses = validateConfig({ hosts: cluster.addresses }).addresses;
  gc();
  const before = process.memoryUsage().heapUsed;
  const conns = [];
  for (let i = 0; i < connections; i++) {
    const a = addresses[i % addresses.length];
    conns.push(new Connection(await connectSocket(a, {}), a.id));
  }
  gc();
  const perConnection = (process.memoryUsage().heapUsed - before) / connections;
  for (const c of conns) c.destroy();

  const router = createRouter({ hosts: cluster.addresses, pool: { maxConnections: 16 }, timeoutMs: 30_000 });
  for (const a of addresses) await admin(a, { command: 'setLatency', ms: 800 }); // under the 1 s health timeout
  await sleep(100);
  gc();
  const base = process.memoryUsage().heapUsed;
  let completed = 0;
  const all = new Promise((resolve) => {
    for (let i = 0; i < inFlight; i++) {
      router.request$(new Uint8Array(32)).subscribe({
        complete: () => ++completed === inFlight && resolve(),
        error: () => ++completed === inFlight && resolve(),
      });
    }
  });
  await sleep(400);
  gc();
  const perRequest = (process.memoryUsage().heapUsed - base) / inFlight;
  await all;
  for (const a of addresses) await admin(a, { command: 'setLatency', ms: 0 });
  await router.close();
  return { bytesPerIdleConnection: perConnection, bytesPerInFlightRequest: perRequest, inFlight };
}

async function admin(address, command) {
  const conn = new Connection(await connectSocket(address, {}), address.id);
  await firstValueFrom(conn.request$(new TextEncoder().encode(JSON.stringify(command)), MessageType.Admin));
  conn.destroy();
}
