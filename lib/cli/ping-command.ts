import { parseArgs } from 'node:util';
import { firstValueFrom } from 'rxjs';
import type { RouterError } from '../errors.js';
import { validateConfig } from '../router/validate-config.js';
import { Connection } from '../transport/connection.js';
import { connectSocket } from '../transport/connector.js';
import { describePeer } from './describe-peer.js';
import { UsageError } from './usage-error.js';

export const pingUsage = `qdb-router ping HOST:PORT [-c COUNT] [-i SECONDS] [-W SECONDS]
  Sends Pings over one connection and prints round-trip times, like ping(8), with ping(8)'s units (seconds,
  fractions allowed: -i 0.2); Ctrl-C stops early and prints the statistics, a ping still unanswered counted as
  lost. IPv6 hosts in brackets: [::1]:7000. Exit status 0 when every ping was answered (after Ctrl-C: when any
  was), 1 when not or when the peer is no qdb node, 2 on a usage error.
  -c, --count N            pings to send (default 4)
  -i, --interval SECONDS   wait between pings (default 1)
  -W, --timeout SECONDS    bound on connecting and on each ping (default 1); so the whole run takes at most
                           timeout × (count + 1) + interval × (count − 1)`;

/** A positive whole number from an option, else a UsageError naming the value. */
function whole(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 2 ** 31 - 1)
    throw new UsageError(`${name} needs a whole number >= 1, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * Seconds as ping(8) takes them (`1`, `0.2`; > 0, or >= 0 with `zero`), in whole milliseconds (at least 1 unless
 * 0), else a UsageError naming the value and the unit.
 */
function seconds(name: string, text: string, zero = false): number {
  const n = Number(text);
  const ms = Math.max(n > 0 ? 1 : 0, Math.round(n * 1000));
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text.trim()) || (!zero && n <= 0) || ms > 2 ** 31 - 1)
    throw new UsageError(
      `${name} needs seconds ${zero ? '>= 0' : '> 0'} (as ping(8): 1, 0.5), got ${JSON.stringify(text)}`,
    );
  return ms;
}

/** `qdb-router ping`. */
export async function pingCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      count: { type: 'string', short: 'c', default: '4' },
      interval: { type: 'string', short: 'i', default: '1' },
      timeout: { type: 'string', short: 'W', default: '1' },
    },
  });
  if (positionals.length !== 1)
    throw new UsageError(`ping needs exactly one HOST:PORT, got ${positionals.length || 'none'}`);
  const count = whole('--count', values.count);
  const interval = seconds('--interval', values.interval, true);
  const timeoutMs = seconds('--timeout', values.timeout);
  let address: ReturnType<typeof validateConfig>['addresses'][number];
  try {
    address = validateConfig({ hosts: positionals }).addresses[0]!;
  } catch {
    throw new UsageError(
      `bad address ${JSON.stringify(positionals[0])}: expected HOST:PORT, with IPv6 in brackets ([::1]:7000)`,
    );
  }
  const label = address.label;

  // Ctrl-C (or SIGTERM) ends the run early, as ping(8) does: the statistics are printed all the same
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const aborted = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve()));
  try {
    let connection: Connection;
    const first: Uint8Array[] = [];
    let firstBytes = 0;
    try {
      const socket = await Promise.race([connectSocket(address, { timeoutMs }), aborted]);
      if (!socket) {
        console.log(`--- ${label} ping statistics ---\n0 sent, 0 received (interrupted while connecting)`);
        return 1;
      }
      socket.on('data', (chunk: Uint8Array) => {
        if (firstBytes < 64) {
          first.push(chunk);
          firstBytes += chunk.length;
        }
      });
      connection = new Connection(socket, 1, { requestTimeoutMs: timeoutMs });
    } catch (err) {
      console.error(`ping ${label}: ${(err as RouterError).code ?? 'error'}: ${(err as Error).message}`);
      return 1;
    }
    console.log(
      `PING ${label}: ${count} pings, interval ${interval / 1000} s, timeout ${timeoutMs / 1000} s`,
    );
    const times: number[] = [];
    let sent = 0;
    let notQdb: string | undefined;
    try {
      for (let i = 0; i < count && !stop.signal.aborted; i++) {
        const start = performance.now();
        sent++;
        try {
          const pong = await Promise.race([firstValueFrom(connection.ping$(timeoutMs)), aborted]);
          // interrupted while waiting: that ping was sent and never answered — lost, as ping(8) counts it
          if (pong === undefined) break;
          const ms = performance.now() - start;
          times.push(ms);
          console.log(`pong from ${label}: seq=${i} time=${ms.toFixed(3)} ms`);
        } catch (err) {
          const code = (err as RouterError).code ?? 'error';
          // bytes that are no reply, before any pong: the peer speaks another protocol (a slow qdb node that
          // answered before and times out now is not that)
          if (
            times.length === 0 &&
            (firstBytes > 0 || code.startsWith('ERR_WIRE') || code === 'ERR_PROTOCOL')
          ) {
            const bytes = new Uint8Array(Buffer.concat(first));
            notQdb = `${label} is not a qdb node: it looks like ${describePeer(bytes)}`;
            console.error(`ping ${notQdb}`);
            break;
          }
          console.log(`no pong from ${label}: seq=${i} ${code}`);
        }
        if (i < count - 1 && !stop.signal.aborted) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, interval))), aborted]);
          clearTimeout(timer);
        }
      }
    } finally {
      connection.destroy(); // never wait for a hung peer to acknowledge a close
    }
    if (notQdb) return 1;
    const received = times.length;
    const loss = sent === 0 ? 0 : ((sent - received) / sent) * 100;
    console.log(`--- ${label} ping statistics ---`);
    console.log(`${sent} sent, ${received} received, ${loss.toFixed(0)}% loss`);
    if (received > 0) {
      const avg = times.reduce((a, b) => a + b, 0) / received;
      const mdev = Math.sqrt(times.reduce((a, t) => a + (t - avg) ** 2, 0) / received);
      console.log(
        `rtt min/avg/max/mdev = ${Math.min(...times).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...times).toFixed(3)}/${mdev.toFixed(3)} ms`,
      );
    }
    if (stop.signal.aborted) return received > 0 ? 0 : 1;
    return received === count ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
