// npm run bench [-- --quick] [-- --json]: the router against a raw socket and a one-request-per-connection pool,
// side by side in one run, servers in separate processes. Results go to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ProcessCluster } from 'qdb-router/testing';
import { perConnectionPool, rawClient, routerClient } from './clients.mjs';
import { measure } from './measure.mjs';
import { paired } from './paired.mjs';
import { pickOnly } from './pick-only.mjs';
import { queueScale } from './queue.mjs';
import { failover, memory, pickCost, tail } from './scenarios.mjs';

const started = performance.now();
const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, out: { type: 'string' } },
});
// --out DIR: where the results go (tests pass a temporary folder so the tracked results stay as they are)
const outDir = values.out ? pathToFileURL(`${resolve(values.out)}/`) : new URL('./results/', import.meta.url);
const quick = values.quick ?? false;
const cellMs = quick ? 700 : 3000;
const log = (...args) => console.error(`[${((performance.now() - started) / 1000).toFixed(1)}s]`, ...args);

async function freePorts(n) {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve) => {
          const s = net.createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
};
log(
  `qdb-router bench (${quick ? 'quick' : 'full'}) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`,
);
log('starting 3 node processes …');
const cluster = await ProcessCluster.start(await freePorts(3));
const results = {
  machine,
  quick,
  throughput: [],
  pickCost: [],
  pickOnly: [],
  /** 32 B, 256 in flight: raw, router and router with hedging measured in turn, medians (the per-request ratios). */
  paired: undefined,
  queue: undefined,
  failover: undefined,
  memory: undefined,
  ratios: {},
};

