import type { Fault } from './fault.js';
import type { FaultStats } from './fault-stats.js';
import { validateFault } from './validate-fault.js';

/** What an Admin command can reach on a server. */
export interface AdminTarget {
  readonly nodeId: number;
  readonly requestCount: number;
  readonly pingCount: number;
  readonly badInputCount: number;
  readonly compressedFrameCount: number;
  readonly openConnectionCount: number;
  readonly connectionIds: readonly number[];
  readonly faultStats: FaultStats;
  readonly executionStats: {
    readonly executions: number;
    readonly repeated: number;
    readonly evicted: number;
  };
  failNext(n: number): void;
  setLatency(ms: number): void;
  dropConnections(): void;
  setFault(fault: Fault): void;
  clearFault(): void;
  executions(id: string): number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Runs one Admin command (the payload of an Admin message: UTF-8 JSON) and returns the JSON reply payload.
 * This is how another process injects faults into a running node (`qdb-router cluster`):
 *
 * - `{"command":"stats"}` → `{"ok":true,"nodeId":1,"requestCount":…,"pingCount":…,"openConnections":…,…}`
 * - `{"command":"failNext","count":2}` → the next 2 Data requests get a retryable Error reply
 * - `{"command":"setLatency","ms":200}` → every reply is delayed by 200 ms
 * - `{"command":"dropConnections"}` → every open socket is reset (just after this reply is written)
 * - `{"command":"setFault","fault":{"kind":"gray","rate":0.5}}` → `server.setFault(fault)`; an invalid fault gets
 *   `{"ok":false,"error":…}`. `{"command":"clearFault"}` → `server.clearFault()` (a node under `never-read` or
 *   `close-on-accept` cannot read this: give the fault a `durationMs`, or send SIGUSR2 to a `qdb-router node`)
 * - `{"command":"executions","id":"w:17"}` → `{"ok":true,"executions":1}`; with `"ids":[…]`, an array of counts
 *
 * Hangs and crashes of a node process are real signals instead: SIGSTOP / SIGCONT / SIGKILL its pid.
 * A malformed command gets `{"ok":false,"error":"…"}`.
 */
export function adminCommand(target: AdminTarget, payload: Uint8Array): Uint8Array {
  const reply = (value: object) => encoder.encode(JSON.stringify(value));
  let command: {
    command?: unknown;
    count?: unknown;
    ms?: unknown;
    fault?: unknown;
    id?: unknown;
    ids?: unknown[];
  };
  try {
    command = JSON.parse(decoder.decode(payload));
  } catch {
    return reply({ ok: false, error: 'admin payload is not JSON' });
  }
  switch (command.command) {
    case 'stats':
      return reply({
        ok: true,
        nodeId: target.nodeId,
        requestCount: target.requestCount,
        pingCount: target.pingCount,
        badInputCount: target.badInputCount,
        compressedFrames: target.compressedFrameCount,
        openConnections: target.openConnectionCount,
        connectionIds: target.connectionIds,
        fault: target.faultStats.fault ?? null,
        faultsInjected: target.faultStats.injected,
        faultsInjectedTotal: target.faultStats.total,
        ...prefixed(target.executionStats),
      });
    case 'setFault':
      try {
        const fault = validateFault(command.fault);
        // close-on-accept would close this very connection before its reply: set it just after the reply
        if (fault.kind === 'close-on-accept') setTimeout(() => target.setFault(fault), 10);
        else target.setFault(fault);
      } catch (err) {
        return reply({ ok: false, error: (err as Error).message });
      }
      return reply({ ok: true });
    case 'clearFault':
      target.clearFault();
      return reply({ ok: true });
    case 'executions':
      if (Array.isArray(command.ids) && command.ids.every((id) => typeof id === 'string')) {
        return reply({ ok: true, executions: command.ids.map((id: string) => target.executions(id)) });
      }
      if (typeof command.id !== 'string') {
        return reply({ ok: false, error: 'executions needs a string "id" or an array of strings "ids"' });
      }
      return reply({ ok: true, executions: target.executions(command.id) });
    case 'failNext':
      if (!isCount(command.count)) return reply({ ok: false, error: 'failNext needs a whole "count" >= 0' });
      target.failNext(command.count);
      return reply({ ok: true });
    case 'setLatency':
      if (!isCount(command.ms)) return reply({ ok: false, error: 'setLatency needs a whole "ms" >= 0' });
      target.setLatency(command.ms);
      return reply({ ok: true });
    case 'dropConnections':
      setTimeout(() => target.dropConnections(), 10);
      return reply({ ok: true });
    default:
      return reply({ ok: false, error: `unknown admin command ${JSON.stringify(command.command)}` });
  }
}

function prefixed(stats: AdminTarget['executionStats']) {
  return {
    executions: stats.executions,
    repeatedExecutions: stats.repeated,
    evictedExecutionIds: stats.evicted,
  };
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
