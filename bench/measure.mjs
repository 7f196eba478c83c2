// Closed-loop load: `concurrency` requests always in flight for `durationMs`; latency in an HDR histogram.
import v8 from 'node:v8';
import hdr from 'hdr-histogram-js';

export function measure(client, { payload, concurrency, durationMs, maxRequests = 5_000_000 }) {
  return new Promise((resolve) => {
    const histogram = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 60_000_000,
      numberOfSignificantValueDigits: 3,
    });
    let done = 0;
    let failed = 0;
    let inFlight = 0;
    let stopping = false;
    // heap bytes allocated: what the heap grew by, plus what every collection in between freed
    const gcProfiler = new v8.GCProfiler();
    gcProfiler.start();
    const heap0 = v8.getHeapStatistics().used_heap_size;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const timer = setTimeout(() => (stopping = true), durationMs);
    const finish = () => {
      clearTimeout(timer);
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const heap1 = v8.getHeapStatistics().used_heap_size;
      let freed = 0;
      for (const g of gcProfiler.stop()?.statistics ?? []) {
        freed += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
      }
      resolve({
        requests: done,
        failed,
        rps: (done / elapsedMs) * 1000,
        p50Us: histogram.getValueAtPercentile(50),
        p99Us: histogram.getValueAtPercentile(99),
        p999Us: histogram.getValueAtPercentile(99.9),
        maxUs: histogram.maxValue,
        cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, done),
        heapBytesPerRequest: (heap1 - heap0 + freed) / Math.max(1, done + failed),
      });
    };
    const launch = () => {
      inFlight++;
      const start = performance.now();
      client.send(payload, (err) => {
        inFlight--;
        if (err) failed++;
        else {
          done++;
          histogram.recordValue(Math.max(1, Math.round((performance.now() - start) * 1000)));
        }
        // checked here too: with an in-memory connector replies are microtasks and the timer would never run
        if (!stopping && performance.now() - t0 >= durationMs) stopping = true;
        if (!stopping && done + failed < maxRequests) launch();
        else if (inFlight === 0) finish();
      });
    };
    for (let i = 0; i < concurrency; i++) launch();
  });
}