try {
  const clients = [
    await rawClient(cluster.addresses),
    await perConnectionPool(cluster.addresses, 256),
    await routerClient(cluster.addresses),
    await routerClient(cluster.addresses, { hedge: true }, 'qdb-router (hedging on)'),
  ];
  for (const size of [32, 4096]) {
    const payload = new Uint8Array(size).fill(97);
    for (const concurrency of [1, 64, 256]) {
      for (const client of clients) {
        const r = await measure(client, { payload, concurrency, durationMs: cellMs });
        results.throughput.push({ client: client.name, payloadBytes: size, concurrency, ...r });
        log(
          `${client.name.padEnd(28)} ${String(size).padStart(5)} B  ${String(concurrency).padStart(3)} in flight  ` +
            `${r.rps.toFixed(0).padStart(7)} req/s  p50 ${(r.p50Us / 1000).toFixed(2)} ms  p99 ${(r.p99Us / 1000).toFixed(2)} ms` +
            `  p99.9 ${(r.p999Us / 1000).toFixed(2)} ms  ${r.cpuUsPerRequest.toFixed(1)} µs CPU/req` +
            `  ${r.heapBytesPerRequest.toFixed(0)} B heap/req${r.failed ? `  ${r.failed} FAILED` : ''}`,
        );
      }
    }
  }
  log('paired: raw, router, router with hedging, in turn, 3 rounds at 32 B / 256 in flight (medians) …');
  results.paired = await paired([clients[0], clients[2], clients[3]], { durationMs: cellMs / 2 });
  for (const [name, r] of Object.entries(results.paired))
    log(
      `  ${name.padEnd(28)} ${r.cpuUsPerRequest.toFixed(2)} µs CPU/req  ${r.heapBytesPerRequest.toFixed(0)} B heap/req`,
    );
  for (const c of clients) await c.close();

  log('picking cost: in-memory connector, 3 vs 1000 nodes …');
  for (const nodes of [3, 1000]) {
    const r = await pickCost(nodes, cellMs);
    results.pickCost.push(r);
    log(
      `  ${String(nodes).padStart(4)} nodes: ${r.rps.toFixed(0)} req/s, ${r.usPerRequest.toFixed(2)} µs/request`,
    );
  }

  log('the pick alone: selectNode (p2c) over 3 and 1000 eligible nodes …');
  for (const nodes of [3, 1000]) {
    const r = pickOnly(nodes, { picks: quick ? 500_000 : 2_000_000 });
    results.pickOnly.push(r);
    log(`  ${String(nodes).padStart(4)} nodes: ${r.nsPerPick.toFixed(1)} ns/pick`);
  }

  log(
    'queue: 10k and 100k requests queued on a gray node, expired by their deadline or cancelled (virtual time) …',
  );
  results.queue = await queueScale({ rounds: quick ? 1 : 3 });
  const q = results.queue;
  log(
    `  expire 10k ${q.expire10kMs.toFixed(0)} ms, 100k ${q.expire100kMs.toFixed(0)} ms (×${q.expire100kOver10k.toFixed(1)}); ` +
      `cancel 10k ${q.cancel10kMs.toFixed(0)} ms, 100k ${q.cancel100kMs.toFixed(0)} ms (×${q.cancel100kOver10k.toFixed(1)}); ` +
      `${q.bytesPerQueuedRequest.toFixed(0)} B heap per queued request${q.expiredTyped ? '' : '  NOT ALL TYPED'}`,
  );

  log('failover: SIGKILL node 2, then SIGSTOP node 3, under steady load …');
  results.failover = await failover(cluster, { phaseMs: quick ? 1000 : 3000 });
  const f = results.failover;
  log(
    `  ${f.requests} requests, ${f.failed} failed, worst latency ${f.worstLatencyMs.toFixed(0)} ms, ` +
      `killed node out in ${f.killDetectMs.toFixed(0)} ms, stopped node out in ${f.stopDetectMs.toFixed(0)} ms`,
  );

  log(
    'tail: p99.9 with and without hedging; no fault, one node SIGSTOPped, one slowed to 300 ms, one gray …',
  );
  results.tail = await tail(cluster, { phaseMs: quick ? 1500 : 4000 });
  for (const mode of ['plain', 'hedged']) {
    for (const phase of ['baseline', 'stopped', 'slow', 'gray']) {
      const r = results.tail[mode][phase];
      log(
        `  ${mode.padEnd(6)} ${phase.padEnd(8)} p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  ` +
          `p99.9 ${r.p999Ms.toFixed(2)} ms  extra load ${(100 * r.extraLoad).toFixed(1)} %${r.failed ? `  ${r.failed} FAILED` : ''}`,
      );
    }
  }
  results.hedgeP999OverBaseline = results.tail.hedgeP999OverBaseline;
  results.hedgeExtraLoad = results.tail.hedgeExtraLoad;

  log('memory …');
  results.memory = await memory(cluster, { inFlight: 10_000 });
  log(
    `  ${results.memory.bytesPerIdleConnection.toFixed(0)} B heap per idle connection, ` +
      `${results.memory.bytesPerInFlightRequest.toFixed(0)} B heap per request with 10 000 in flight`,
  );
} finally {
  await cluster.stop();
}

const cell = (client, size, c) =>
  results.throughput.find((r) => r.client === client && r.payloadBytes === size && r.concurrency === c);
for (const size of [32, 4096]) {
  results.ratios[`routerOverRaw_${size}B_256`] =
    cell('qdb-router', size, 256).rps / cell('raw socket', size, 256).rps;
  results.ratios[`routerOverPool_${size}B_64`] =
    cell('qdb-router', size, 64).rps / cell('pool, 1 request/connection', size, 64).rps;
}
results.ratios.pickCost1000Over3 = results.pickCost[1].usPerRequest / results.pickCost[0].usPerRequest;
results.ratios.pickOnly1000Over3 = results.pickOnly[1].nsPerPick / results.pickOnly[0].nsPerPick;
// the per-request ratios come from the paired rounds (medians of interleaved runs), not from one grid cell each:
// a single 3 s cell on a shared machine moves by more than these goals' margins
const row = (client) => results.paired[client];
results.ratios.routerCpuOverRaw_32B_256 =
  row('qdb-router').cpuUsPerRequest / row('raw socket').cpuUsPerRequest;
results.ratios.routerHeapOverRaw_32B_256 =
  row('qdb-router').heapBytesPerRequest / row('raw socket').heapBytesPerRequest;
results.ratios.hedgingOnOverOffCpu_32B_256 =
  row('qdb-router (hedging on)').cpuUsPerRequest / row('qdb-router').cpuUsPerRequest;
