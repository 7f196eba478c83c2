import type { NodeAddress, Protocol } from '../types.js';

/** Protocol priority, best first: TLS, then TCP, then WebSocket (secure first). */
export const protocolPriority: readonly Protocol[] = ['tls', 'tcp', 'wss', 'ws'];

/** The protocols this runtime can open: all four on Node, only WebSockets in a browser. */
export function supportedProtocols(): readonly Protocol[] {
  const isNode =
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
    'string';
  return isNode ? protocolPriority : ['wss', 'ws'];
}

/**
 * The addresses a node offers that this client supports, best protocol first (the reference client's rule:
 * the highest-priority mutually supported protocol wins; the rest are fallbacks, tried in order).
 */
export function rankAddresses(
  offered: readonly NodeAddress[],
  supported: readonly Protocol[] = supportedProtocols(),
): NodeAddress[] {
  return offered
    .filter((a) => supported.includes(a.protocol))
    .sort((a, b) => protocolPriority.indexOf(a.protocol) - protocolPriority.indexOf(b.protocol));
}
