/** What an Admin command can reach on a server. */
export interface AdminTarget {
  readonly nodeId: number;
  readonly requestCount: number;
  readonly pingCount: number;
  readonly badInputCount: number;
  readonly openConnectionCount: number;
  readonly connectionIds: readonly number[];
  failNext(n: number): void;
  setLatency(ms: number): void;
  dropConnections(): void;
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
 *
 * Hangs and crashes of a node process are real signals instead: SIGSTOP / SIGCONT / SIGKILL its pid.
 * A malformed command gets `{"ok":false,"error":"…"}`.
 */
export function adminCommand(target: AdminTarget, payload: Uint8Array): Uint8Array {
  const reply = (value: object) => encoder.encode(JSON.stringify(value));
  let command: { command?: unknown; count?: unknown; ms?: unknown };
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
        openConnections: target.openConnectionCount,
        connectionIds: target.connectionIds,
      });
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

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
