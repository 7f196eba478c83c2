// Queue scale: requests queued on one gray node (answers pings, swallows data), through the router, in virtual
// time (the figures are the CPU the process spends, not the timeout waited): how long expiring and cancelling
// 10k and 100k queued requests take, and the heap each queued request holds.
import { createRouter, MessageType } from 'qdb-router';
import { advanceTo, memoryConnector } from 'qdb-router/testing';
import { VirtualTimeScheduler } from 'rxjs';

const settle = () => new Promise((r) => setImmediate(r));
const gc = () => globalThis.gc?.();
const heapUsed = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

async function drive(scheduler, until) {
  await settle();
  for (;;) {
    const next = scheduler.actions[0];
    if (!next || next.delay > until) break;
    advanceTo(scheduler, next.delay);
    await settle();
  }
  advanceTo(scheduler, until);
  await settle();
}

async function grayRouter() {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({
    scheduler,
    respond: (request) =>
      request.type === MessageType.Ping ? { type: MessageType.Pong, payload: new Uint8Array(0) } : undefined,
  });
  const router = createRouter({
    hosts: ['10.0.0.1:7000'],
    scheduler,
    connect: (address, signal) => memory.connect(address.id, signal),
    health: { intervalMs: 600_000, timeoutMs: 600_000 },
  });
  await drive(scheduler, 10); // first contact: the node is up
  return { scheduler, router };
}

/** `n` requests queued on the gray node; then either their deadline comes or each is unsubscribed. */
async function once(n, how) {
  const { scheduler, router } = await grayRouter();
  const payload = new Uint8Array(32);
  let ended = 0;
  let typed = 0;
  const before = heapUsed();
  const subs = [];
  for (let i = 0; i < n; i++) {
    subs.push(
      router.request$(payload, { timeoutMs: 1000 }).subscribe({
        error: (e) => {
          ended++;
          if (typeof e?.code === 'string') typed++;
        },
      }),
    );
  }
  await settle();
  await settle();
  const bytesPerQueued = (heapUsed() - before) / n;
  const t0 = performance.now();
  if (how === 'expire') {
    advanceTo(scheduler, scheduler.now() + 1000);
  } else {
    for (let i = n - 1; i >= 0; i--) subs[i].unsubscribe();
  }
  const ms = performance.now() - t0;
  if (how === 'expire') await drive(scheduler, scheduler.now() + 2000);
  const closing = router.close();
  await drive(scheduler, scheduler.now() + 10_000);
  await closing;
  return { ms, ended, typed, bytesPerQueued };
}

/** Best of `rounds` (noise only slows a CPU-bound loop). */
async function best(n, how, rounds) {
  let out;
  for (let r = 0; r < rounds; r++) {
    const x = await once(n, how);
    if (!out || x.ms < out.ms) out = x;
  }
  return out;
}

export async function queueScale({ rounds = 3 } = {}) {
  const e10 = await best(10_000, 'expire', rounds);
  const e100 = await best(100_000, 'expire', rounds);
  const c10 = await best(10_000, 'cancel', rounds);
  const c100 = await best(100_000, 'cancel', rounds);
  return {
    expire10kMs: e10.ms,
    expire100kMs: e100.ms,
    cancel10kMs: c10.ms,
    cancel100kMs: c100.ms,
    expire100kOver10k: e100.ms / e10.ms,
    cancel100kOver10k: c100.ms / c10.ms,
    /** Every expired request ended with a typed error (the process lived to count them). */
    expiredTyped: e100.typed === 100_000 && e10.typed === 10_000,
    bytesPerQueuedRequest: e100.bytesPerQueued,
  };
}
