// node [--cpu-prof] bench/profile.mjs [pool|router] [ms]: 256 requests of 32 B always in flight over the
// in-memory connector (asapScheduler, no server process in the way), through the Pool alone or the whole router.
// Prints CPU µs per request, heap bytes allocated per request and the share of time in GC (v8.GCProfiler).
// Run `npm run build` first. Used for the profiles in docs/performance.md (#20).
import v8 from 'node:v8';
import { createRouter } from 'qdb-router';
import { Pool } from 'qdb-router/internal';
import { memoryConnector } from 'qdb-router/testing';
import { asapScheduler } from 'rxjs';

const [what = 'router', ms = '3000'] = process.argv.slice(2);
const memory = memoryConnector({ scheduler: asapScheduler });
const payload = new Uint8Array(32);
let send;
let close = async () => {};
if (what === 'pool') {
  const pool = new Pool(1, (signal) => memory.connect(1, signal), {}, asapScheduler);
  send = (done) => pool.submit(2, payload, asapScheduler.now() + 5000, done);
} else {
  const router = createRouter({
    hosts: ['10.0.0.1:7000', '10.0.0.2:7000', '10.0.0.3:7000'],
    connect: (address) => memory.connect(address.id),
    health: { intervalMs: 600_000 },
  });
  await router.request('warm-up');
  send = (done) => router.request$(payload).subscribe({ error: done, complete: done });
  close = () => router.close();
}

function run(durationMs) {
  return new Promise((resolve) => {
    let done = 0;
    let inFlight = 0;
    let stop = false;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const gcProfiler = new v8.GCProfiler();
    gcProfiler.start();
    const heap0 = v8.getHeapStatistics().used_heap_size;
    const finish = () => {
      inFlight--;
      done++;
      if (!stop && performance.now() - t0 > durationMs) stop = true;
      if (!stop) launch();
      else if (inFlight === 0) {
        const cpu = process.cpuUsage(cpu0);
        const gcs = gcProfiler.stop().statistics;
        let freed = 0;
        for (const g of gcs)
          freed += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
        resolve({
          requests: done,
          cpuUsPerRequest: (cpu.user + cpu.system) / done,
          heapBytesPerRequest: (v8.getHeapStatistics().used_heap_size - heap0 + freed) / done,
          gcShare: gcs.reduce((a, g) => a + g.cost, 0) / 1000 / (performance.now() - t0),
        });
      }
    };
    const launch = () => {
      inFlight++;
      send(finish);
    };
    for (let i = 0; i < 256; i++) launch();
  });
}

await run(1000); // warm the JIT
console.log(JSON.stringify({ what, ...(await run(Number(ms))) }));
await close();
process.exit(0);
