import type { RouterEvent } from '../router/router-event.js';
import type { NodeId } from '../types.js';

/** Events too frequent or too routine for a debug log (every request's start and success, pool counts, pings). */
const quiet = new Set<string>([
  'requestStarted',
  'attemptStarted',
  'requestSucceeded',
  'heartbeatSucceeded',
  'poolStats',
]);

type Fields = Record<string, unknown>;

/**
 * One router event as one line of the debug log (`NODE_DEBUG=qdb-router`), or `undefined` for the routine ones
 * (request starts and successes, successful pings, pool counts). Connection, health, membership and retry
 * decisions each read as one line; an event type this function does not know yet is printed as `type k=v …`.
 * ```
 * node 1 127.0.0.1:7000: connect failed ERR_CONNECT_REFUSED
 * node 1 127.0.0.1:7000: joining -> down (connect)
 * request 7: attempt 1 on node 2 127.0.0.1:7001 failed ERR_CONNECTION_LOST; retry in 100 ms
 * ```
 */
export function debugLine(
  event: RouterEvent,
  addressOf: (id: NodeId) => string | undefined,
): string | undefined {
  if (quiet.has(event.type)) return undefined;
  const e = event as unknown as Fields;
  const node = (id: unknown = e.nodeId) => {
    if (typeof id !== 'number') return 'node ?';
    const address = addressOf(id);
    return address === undefined ? `node ${id}` : `node ${id} ${address}`;
  };
  switch (event.type) {
    case 'connectionCreated':
      return `${node()}: connection ${event.connectionId} open`;
    case 'connectionClosed':
      return `${node()}: connection ${event.connectionId} closed (${event.reason})`;
    case 'connectFailed':
      return `${node()}: connect failed ${event.code}`;
    case 'heartbeatFailed':
      return `${node()}: heartbeat failed ${event.code}`;
    case 'nodeStatusChanged':
      return `${node()}: ${event.previous} -> ${event.status} (${event.reason})`;
    case 'nodeEjected':
      return `${node()}: ejected by passive health for ${Math.round(event.untilAt - event.at)} ms (ejection ${event.times})`;
    case 'retryScheduled':
      return `request ${event.requestId}: attempt ${event.attempt} on ${node()} failed ${event.code}; retry in ${Math.round(event.delayMs)} ms`;
    case 'hedgeSent':
      return `request ${event.requestId}: hedge copy ${event.attempt} to ${node()}`;
    case 'hedgeWon':
      return `request ${event.requestId}: hedge copy ${event.attempt} on ${node()} answered first`;
    case 'requestFailed':
      return (
        `request ${event.requestId}: failed ${event.code} after ${event.attempts} attempt${event.attempts === 1 ? '' : 's'} ` +
        `in ${Math.round(event.durationMs)} ms${event.nodeId === undefined ? ', no node tried' : `, last on ${node()}`}` +
        (event.poison ? ' (poison suspect: not retried further)' : '')
      );
    default:
      return generic(e, node);
  }
}

/** An event type added after this formatter (membership, retry refusals …): `type node 3 a:1 key=value …`. */
function generic(e: Fields, node: (id?: unknown) => string): string {
  const parts = [String(e.type)];
  if (e.requestId !== undefined) parts.push(`request ${e.requestId}`);
  if (e.nodeId !== undefined) parts.push(node());
  for (const [key, value] of Object.entries(e)) {
    if (key === 'type' || key === 'at' || key === 'nodeId' || key === 'requestId') continue;
    parts.push(
      `${key}=${typeof value === 'string' && /^[^\s"=]*$/.test(value) ? value : JSON.stringify(value)}`,
    );
  }
  return parts.join(' ');
}
