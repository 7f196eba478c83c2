import type http from 'node:http';
import type { Router } from '../router/router-types.js';
import type { FeedMarker } from './feed-types.js';

/** What {@link handleControl} needs from the server. */
export interface ControlContext {
  readonly router: Router;
  /** The allowed `Host` values (`host:port`): an `Origin` header must name one of them. */
  readonly allowed: ReadonlySet<string>;
  /** `--allow-control` given and the dashboard listens on loopback. */
  readonly enabled: boolean;
  readonly log: (line: string) => void;
  /** Marks the action on the charts and in the event log. */
  readonly annotate: (marker: Omit<FeedMarker, 'at'>) => void;
}

const loopbackPeers = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * `POST /control/nodes/ID/out` takes node ID out of rotation (`router.markNodeUnhealthy`: its queued requests
 * move to other nodes, in-flight ones finish), `…/in` puts it back (`markNodeHealthy`). Refused with 403 unless
 * control was enabled, the peer is on loopback, and the request is same-origin JSON (`content-type:
 * application/json`, which a cross-site form cannot send, and an `Origin`, when present, of an allowed host).
 */
export function handleControl(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  ctx: ControlContext,
): void {
  const answer = (status: number, body: object) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const match = /^\/control\/nodes\/(\d+)\/(out|in)$/.exec(path);
  if (!match)
    return void answer(404, { error: 'not found: POST /control/nodes/ID/out or /control/nodes/ID/in' });
  if (!ctx.enabled)
    return void answer(403, {
      error: 'control is off: start the dashboard with --allow-control (loopback only)',
    });
  if (req.method !== 'POST') return void answer(405, { error: 'use POST' });
  if (!loopbackPeers.has(req.socket.remoteAddress ?? ''))
    return void answer(403, { error: 'control is accepted from loopback only' });
  const origin = req.headers.origin;
  const sameOrigin =
    origin === undefined || [...ctx.allowed].some((h) => origin.toLowerCase() === `http://${h}`);
  if (!sameOrigin || !(req.headers['content-type'] ?? '').startsWith('application/json'))
    return void answer(403, {
      error: 'control needs a same-origin request with content-type application/json',
    });
  const nodeId = Number(match[1]);
  const action = match[2] as 'out' | 'in';
  if (!ctx.router.addresses.some((a) => a.id === nodeId))
    return void answer(404, { error: `no node ${nodeId}` });
  req.resume(); // the body is not used
  try {
    if (action === 'out') ctx.router.markNodeUnhealthy(nodeId);
    else ctx.router.markNodeHealthy(nodeId);
  } catch (err) {
    return void answer(409, { error: (err as Error).message });
  }
  const text = `node ${nodeId} ${action === 'out' ? 'taken out by hand (markNodeUnhealthy)' : 'put back by hand (markNodeHealthy)'} from the dashboard`;
  ctx.log(`dashboard: ${text} (${req.socket.remoteAddress})`);
  ctx.annotate({ kind: 'control', label: `${action} ${nodeId}`, text, nodeId });
  answer(200, { nodeId, action });
}
