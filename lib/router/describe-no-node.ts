import type { NodeReport } from '../errors.js';
import { nodeLines } from './node-lines.js';

/** Nodes named on the first line, at most (the lines below list every node). */
const firstLineNodes = 3;

const connectPhrase: Record<string, string> = {
  ERR_CONNECT_REFUSED: 'refused',
  ERR_CONNECT_TIMEOUT: 'connect timed out',
  ERR_CONNECT_FAILED: 'unreachable',
  ERR_TLS: 'TLS handshake failed',
};

const statusPhrase: Record<string, string> = {
  joining: 'not contacted yet',
  unknown: 'not contacted yet',
  down: 'down',
  suspect: 'suspect',
  probation: 'recovering',
  draining: 'draining',
  unusable: 'credentials rejected',
  up: 'up',
};

/** How a node reads on the first line: `127.0.0.1:7000 refused (ERR_CONNECT_REFUSED)`. */
function short(r: NodeReport): string {
  if (r.manual) return `${r.address} marked unhealthy`;
  const phrase =
    (r.code && connectPhrase[r.code]) ??
    (r.code === 'ERR_REQUEST_TIMEOUT' ? 'not answering' : (statusPhrase[r.status ?? 'joining'] ?? r.status));
  return `${r.address} ${phrase}${r.code ? ` (${r.code})` : ''}`;
}

/** The headline and the hint (what to do) for a set of nodes none of which is eligible. */
function headline(reports: readonly NodeReport[], waited: string): [string, string] {
  if (reports.length === 0) return [`no node to send to ${waited}`, 'the router has no nodes: check `hosts`'];
  const codes = new Set(reports.map((r) => r.code));
  if (reports.every((r) => r.manual))
    return [`every node is held out ${waited}`, 'call markNodeHealthy(id) to let one back in'];
  if (reports.every((r) => r.status === 'unusable'))
    return [`every node rejected the credentials ${waited}`, 'check the `credentials` option'];
  if (reports.every((r) => r.code !== null && r.code in connectPhrase)) {
    const hint =
      codes.size === 1 && codes.has('ERR_CONNECT_REFUSED')
        ? 'is the cluster running? (`npx qdb-router cluster` starts a local one)'
        : codes.has('ERR_TLS') && codes.size === 1
          ? 'check the `tls` options (ca, servername) and that the nodes speak TLS'
          : 'is the cluster running, and are `hosts` right and reachable from here (firewall, DNS)?';
    return [`no node reachable ${waited}`, hint];
  }
  if (
    reports.every(
      (r) => r.code === null && (r.status === null || r.status === 'joining' || r.status === 'unknown'),
    )
  )
    return [
      `no node answered yet ${waited}`,
      'connects are still pending: is the cluster running, and is `timeoutMs` long enough for a first contact?',
    ];
  return [
    `no eligible node ${waited}`,
    'every node is down, recovering or held out; requests go through again once one is up (see `router.health$`)',
  ];
}

/**
 * The message of `ERR_NO_ELIGIBLE_NODE`: a first line that says what happened to which node and what to do,
 * then one line per node with its status, why, and its last error in full.
 * ```
 * no node reachable within 5001 ms: 127.0.0.1:7000 refused (ERR_CONNECT_REFUSED), … — is the cluster running? …
 *   node 1 127.0.0.1:7000: down (connect), last error ERR_CONNECT_REFUSED: 127.0.0.1:7000 refused the connection
 * ```
 */
export function describeNoNode(reports: readonly NodeReport[], waitedMs: number): string {
  const [head, hint] = headline(reports, `within ${Math.round(waitedMs)} ms`);
  const named = reports.slice(0, firstLineNodes).map(short);
  if (reports.length > firstLineNodes) named.push(`${reports.length - firstLineNodes} more`);
  const first = `${head}${named.length ? `: ${named.join(', ')}` : ''} — ${hint}`;
  return [first, ...nodeLines(reports)].join('\n');
}
