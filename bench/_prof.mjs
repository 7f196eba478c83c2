import { ProcessCluster } from 'qdb-router/testing';
import { routerClient, rawClient } from './clients.mjs';
import { measure } from './measure.mjs';
import net from 'node:net';
const ports = [];
for (let i = 0; i < 3; i++) { const s = net.createServer(); await new Promise(r => s.listen(0, '127.0.0.1', r)); ports.push(s.address().port); s.close(); }
const cluster = await ProcessCluster.start(ports);
const c = process.env.RAW ? await rawClient(cluster.addresses) : await routerClient(cluster.addresses);
const r = await measure(c, { payload: new Uint8Array(32), concurrency: 64, durationMs: 4000 });
console.log(r.rps.toFixed(0), r.cpuUsPerRequest.toFixed(1));
await c.close(); await cluster.stop();
