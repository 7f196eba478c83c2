import { codeWords } from './code-words.js';
import type { FeedEvent } from './feed-types.js';
import { healthWords } from './health-words.js';

/** How a log line looks: `status` and `fault` lines stand out and never fold. */
export type LogKind =
  | 'status'
  | 'fault'
  | 'heal'
  | 'slow'
  | 'retry'
  | 'failure'
  | 'connection'
  | 'info'
  | 'sampling';

/** Codes that say no node was tried (nothing to blame on the node the event names). */
const notANodeFailure = new Set(['ERR_NO_ELIGIBLE_NODE', 'ERR_ROUTER_CLOSED', 'ERR_BACKPRESSURE']);

const ms = (v: unknown) => (typeof v === 'number' ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : '? ms');

/**
 * A router (or dashboard) event in words, with its fold key and kind. Never contradicts itself: an error that
 * tried no node is not blamed on one. Event types it does not know are rendered generically (type, node, code,
 * reason and any other plain fields), so new router events show up before anyone writes words for them.
 * Browser-safe.
 */
export function describeEvent(e: FeedEvent): { key: string; text: string; kind: LogKind } {
  const node = typeof e.nodeId === 'number' ? `node ${e.nodeId}` : undefined;
  const code = typeof e.code === 'string' ? e.code : '';
  const key = [e.type, e.nodeId ?? '', code, e.reason ?? '', e.status ?? ''].join('|');
  const blame = node && !notANodeFailure.has(code);
  switch (e.type) {
    case 'nodeStatusChanged':
      return {
        key: `${key}|${e.at}`,
        kind: 'status',
        text: `${node}: ${e.previous} → ${e.status} — ${healthWords(String(e.status), String(e.reason), 0, e.reason === 'manual')}`,
      };
    case 'retryScheduled':
      return {
        key,
        kind: 'retry',
        text: blame
          ? `retry: an attempt on ${node} failed (${codeWords(code)}: ${code}); retrying after ${ms(e.delayMs)}`
          : code === 'ERR_NO_ELIGIBLE_NODE'
            ? `retry: no node was eligible for a request; trying again after ${ms(e.delayMs)}`
            : `retry: an attempt failed with ${code}; retrying after ${ms(e.delayMs)}`,
      };
    case 'retryRefused':
      return {
        key,
        kind: 'failure',
        text: `retry refused by the retry budget (${code}${blame ? ` on ${node}` : ''})`,
      };
    case 'requestFailed':
      return {
        key,
        kind: 'failure',
        text:
          code === 'ERR_NO_ELIGIBLE_NODE'
            ? 'request failed: no node was eligible before its deadline (ERR_NO_ELIGIBLE_NODE)'
            : `request failed: ${code}${blame ? ` (last tried ${node})` : ''}`,
      };
    case 'connectFailed':
      return { key, kind: 'connection', text: `${node}: could not connect — ${codeWords(code)} (${code})` };
    case 'connectionClosed':
      return { key, kind: 'connection', text: `${node}: a connection closed (${String(e.reason)})` };
    case 'connectionCreated':
      return { key, kind: 'connection', text: `${node}: connection opened` };
    case 'heartbeatFailed':
      return {
        key,
        kind: 'failure',
        text: notANodeFailure.has(code)
          ? `${node}: heartbeat not sent — no usable connection to it (${code})`
          : `${node}: heartbeat ping failed — ${codeWords(code)} (${code})`,
      };
    case 'nodeEjected':
      return {
        key,
        kind: 'status',
        text: `${node}: taken out by failed requests (ejection ${e.times ?? '?'}) for ${Math.round((Number(e.untilAt) - e.at) / 1000)} s`,
      };
    case 'nodeAdded':
      return {
        key: `${key}|${e.at}`,
        kind: 'status',
        text: `${node} added${e.address ? ` (${e.address})` : ''}`,
      };
    case 'nodeDraining':
      return {
        key: `${key}|${e.at}`,
        kind: 'status',
        text: `${node}${e.address ? ` (${e.address})` : ''}: draining — removed by ${e.reason ?? 'membership'}, finishing ${e.inFlight ?? 0} requests in flight, no new picks`,
      };
    case 'nodeRemoved':
      return {
        key: `${key}|${e.at}`,
        kind: 'status',
        text: `${node}${e.address ? ` (${e.address})` : ''} removed (${e.reason ?? 'membership'})${typeof e.inFlight === 'number' && e.inFlight > 0 ? `; ${e.inFlight} requests were still in flight` : ''}`,
      };
    case 'membershipWarning':
      return {
        key,
        kind: 'failure',
        text: `membership${e.source ? ` (${e.source})` : ''}: ${String(e.message)}`,
      };
    case 'authFailed':
      return {
        key,
        kind: 'failure',
        text: `${node}: credentials rejected (${code}); not used until they change`,
      };
    case 'credentialsRefreshed':
      return {
        key,
        kind: 'info',
        text: `credentials refreshed${node ? ` for ${node}` : ''}${typeof e.generation === 'number' ? ` (generation ${e.generation})` : ''}`,
      };
    case 'clientStall':
      return {
        key,
        kind: 'info',
        text: `this process stalled for ${ms(e.lagMs)} (event-loop lag): timeouts in it are not the nodes' fault`,
      };
    case 'fault':
    case 'heal':
    case 'slow':
    case 'info':
      return { key: `${key}|${e.at}`, kind: e.type, text: String(e.text) };
    default:
      return { key, kind: 'info', text: generic(e) };
  }
}

/** `someEvent node 3: code=ERR_X, reason=y, n=2` from the event's plain fields. */
function generic(e: FeedEvent): string {
  const skip = new Set(['type', 'at', 'nodeId', 'wallTime', 'requestId']);
  const fields = Object.entries(e)
    .filter(
      ([k, v]) => !skip.has(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'),
    )
    .map(([k, v]) => `${k}=${v}`);
  return `${e.type}${typeof e.nodeId === 'number' ? ` node ${e.nodeId}` : ''}${fields.length ? `: ${fields.join(', ')}` : ''}`;
}
