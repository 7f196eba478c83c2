import { parseArgs } from 'node:util';
import { firstValueFrom } from 'rxjs';
import type { RouterError } from '../errors.js';
import { validateConfig } from '../router/validate-config.js';
import { Connection } from '../transport/connection.js';
import { connectSocket } from '../transport/connector.js';
import { UsageError } from './usage-error.js';

export const pingUsage = `qdb-router ping HOST:PORT [--count N] [--interval MS] [--timeout MS]
  Sends Pings over one connection and prints round-trip times, like ping(8). Exits 0 when every ping was answered.`;

/** `qdb-router ping`. */
export async function pingCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      count: { type: 'string', short: 'c', default: '4' },
      interval: { type: 'string', short: 'i', default: '1000' },
      timeout: { type: 'string', short: 'W', default: '1000' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('ping needs exactly one HOST:PORT');
  const count = Number(values.count);
  const interval = Number(values.interval);
  const timeoutMs = Number(values.timeout);
  for (const [name, v] of [
    ['--count', count],
    ['--interval', interval],
    ['--timeout', timeoutMs],
  ] as const) {
    if (!Number.isFinite(v) || v < 0 || (name !== '--interval' && v < 1)) throw new UsageError(`bad ${name}`);
  }
  let address: ReturnType<typeof validateConfig>['addresses'][number];
  try {
    address = validateConfig({ hosts: positionals }).addresses[0]!;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let connection: Connection;
  try {
    connection = new Connection(await connectSocket(address, { timeoutMs }), 1, {
      requestTimeoutMs: timeoutMs,
    });
  } catch (err) {
    console.error(`ping ${address.label}: ${(err as RouterError).code}: ${(err as Error).message}`);
    return 1;
  }
  let answered = 0;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    try {
      await firstValueFrom(connection.ping$(timeoutMs));
      const ms = performance.now() - start;
      times.push(ms);
      answered++;
      console.log(`pong from ${address.label}: seq=${i} time=${ms.toFixed(3)} ms`);
    } catch (err) {
      console.log(`no pong from ${address.label}: seq=${i} ${(err as RouterError).code}`);
    }
    if (i < count - 1) await new Promise((resolve) => setTimeout(resolve, interval));
  }
  await connection.close();
  const loss = (((count - answered) / count) * 100).toFixed(0);
  console.log(`--- ${address.label} ping statistics ---`);
  console.log(`${count} sent, ${answered} received, ${loss}% loss`);
  if (times.length > 0) {
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(
      `rtt min/avg/max = ${Math.min(...times).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...times).toFixed(3)} ms`,
    );
  }
  return answered === count ? 0 : 1;
}