results.ratios.expire100kOver10k = results.queue.expire100kOver10k;
results.ratios.cancel100kOver10k = results.queue.cancel100kOver10k;
// CPU per request, router over the raw pipelined client, 32 B at 256 in flight (issue #14's goal: <= 1.5):
// the throughput ratios are bounded by three server processes sharing the cores, CPU per request is not.
results.routerCpuOverRaw = results.ratios.routerCpuOverRaw_32B_256;
results.durationS = (performance.now() - started) / 1000;

const table = [
  '| client | payload | in flight | req/s | p50 ms | p99 ms | p99.9 ms | CPU µs/req | heap B/req |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...results.throughput.map(
    (r) =>
      `| ${r.client} | ${r.payloadBytes} B | ${r.concurrency} | ${r.rps.toFixed(0)} | ${(r.p50Us / 1000).toFixed(2)} | ` +
      `${(r.p99Us / 1000).toFixed(2)} | ${(r.p999Us / 1000).toFixed(2)} | ${r.cpuUsPerRequest.toFixed(1)} | ` +
      `${r.heapBytesPerRequest.toFixed(0)} |`,
  ),
].join('\n');
const ratios = Object.entries(results.ratios)
  .map(([k, v]) => `- ${k}: ${v.toFixed(2)}`)
  .join('\n');
const f = results.failover;
const report = `# qdb-router benchmark (${quick ? 'quick' : 'full'})

Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}.
Servers: three \`qdb-router node\` processes on loopback; the clients run in the benchmark process.

${table}

Ratios:
${ratios}
- routerCpuOverRaw (CPU per request, 32 B, 256 in flight): ${results.routerCpuOverRaw.toFixed(2)}
- hedgeP999OverBaseline (worst faulted p99.9 over the unfaulted one, hedging on): ${results.hedgeP999OverBaseline.toFixed(2)}
- hedgeExtraLoad (hedges over requests, hedging on): ${(100 * results.hedgeExtraLoad).toFixed(1)} %

Tail (16 in flight; p50 / p99 / p99.9 ms, extra load):
${['plain', 'hedged']
  .flatMap((mode) =>
    ['baseline', 'stopped', 'slow', 'gray'].map((phase) => {
      const r = results.tail[mode][phase];
      return `- ${mode} ${phase}: ${r.p50Ms.toFixed(2)} / ${r.p99Ms.toFixed(2)} / ${r.p999Ms.toFixed(2)}, ${(100 * r.extraLoad).toFixed(1)} %`;
    }),
  )
  .join('\n')}

Pick alone (selectNode, p2c): ${results.pickOnly.map((p) => `${p.nodes} nodes ${p.nsPerPick.toFixed(1)} ns`).join(', ')}.
Queue (one gray node, virtual time): expire 10k ${results.queue.expire10kMs.toFixed(0)} ms, 100k ${results.queue.expire100kMs.toFixed(0)} ms;
cancel 10k ${results.queue.cancel10kMs.toFixed(0)} ms, 100k ${results.queue.cancel100kMs.toFixed(0)} ms; ${results.queue.bytesPerQueuedRequest.toFixed(0)} B heap per queued request.
Picking: ${results.pickCost.map((p) => `${p.nodes} nodes ${p.usPerRequest.toFixed(2)} µs/request`).join(', ')}.
Failover: ${f.requests} requests, ${f.failed} failed, worst latency ${f.worstLatencyMs.toFixed(0)} ms, killed node out of
the eligible set in ${f.killDetectMs.toFixed(0)} ms, SIGSTOPped node in ${f.stopDetectMs.toFixed(0)} ms.
Memory: ${results.memory.bytesPerIdleConnection.toFixed(0)} B heap per idle connection,
${results.memory.bytesPerInFlightRequest.toFixed(0)} B per request with ${results.memory.inFlight} in flight.
Run time ${results.durationS.toFixed(1)} s.
`;
console.log(report);
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(new URL(`${stamp}.json`, outDir), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL('latest.md', outDir), report);
if (values.json) console.log(JSON.stringify(results));
